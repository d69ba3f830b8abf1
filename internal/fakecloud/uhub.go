package fakecloud

import (
	"cmp"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/ucloud"
)

// Credentials and project the fake UHub accepts out of the box.
const (
	DefaultUCloudPublicKey  = "fake-ucloud-public-key-0000000000000000"
	DefaultUCloudPrivateKey = "fake-ucloud-private-key-000000000000000"
	DefaultUCloudProjectID  = "org-fake00"
	uhubDefaultLimit        = 20
	uhubMaxLimit            = 20 // the real maximum is undocumented; a low cap exercises paging
	uhubRetCodeNoAction     = 160
	uhubRetCodeBadParam     = 230
)

// UHubImage is an image as the fake stores it.
type UHubImage struct {
	ImageName  string
	RepoName   string
	PullCount  int64
	CreateTime time.Time
	UpdateTime time.Time
	LatestTag  string
}

// UHub fakes UCloud's action API for GetRepoImage and GetImageTag, at "/".
// It takes parameters from a POSTed form (as the SDK sends them) or a GET
// query, verifies every Signature, caps pages at 20 whatever Limit asks,
// reports TotalCount, and answers errors with RetCode in an HTTP 200, as
// UCloud does. Every answer carries X-UCLOUD-REQUEST-UUID.
//
// Images and tags are kept in step the way a push keeps them: every image
// has its LatestTag among its tags, and pushing a tag updates the image.
type UHub struct {
	faults

	mu       sync.Mutex
	keys     map[string]string          // public key -> private key
	projects map[string]bool            // known ProjectIds
	repos    map[string][]UHubImage     // repository -> images, sorted by ImageName
	tags     map[uhubImageKey][]UHubTag // image -> tags, sorted by TagName
	calls    map[string]int64           // requests per Action, as sent
	pushSeq  int64                      // pushes so far: every push gets a new digest
	reqSeq   int64
}

func newUHub() *UHub {
	return &UHub{
		keys:     map[string]string{DefaultUCloudPublicKey: DefaultUCloudPrivateKey},
		projects: map[string]bool{DefaultUCloudProjectID: true},
		repos:    map[string][]UHubImage{},
		tags:     map[uhubImageKey][]UHubTag{},
		calls:    map[string]int64{},
	}
}

// Requests is how many requests reached the fake UHub.
func (u *UHub) Requests() int64 { return u.requests.Load() }

// CallCount is how many requests named action (faulted ones included, as
// in Requests; "" counts those that named none).
func (u *UHub) CallCount(action string) int64 {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.calls[action]
}

// Calls is every action's CallCount.
func (u *UHub) Calls() map[string]int64 {
	u.mu.Lock()
	defer u.mu.Unlock()
	return maps.Clone(u.calls)
}

func (u *UHub) resetCounts() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.requests.Store(0)
	clear(u.calls)
}

// Inject queues fault for the next n requests.
func (u *UHub) Inject(n int, fault Fault) { u.push(n, fault) }

// ClearFaults drops every queued fault.
func (u *UHub) ClearFaults() { u.clear() }

// RetCodeFault answers RetCode code with message in an HTTP 200, the way
// UCloud reports every error.
func (u *UHub) RetCodeFault(code int, message string) Fault {
	body, _ := json.Marshal(map[string]any{"RetCode": code, "Action": "GetRepoImageResponse", "Message": message})
	return StatusFault(http.StatusOK, nil, string(body))
}

// ThrottleFault is UCloud's throttling answer: RetCode 153 in an HTTP 200.
func (u *UHub) ThrottleFault() Fault {
	return u.RetCodeFault(ucloud.RetCodeThrottled, "Request too frequently, please try again later")
}

// AddProject makes another ProjectId known.
func (u *UHub) AddProject(id string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.projects[id] = true
}

// CreateRepository makes an empty repository (an existing one is kept).
func (u *UHub) CreateRepository(repo string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if _, ok := u.repos[repo]; !ok {
		u.repos[repo] = []UHubImage{}
	}
}

// uhubEpoch is the instant generated images are updated from.
var uhubEpoch = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)

// GenerateImages adds n deterministic images to a repository (creating it):
// "image-00000", "image-00001", …, with every three consecutive images
// updated in the same second (so ordering by update time needs a
// tie-breaker), groups one minute apart, each created some days before.
// An image of the same name is replaced.
func (u *UHub) GenerateImages(repo string, n int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	images := u.repos[repo]
	index := make(map[string]int, len(images))
	for i, im := range images {
		index[im.ImageName] = i
	}
	for i := range n {
		updated := uhubEpoch.Add(time.Duration(i/3) * time.Minute)
		im := UHubImage{
			ImageName:  fmt.Sprintf("image-%05d", i),
			RepoName:   repo,
			PullCount:  int64(i*37) % 1000,
			CreateTime: updated.Add(-time.Duration(i%7+1) * 24 * time.Hour),
			UpdateTime: updated,
			LatestTag:  fmt.Sprintf("v1.%d.0", i),
		}
		u.putTag(repo, im.ImageName, UHubTag{TagName: im.LatestTag, UpdateTime: updated, Digest: u.newDigest(repo, im.ImageName, im.LatestTag)})
		if j, ok := index[im.ImageName]; ok {
			images[j] = im
			continue
		}
		index[im.ImageName] = len(images)
		images = append(images, im)
	}
	slices.SortFunc(images, func(a, b UHubImage) int { return cmp.Compare(a.ImageName, b.ImageName) })
	u.repos[repo] = images
}

// UpdateImage pushes to image at time at: an existing image gets a new
// UpdateTime and LatestTag; a new one is added (and the repository created).
// The tag is derived from at, so the same push gives the same tag (with a
// new digest, as every push).
func (u *UHub) UpdateImage(repo, image string, at time.Time) {
	u.mu.Lock()
	defer u.mu.Unlock()
	at = at.UTC().Truncate(time.Second) // UHub reports whole seconds
	tag := "v" + at.Format("20060102.150405")
	u.putTag(repo, image, UHubTag{TagName: tag, UpdateTime: at, Digest: u.newDigest(repo, image, tag)})
	u.setImage(repo, image, at, tag)
}

// setImage gives image UpdateTime at and LatestTag tag, adding it (and the
// repository) when missing. The caller holds u.mu.
func (u *UHub) setImage(repo, image string, at time.Time, tag string) {
	images := u.repos[repo]
	i, found := slices.BinarySearchFunc(images, image, func(im UHubImage, name string) int { return cmp.Compare(im.ImageName, name) })
	if found {
		images[i].UpdateTime, images[i].LatestTag = at, tag
		return
	}
	u.repos[repo] = slices.Insert(images, i, UHubImage{
		ImageName: image, RepoName: repo, CreateTime: at, UpdateTime: at, LatestTag: tag,
	})
}

// Images returns a copy of a repository's images, ordered by ImageName
// (nil when the repository does not exist), for tests to compare with.
func (u *UHub) Images(repo string) []UHubImage {
	u.mu.Lock()
	defer u.mu.Unlock()
	return slices.Clone(u.repos[repo])
}

// DeleteImage removes an image.
func (u *UHub) DeleteImage(repo, image string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if images, ok := u.repos[repo]; ok {
		u.repos[repo] = slices.DeleteFunc(images, func(im UHubImage) bool { return im.ImageName == image })
	}
	delete(u.tags, uhubImageKey{repo, image})
}

func (u *UHub) requestID() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.reqSeq++
	return fmt.Sprintf("%08x-fa6e-4b0b-8c1d-%012x", u.reqSeq, u.reqSeq)
}

// uhubAnswer writes a UCloud answer: always JSON, Action echoed as
// "<Action>Response".
func uhubAnswer(w http.ResponseWriter, status int, action string, body map[string]any) {
	if action == "" {
		action = "Unknown"
	}
	body["Action"] = action + "Response"
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func uhubError(w http.ResponseWriter, action string, code int, msg string) {
	uhubAnswer(w, http.StatusOK, action, map[string]any{"RetCode": code, "Message": msg})
}

// ServeHTTP fakes the action API: the checks every action shares, then the
// action's own handler.
func (u *UHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-UCLOUD-REQUEST-UUID", u.requestID())
	// Read the form before any fault runs: only once a POST body is consumed
	// does the server notice a client hanging up, which StallFault waits for.
	// Body values come before query values; the signer reads the first.
	parseErr := r.ParseForm()
	params := r.Form
	action := params.Get("Action")
	u.mu.Lock()
	u.calls[action]++
	u.mu.Unlock()
	if u.intercept(w, r) {
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		uhubAnswer(w, http.StatusMethodNotAllowed, "", map[string]any{"RetCode": uhubRetCodeNoAction, "Message": "method " + r.Method + " not allowed"})
		return
	}
	if parseErr != nil {
		uhubError(w, "", uhubRetCodeBadParam, "Params not available: "+parseErr.Error())
		return
	}

	u.mu.Lock()
	private, known := u.keys[params.Get("PublicKey")]
	u.mu.Unlock()
	if !known {
		uhubError(w, action, ucloud.RetCodeNoSuchUser, "User not exist")
		return
	}
	if sig := params.Get("Signature"); sig == "" || sig != ucloud.Signature(params, private) {
		uhubError(w, action, ucloud.RetCodeBadSignature, "Signature VerifyAC Error")
		return
	}
	var serve func(http.ResponseWriter, string, url.Values)
	switch action {
	case "":
		uhubError(w, action, uhubRetCodeNoAction, "Missing Action")
		return
	case "GetRepoImage":
		serve = u.getRepoImage
	case "GetImageTag":
		serve = u.getImageTag
	default:
		uhubError(w, action, uhubRetCodeNoAction, "Action ["+action+"] not found")
		return
	}
	serve(w, action, params)
}

// uhubPaging reads Offset and Limit as UHub does (defaults 0 and 20, a
// Limit of 0 meaning the default, capped at uhubMaxLimit), answering a bad
// value itself.
func uhubPaging(w http.ResponseWriter, action string, params url.Values) (offset, limit int, ok bool) {
	offset, limit = 0, uhubDefaultLimit
	var err error
	if v := params.Get("Offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			uhubError(w, action, uhubRetCodeBadParam, "Params [Offset] not available")
			return 0, 0, false
		}
	}
	if v := params.Get("Limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 0 {
			uhubError(w, action, uhubRetCodeBadParam, "Params [Limit] not available")
			return 0, 0, false
		}
		if limit == 0 {
			limit = uhubDefaultLimit
		}
	}
	return offset, min(limit, uhubMaxLimit), true
}

// projectKnown says whether a ProjectId is acceptable: absent (the
// account's default project) or known. The caller holds u.mu.
func (u *UHub) projectKnown(id string) bool { return id == "" || u.projects[id] }

func (u *UHub) getRepoImage(w http.ResponseWriter, action string, params url.Values) {
	get := params.Get
	repo := get("RepoName")
	if repo == "" {
		uhubError(w, action, uhubRetCodeBadParam, "Missing params [RepoName]")
		return
	}
	offset, limit, ok := uhubPaging(w, action, params)
	if !ok {
		return
	}

	u.mu.Lock()
	projectKnown := u.projectKnown(get("ProjectId"))
	images, repoKnown := u.repos[repo]
	total := len(images)
	page := slices.Clone(images[min(offset, total):min(offset+limit, total)])
	u.mu.Unlock()

	if !projectKnown {
		uhubError(w, action, ucloud.RetCodeNoSuchProject, "Project not exist")
		return
	}
	if !repoKnown {
		uhubNoRepo(w, action, repo)
		return
	}
	set := make([]map[string]any, 0, len(page))
	for _, im := range page {
		created, updated := uhubTimes(im)
		set = append(set, map[string]any{
			"ImageName": im.ImageName, "RepoName": im.RepoName, "PullCount": im.PullCount,
			"CreateTime": created, "UpdateTime": updated, "LatestTag": im.LatestTag,
		})
	}
	uhubAnswer(w, http.StatusOK, action, map[string]any{"RetCode": 0, "TotalCount": total, "ImageSet": set})
}

// uhubNoRepo answers a repository that does not exist. What the real
// service answers is not documented; a parameter error naming it helps a
// typo most.
func uhubNoRepo(w http.ResponseWriter, action, repo string) {
	uhubError(w, action, uhubRetCodeBadParam, "Params [RepoName] not available: repository "+repo+" does not exist")
}

// beijing is the zone UCloud's consoles show times in.
var beijing = time.FixedZone("CST", 8*60*60)

// uhubTimes writes an image's times in one of the forms the real API has
// been documented to use (its doc says strings, its example integers), picked
// by the image name so that a listing mixes them and a given image is stable:
// unix number and numeric string, date-time strings, or the reverse pair.
func uhubTimes(im UHubImage) (created, updated any) {
	h := fnv.New32a()
	_, _ = h.Write([]byte(im.ImageName))
	switch h.Sum32() % 3 {
	case 0:
		return im.CreateTime.Unix(), strconv.FormatInt(im.UpdateTime.Unix(), 10)
	case 1:
		return im.CreateTime.In(beijing).Format(time.RFC3339), im.UpdateTime.In(beijing).Format(time.RFC3339)
	default:
		return strconv.FormatInt(im.CreateTime.Unix(), 10), im.UpdateTime.Unix()
	}
}
