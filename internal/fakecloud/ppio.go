package fakecloud

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Credentials and limits of the fake PPIO.
const (
	DefaultPPIOAPIKey  = "fake-ppio-api-key-00000000000000000000"
	DefaultPPIOOwnerID = "550e8400-e29b-41d4-a716-446655440000" // owner of private images
	// PPIOMaxPageSize is the fake's page cap, whatever limit asks: lower
	// than the 100 the client asks for, so that "accept fewer" is exercised.
	PPIOMaxPageSize     = 50
	ppioDefaultPageSize = 10 // limit absent or 0
	ppioMaxNameLen      = 255
	ppioMaxCursorLen    = 1024
	ppioImagesPath      = "/gpus/v2/images"
	ppioRegistryHost    = "registry.example.com"
	ppioPlatformOwnerID = "00000000-0000-0000-0000-000000000001" // owner of base images
)

// ppioTypes are the image types the service knows, in GenerateImages' cycle.
var ppioTypes = []string{"base", "community", "private"}

// ppioEpoch is GenerateImages' first created_at (the doc's example, 1714982400).
var ppioEpoch = time.Date(2024, 5, 6, 8, 0, 0, 0, time.UTC)

// PPIOTag is one tag of a fake image.
type PPIOTag struct {
	ID            string
	Tag           string
	OwnerID       string
	FullImageName string
}

// PPIOImage is an image as the fake stores it.
type PPIOImage struct {
	ID            string
	Name          string
	Image         string // registry path without tag
	Type          string // base, community or private
	Status        string // unknown, normal, hide, disable, creating, deleting
	StatusError   string
	StatusMessage string
	CreatedAt     time.Time // served as unix seconds
	Tags          []PPIOTag
}

// PPIO fakes GET /gpus/v2/images. It checks the bearer key, validates type,
// name, limit and cursor as the doc bounds them, caps pages at
// PPIOMaxPageSize, serves images in id order behind opaque cursors (an
// offset bound to the query and signed with a per-instance secret, so a
// client can neither guess nor reuse one for another query), sets
// X-Request-Id, and answers errors as {"code","reason","message"}.
type PPIO struct {
	faults

	mu        sync.Mutex
	keys      map[string]bool
	images    []PPIOImage // kept sorted by ID, the order pages are served in
	seq       int64       // images created so far, for IDs and default times
	reqSeq    int64
	repeating bool   // SetRepeatingCursor
	secret    []byte // signs cursors
}

func newPPIO() *PPIO {
	secret := make([]byte, 16)
	_, _ = rand.Read(secret)
	return &PPIO{keys: map[string]bool{DefaultPPIOAPIKey: true}, secret: secret}
}

// Requests is how many requests reached the fake PPIO.
func (p *PPIO) Requests() int64 { return p.requests.Load() }

// Inject queues fault for the next n requests.
func (p *PPIO) Inject(n int, fault Fault) { p.push(n, fault) }

// ClearFaults drops every queued fault.
func (p *PPIO) ClearFaults() { p.clear() }

// ThrottleFault is PPIO's throttling answer: HTTP 429 without Retry-After
// (none is documented), so the client's own backoff is what gets tested.
func (p *PPIO) ThrottleFault() Fault {
	return StatusFault(http.StatusTooManyRequests, nil, `{"code":429,"reason":"TOO_MANY_REQUESTS","message":"request rate limit exceeded, please retry later"}`)
}

// AddAPIKey makes the fake accept another key.
func (p *PPIO) AddAPIKey(key string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keys[key] = true
}

// SetRepeatingCursor makes every page answer has_more with one and the same
// next_cursor (the one after the first page), as a broken service would:
// a client that follows cursors blindly never stops.
func (p *PPIO) SetRepeatingCursor(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.repeating = on
}

// GenerateImages adds n deterministic images (the same ones on every fresh
// fake): types cycle base, community, private; names cycle through a few
// families ("pytorch-0", "vllm-0", …, "pytorch-1", …); most are "normal",
// some "creating", some "disable" with an error and a message; one to four
// tags each. created_at steps an hour per image, except that some images
// share the second of an earlier one, of another type (i%5 == 2) and of the
// same type (i%5 == 4), so that ordering needs the id tie-breaker. IDs are
// hashes, so id order (the service's order) is not creation order.
func (p *PPIO) GenerateImages(n int) {
	families := []string{"pytorch", "tensorflow", "vllm", "comfyui", "stable-diffusion", "ollama", "cuda"}
	p.mu.Lock()
	defer p.mu.Unlock()
	first := p.seq
	created := make([]time.Time, n)
	for i := range n {
		created[i] = ppioEpoch.Add(time.Duration(first+int64(i)) * time.Hour)
		switch {
		case i%5 == 2 && i >= 1:
			created[i] = created[i-1]
		case i%5 == 4 && i >= 3:
			created[i] = created[i-3]
		}
		j := int(first) + i // names stay unique across calls
		typ := ppioTypes[i%len(ppioTypes)]
		name := fmt.Sprintf("%s-%d", families[j%len(families)], j/len(families))
		img := PPIOImage{Name: name, Type: typ, Status: "normal", CreatedAt: created[i]}
		switch i % 10 {
		case 7:
			img.Status = "creating"
			img.StatusMessage = "image is being pulled and cached"
		case 9:
			img.Status = "disable"
			img.StatusError = "IMAGE_PULL_FAILED"
			img.StatusMessage = "failed to pull image: manifest unknown"
		}
		for k := range 1 + i%4 {
			tag := fmt.Sprintf("%d.%d.0-cuda12.%d", 2, 3-k, (i+k)%3)
			if k == 0 {
				tag = "latest"
			}
			img.Tags = append(img.Tags, PPIOTag{Tag: tag})
		}
		p.images = append(p.images, p.fill(img))
	}
	slices.SortFunc(p.images, func(a, b PPIOImage) int { return strings.Compare(a.ID, b.ID) })
}

// fill gives an image the fields left empty: a hashed ID, an image path,
// status "normal", a created_at an hour after the previous image, tag IDs,
// owners and full names. The caller holds p.mu.
func (p *PPIO) fill(img PPIOImage) PPIOImage {
	p.seq++
	if img.ID == "" {
		img.ID = ppioUUID(fmt.Sprintf("ppio-image-%d", p.seq))
	}
	if img.Type == "" {
		img.Type = "private"
	}
	if img.Image == "" {
		img.Image = ppioRegistryHost + "/" + img.Type + "/" + img.Name
	}
	if img.Status == "" {
		img.Status = "normal"
	}
	if img.CreatedAt.IsZero() {
		img.CreatedAt = ppioEpoch.Add(time.Duration(p.seq) * time.Hour)
	}
	img.CreatedAt = img.CreatedAt.UTC().Truncate(time.Second)
	owner := DefaultPPIOOwnerID
	switch img.Type {
	case "base":
		owner = ppioPlatformOwnerID
	case "community":
		owner = ppioUUID("ppio-owner-" + img.Name)
	}
	img.Tags = slices.Clone(img.Tags)
	for k := range img.Tags {
		t := &img.Tags[k]
		if t.ID == "" {
			t.ID = ppioUUID(img.ID + ":" + t.Tag)
		}
		if t.OwnerID == "" {
			t.OwnerID = owner
		}
		if t.FullImageName == "" {
			t.FullImageName = img.Image + ":" + t.Tag
		}
	}
	return img
}

// PushImage stores img, filling the fields left empty (see fill), and
// returns it as stored. An image with the ID of a stored one replaces it;
// pushing a name that exists makes a second image of that name, as pushing
// a rebuilt image does.
func (p *PPIO) PushImage(img PPIOImage) PPIOImage {
	p.mu.Lock()
	defer p.mu.Unlock()
	img = p.fill(img)
	i, found := slices.BinarySearchFunc(p.images, img.ID, func(e PPIOImage, id string) int { return strings.Compare(e.ID, id) })
	if found {
		p.images[i] = img
	} else {
		p.images = slices.Insert(p.images, i, img)
	}
	return ppioCopy(img)
}

// UpdateImage changes the stored image id through mutate (its ID cannot
// change) and reports whether it exists.
func (p *PPIO) UpdateImage(id string, mutate func(*PPIOImage)) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	i, found := slices.BinarySearchFunc(p.images, id, func(e PPIOImage, id string) int { return strings.Compare(e.ID, id) })
	if !found {
		return false
	}
	mutate(&p.images[i])
	p.images[i].ID = id
	return true
}

// DeleteImage removes an image and reports whether it existed.
func (p *PPIO) DeleteImage(id string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	i, found := slices.BinarySearchFunc(p.images, id, func(e PPIOImage, id string) int { return strings.Compare(e.ID, id) })
	if found {
		p.images = slices.Delete(p.images, i, i+1)
	}
	return found
}

// Images returns a copy of every stored image, in the order served.
func (p *PPIO) Images() []PPIOImage {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]PPIOImage, len(p.images))
	for i, img := range p.images {
		out[i] = ppioCopy(img)
	}
	return out
}

func ppioCopy(img PPIOImage) PPIOImage {
	img.Tags = slices.Clone(img.Tags)
	return img
}

// ppioUUID is a deterministic UUID-shaped ID derived from seed.
func ppioUUID(seed string) string {
	h := sha256.Sum256([]byte(seed))
	x := hex.EncodeToString(h[:16])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

func (p *PPIO) requestID() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reqSeq++
	return fmt.Sprintf("ppio-req-%06d", p.reqSeq)
}

// ppioError answers in the shape PPIO's gateway uses (the docs do not show
// one; this is the plausible {"code","reason","message"} form).
func ppioError(w http.ResponseWriter, status int, reason, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(struct {
		Code    int    `json:"code"`
		Reason  string `json:"reason"`
		Message string `json:"message"`
	}{status, reason, msg})
}

// cursor is the opaque token for offset under one query: the offset and an
// HMAC of offset and query, so a cursor is only good for the query it came
// from and a client cannot forge one.
func (p *PPIO) cursor(offset int, typ, name string) string {
	o := strconv.Itoa(offset)
	return base64.RawURLEncoding.EncodeToString([]byte(o + "." + p.cursorMAC(o, typ, name)))
}

func (p *PPIO) cursorMAC(offset, typ, name string) string {
	m := hmac.New(sha256.New, p.secret)
	m.Write([]byte(offset + "\x00" + typ + "\x00" + name))
	return hex.EncodeToString(m.Sum(nil)[:12])
}

// parseCursor returns the offset a cursor stands for, or false when it is
// not one this fake issued for this query.
func (p *PPIO) parseCursor(c, typ, name string) (int, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	o, mac, ok := strings.Cut(string(raw), ".")
	offset, err := strconv.Atoi(o)
	if !ok || err != nil || offset < 0 || !hmac.Equal([]byte(mac), []byte(p.cursorMAC(o, typ, name))) {
		return 0, false
	}
	return offset, true
}

type ppioWireTag struct {
	ID            string `json:"id"`
	Tag           string `json:"tag"`
	OwnerID       string `json:"owner_id"`
	FullImageName string `json:"full_image_name"`
}

type ppioWireImage struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Image  string `json:"image"`
	Type   string `json:"type"`
	Status struct {
		Status  string `json:"status"`
		Error   string `json:"error"`
		Message string `json:"message"`
	} `json:"status"`
	CreatedAt int64         `json:"created_at"`
	Tags      []ppioWireTag `json:"tags"`
}

// ServeHTTP fakes the API: the checks every call shares (the bearer key,
// a known path and method), then the call's own handler.
func (p *PPIO) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Request-Id", p.requestID())
	if p.intercept(w, r) {
		return
	}
	key, hasBearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !hasBearer || key == "" {
		ppioError(w, http.StatusUnauthorized, "UNAUTHORIZED", "missing API key: send Authorization: Bearer <key>")
		return
	}
	p.mu.Lock()
	known := p.keys[key]
	p.mu.Unlock()
	if !known {
		ppioError(w, http.StatusUnauthorized, "UNAUTHORIZED", "invalid API key")
		return
	}
	if r.URL.Path != ppioImagesPath {
		ppioError(w, http.StatusNotFound, "NOT_FOUND", "no such API: "+r.URL.Path)
		return
	}
	if r.Method != http.MethodGet {
		ppioError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "method "+r.Method+" not allowed")
		return
	}
	p.listImages(w, r)
}

// ppioListQuery is a GET /gpus/v2/images query, checked.
type ppioListQuery struct {
	typ, name     string
	offset, limit int // offset from the cursor; limit capped at PPIOMaxPageSize
}

// listImages serves GET /gpus/v2/images: one page of the images that
// match, in ID order, and the cursor of the next.
func (p *PPIO) listImages(w http.ResponseWriter, r *http.Request) {
	q, ok := p.parseListQuery(w, r.URL.Query())
	if !ok {
		return
	}
	page, total, repeating := p.selectPage(q)
	out := struct {
		Data       []ppioWireImage `json:"data"`
		NextCursor string          `json:"next_cursor"`
		HasMore    bool            `json:"has_more"`
	}{Data: make([]ppioWireImage, 0, len(page))}
	for _, img := range page {
		out.Data = append(out.Data, ppioWire(img))
	}
	if next := q.offset + len(page); next < total {
		out.NextCursor, out.HasMore = p.cursor(next, q.typ, q.name), true
	}
	if repeating {
		out.NextCursor, out.HasMore = p.cursor(q.limit, q.typ, q.name), true
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

// parseListQuery checks type, name, limit and cursor as the doc bounds
// them, answering the first bad one itself.
func (p *PPIO) parseListQuery(w http.ResponseWriter, v url.Values) (ppioListQuery, bool) {
	q := ppioListQuery{typ: v.Get("type"), name: v.Get("name"), limit: ppioDefaultPageSize}
	if q.typ != "" && !slices.Contains(ppioTypes, q.typ) {
		ppioError(w, http.StatusBadRequest, "INVALID_PARAMETER", "type must be one of base, community, private")
		return q, false
	}
	if utf8.RuneCountInString(q.name) > ppioMaxNameLen {
		ppioError(w, http.StatusBadRequest, "INVALID_PARAMETER", "name must be at most 255 characters")
		return q, false
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			ppioError(w, http.StatusBadRequest, "INVALID_PARAMETER", "limit must be an integer >= 0")
			return q, false
		}
		if n > 0 {
			q.limit = n
		}
	}
	q.limit = min(q.limit, PPIOMaxPageSize)
	cur := v.Get("cursor")
	if len(cur) > ppioMaxCursorLen {
		ppioError(w, http.StatusBadRequest, "INVALID_PARAMETER", "cursor must be at most 1024 characters")
		return q, false
	}
	if cur != "" {
		var ok bool
		if q.offset, ok = p.parseCursor(cur, q.typ, q.name); !ok {
			ppioError(w, http.StatusBadRequest, "INVALID_CURSOR", "cursor is invalid or belongs to another query")
			return q, false
		}
	}
	return q, true
}

// selectPage returns the page of images q asks for (copies), how many
// match in all, and whether SetRepeatingCursor is on. The type filter is
// exact; the name filter a case-insensitive substring.
func (p *PPIO) selectPage(q ppioListQuery) (page []PPIOImage, total int, repeating bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	lname := strings.ToLower(q.name)
	for _, img := range p.images {
		if (q.typ != "" && img.Type != q.typ) || (q.name != "" && !strings.Contains(strings.ToLower(img.Name), lname)) {
			continue
		}
		if total >= q.offset && total < q.offset+q.limit {
			page = append(page, ppioCopy(img))
		}
		total++
	}
	return page, total, p.repeating
}

// ppioWire is an image as the API writes it.
func ppioWire(img PPIOImage) ppioWireImage {
	wi := ppioWireImage{ID: img.ID, Name: img.Name, Image: img.Image, Type: img.Type,
		CreatedAt: img.CreatedAt.Unix(), Tags: make([]ppioWireTag, 0, len(img.Tags))}
	wi.Status.Status, wi.Status.Error, wi.Status.Message = img.Status, img.StatusError, img.StatusMessage
	for _, t := range img.Tags {
		wi.Tags = append(wi.Tags, ppioWireTag(t))
	}
	return wi
}
