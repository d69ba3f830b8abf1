package fakecloud

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/swr"
)

// Credentials the fake SWR and IAM accept out of the box.
const (
	DefaultSWRAccessKey     = "FAKEAKSWR0000000000"
	DefaultSWRSecretKey     = "fake-swr-secret-key-0000000000000000"
	DefaultSWRAuthToken     = "fake-iam-token"
	DefaultSWRRegion        = "cn-north-4"
	DefaultSWRProjectID     = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
	DefaultSWRDomainID      = "d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0"
	TemporarySWRAccessKey   = "FAKETEMPAK000000000"
	TemporarySWRSecretKey   = "fake-swr-temporary-secret-000000000"
	TemporarySWRToken       = "fake-security-token"
	swrMaxLimit             = 1000
	swrSignatureMaxSkew     = 15 * time.Minute
	swrRegistryHost         = "swr.cn-north-4.myhuaweicloud.com"
	swrInternalRegistryHost = "10.125.0.198:20202"
)

// SWRTag is a tag as the fake stores it.
type SWRTag struct {
	ID       int64
	RepoID   int64
	Tag      string
	ImageID  string
	Digest   string
	Manifest string
	Size     int64
	Created  time.Time
	Updated  time.Time
	Deleted  *time.Time
	Scanned  bool
	TagType  int64
}

type swrKey struct {
	secret string
	token  string // required X-Security-Token for temporary keys
}

// SWR fakes GET /v2/manage/namespaces/{ns}/repos/{repo}/tags and IAM's
// GET /v3/projects. It checks every AK/SK signature, requires X-Project-Id,
// caps pages at 1000, sets Content-Range and X-Request-Id, and answers
// errors in SWR's shapes.
type SWR struct {
	faults

	mu       sync.Mutex
	keys     map[string]swrKey // access key -> secret
	tokens   map[string]bool
	projects map[string]string              // region -> project id
	repos    map[string]map[string][]SWRTag // namespace -> repository -> tags
	nextID   int64
	reqSeq   int64
}

func newSWR() *SWR {
	return &SWR{
		keys: map[string]swrKey{
			DefaultSWRAccessKey:   {secret: DefaultSWRSecretKey},
			TemporarySWRAccessKey: {secret: TemporarySWRSecretKey, token: TemporarySWRToken},
		},
		tokens:   map[string]bool{DefaultSWRAuthToken: true},
		projects: map[string]string{DefaultSWRRegion: DefaultSWRProjectID},
		repos:    map[string]map[string][]SWRTag{},
		nextID:   1,
	}
}

// Requests is how many requests reached the fake SWR and IAM.
func (s *SWR) Requests() int64 { return s.requests.Load() }

// Inject queues fault for the next n requests.
func (s *SWR) Inject(n int, fault Fault) { s.push(n, fault) }

// ClearFaults drops every queued fault.
func (s *SWR) ClearFaults() { s.clear() }

// ThrottleFault is SWR's gateway throttling answer, with Retry-After when
// retryAfter is not empty.
func (s *SWR) ThrottleFault(retryAfter string) Fault {
	h := map[string]string{}
	if retryAfter != "" {
		h["Retry-After"] = retryAfter
	}
	return StatusFault(http.StatusTooManyRequests, h, `{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached: policy user over ratelimit"}`)
}

// AddProject makes IAM list a project named after region (a second one for
// the same region makes discovery ambiguous).
func (s *SWR) AddProject(region, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.projects[region]; ok && old != id {
		s.projects[region] = old + "," + id
		return
	}
	s.projects[region] = id
}

// CreateRepository makes an empty repository.
func (s *SWR) CreateRepository(namespace, repository string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.repo(namespace, repository)
}

func (s *SWR) repo(namespace, repository string) []SWRTag {
	ns, ok := s.repos[namespace]
	if !ok {
		ns = map[string][]SWRTag{}
		s.repos[namespace] = ns
	}
	if _, ok := ns[repository]; !ok {
		ns[repository] = []SWRTag{}
	}
	return ns[repository]
}

// GenerateTags fills a repository with n deterministic tags: "v<i>.0.0",
// updated one minute apart from a fixed instant, except that every third
// tag shares its second with the one before, to exercise tie-breaking.
func (s *SWR) GenerateTags(namespace, repository string, n int) {
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		updated := base.Add(time.Duration(i) * time.Minute)
		if i%3 == 2 {
			updated = base.Add(time.Duration(i-1) * time.Minute)
		}
		s.PushTag(namespace, repository, fmt.Sprintf("v%d.0.0", i), updated)
	}
}

// PushTag adds a tag, or moves an existing one to a new digest, at time at.
func (s *SWR) PushTag(namespace, repository, tag string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tags := s.repo(namespace, repository)
	digest := fakeDigest(fmt.Sprintf("%s/%s:%s@%d", namespace, repository, tag, at.UnixNano()))
	for i := range tags {
		if tags[i].Tag == tag {
			tags[i].Digest, tags[i].ImageID, tags[i].Updated = digest, digest[7:19], at.UTC()
			tags[i].Manifest = fakeManifest(digest)
			return
		}
	}
	id := s.nextID
	s.nextID++
	tags = append(tags, SWRTag{
		ID: id, RepoID: 1000 + int64(len(s.repos[namespace])), Tag: tag,
		ImageID: digest[7:19], Digest: digest, Manifest: fakeManifest(digest),
		Size: 1000000 + id*4096, Created: at.UTC(), Updated: at.UTC(), Scanned: id%2 == 0,
	})
	s.repos[namespace][repository] = tags
}

// Tag returns a stored tag, for tests to compare against.
func (s *SWR) Tag(namespace, repository, tag string) (SWRTag, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.repos[namespace][repository] {
		if t.Tag == tag {
			return t, true
		}
	}
	return SWRTag{}, false
}

// DeleteTag removes a tag.
func (s *SWR) DeleteTag(namespace, repository, tag string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tags := s.repo(namespace, repository)
	s.repos[namespace][repository] = slices.DeleteFunc(tags, func(t SWRTag) bool { return t.Tag == tag })
}

func fakeDigest(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return "sha256:" + hex.EncodeToString(sum[:])
}

func fakeManifest(digest string) string {
	return `{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",` +
		`"config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7023,"digest":"` + digest + `"},` +
		`"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":32654,"digest":"` + digest + `"}]}`
}

func (s *SWR) requestID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqSeq++
	return fmt.Sprintf("swr-req-%06d", s.reqSeq)
}

func swrError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error_code": code, "error_msg": msg})
}

// authenticate checks an X-Auth-Token or an AK/SK signature and answers
// the error itself when it fails. It returns whether AK/SK was used.
func (s *SWR) authenticate(w http.ResponseWriter, r *http.Request) (akSK, ok bool) {
	if tok := r.Header.Get("X-Auth-Token"); tok != "" {
		s.mu.Lock()
		valid := s.tokens[tok]
		s.mu.Unlock()
		if !valid {
			swrError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: decrypt token fail")
			return false, false
		}
		return false, true
	}
	ak, signed, sig, parsed := swr.ParseAuthorization(r.Header.Get("Authorization"))
	if !parsed {
		swrError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: Authorization header missing or malformed")
		return false, false
	}
	s.mu.Lock()
	key, known := s.keys[ak]
	s.mu.Unlock()
	if !known {
		swrError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: ak "+ak+" not exist")
		return false, false
	}
	if !slices.Contains(signed, "host") || !slices.Contains(signed, "x-sdk-date") {
		swrError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: host and x-sdk-date must be signed")
		return false, false
	}
	date, err := time.Parse("20060102T150405Z", r.Header.Get("X-Sdk-Date"))
	if err != nil || time.Since(date).Abs() > swrSignatureMaxSkew {
		swrError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: X-Sdk-Date missing or more than 15 minutes off")
		return false, false
	}
	if key.token != "" && (r.Header.Get("X-Security-Token") != key.token || !slices.Contains(signed, "x-security-token")) {
		swrError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: temporary access key needs a valid, signed X-Security-Token")
		return false, false
	}
	if swr.ExpectedSignature(r, signed, nil, key.secret) != sig {
		swrError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: verify aksk signature fail")
		return false, false
	}
	return true, true
}

// serveIAMProjects fakes IAM's GET /v3/projects?name=<region>.
func (s *SWR) serveIAMProjects(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Request-Id", s.requestID())
	if s.intercept(w, r) {
		return
	}
	if _, ok := s.authenticate(w, r); !ok {
		return
	}
	name := r.URL.Query().Get("name")
	s.mu.Lock()
	ids := s.projects[name]
	s.mu.Unlock()
	type project struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	out := struct {
		Projects []project `json:"projects"`
	}{Projects: []project{}}
	if ids != "" {
		for _, id := range strings.Split(ids, ",") {
			out.Projects = append(out.Projects, project{ID: id, Name: name})
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

// ServeHTTP fakes the tags listing.
func (s *SWR) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Request-Id", s.requestID())
	if s.intercept(w, r) {
		return
	}
	akSK, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	if akSK {
		pid := r.Header.Get("X-Project-Id")
		s.mu.Lock()
		known := slices.Contains(strings.Split(strings.Join(mapValues(s.projects), ","), ","), pid)
		s.mu.Unlock()
		if pid == "" || !known {
			swrError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: X-Project-Id missing or unknown")
			return
		}
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/v2/manage/namespaces/"), "/")
	if r.Method != http.MethodGet || len(parts) != 4 || parts[1] != "repos" || parts[3] != "tags" {
		swrError(w, http.StatusNotFound, "SVCSTG.SWR.4040000", "no such API: "+r.Method+" "+r.URL.Path)
		return
	}
	namespace, repository := parts[0], strings.ReplaceAll(parts[2], "$", "/")

	q := r.URL.Query()
	offset, limit := 0, 100
	var err error
	if v := q.Get("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			swrError(w, http.StatusBadRequest, "SVCSTG.SWR.4000014", "invalid offset")
			return
		}
	}
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit <= 0 {
			swrError(w, http.StatusBadRequest, "SVCSTG.SWR.4000014", "invalid limit")
			return
		}
	}
	limit = min(limit, swrMaxLimit)
	// As strict as the official SDK: the v2 listing orders by updated_at only.
	column, order := q.Get("order_column"), q.Get("order_type")
	if (column == "") != (order == "") {
		swrError(w, http.StatusBadRequest, "SVCSTG.SWR.4000014", "order_column and order_type go together")
		return
	}
	if column != "" && column != "updated_at" {
		swrError(w, http.StatusBadRequest, "SVCSTG.SWR.4001001", "invalid order_column "+column+": only updated_at is supported")
		return
	}
	if order != "" && order != "desc" && order != "asc" {
		swrError(w, http.StatusBadRequest, "SVCSTG.SWR.4001001", "invalid order_type "+order+": desc or asc")
		return
	}

	s.mu.Lock()
	ns, nsOK := s.repos[namespace]
	tags, repoOK := ns[repository]
	tags = slices.Clone(tags)
	s.mu.Unlock()
	if !nsOK {
		swrError(w, http.StatusNotFound, "SVCSTG.SWR.4040009", "namespace "+namespace+" not found")
		return
	}
	if !repoOK {
		swrError(w, http.StatusNotFound, "SVCSTG.SWR.4040010", "repository "+repository+" not found")
		return
	}
	if f := q.Get("tag"); f != "" {
		tags = slices.DeleteFunc(tags, func(t SWRTag) bool { return !strings.Contains(t.Tag, f) })
	}
	sortSWRTags(tags, column, order)

	total := len(tags)
	page := tags[min(offset, total):min(offset+limit, total)]
	out := make([]map[string]any, 0, len(page))
	for _, t := range page {
		path := fmt.Sprintf("%s/%s/%s:%s", swrRegistryHost, namespace, repository, t.Tag)
		var deleted any
		if t.Deleted != nil {
			deleted = t.Deleted.Format(time.RFC3339)
		}
		out = append(out, map[string]any{
			"id": t.ID, "repo_id": t.RepoID, "Tag": t.Tag, "image_id": t.ImageID, "digest": t.Digest,
			"manifest": t.Manifest, "schema": 2, "path": path,
			"internal_path": fmt.Sprintf("%s/%s/%s:%s", swrInternalRegistryHost, namespace, repository, t.Tag),
			"size":          t.Size, "is_trusted": false,
			"created": t.Created.Format(time.RFC3339), "updated": t.Updated.Format(time.RFC3339),
			"deleted": deleted, "domain_id": DefaultSWRDomainID, "scanned": t.Scanned, "tag_type": t.TagType,
		})
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Range", fmt.Sprintf("%d-%d/%d", offset, len(page), total))
	_ = json.NewEncoder(w).Encode(out)
}

// sortSWRTags orders a listing as asked: by updated_at, or by creation
// without an order. The real service promises nothing for tags updated in
// the same second; the fake puts them in ascending byte order of the name
// (whatever the direction), which is not the provider's tie-break, so tests
// show that the provider sorts them itself.
func sortSWRTags(tags []SWRTag, column, order string) {
	if column != "updated_at" {
		slices.SortStableFunc(tags, func(a, b SWRTag) int { return cmp.Compare(a.ID, b.ID) })
		return
	}
	slices.SortStableFunc(tags, func(a, b SWRTag) int {
		c := a.Updated.Compare(b.Updated)
		if order == "desc" {
			c = -c
		}
		if c != 0 {
			return c
		}
		return strings.Compare(a.Tag, b.Tag)
	})
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
