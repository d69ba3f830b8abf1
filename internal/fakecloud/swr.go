package fakecloud

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
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

// SWRTag is a tag as the fake stores it. The json tags are SWR's keys: a
// field with one is served by both calls as it is (times to the second),
// beside the keys the fake computes (swrTagWire).
type SWRTag struct {
	ID       int64      `json:"id"`
	RepoID   int64      `json:"repo_id"`
	Tag      string     `json:"Tag"` // sic: SWR capitalises this one
	ImageID  string     `json:"image_id"`
	Digest   string     `json:"digest"`
	Manifest string     `json:"manifest"`
	Size     int64      `json:"size"`
	Created  time.Time  `json:"created"`
	Updated  time.Time  `json:"updated"`
	Deleted  *time.Time `json:"deleted"` // null unless deleted
	Scanned  bool       `json:"scanned"`
	TagType  int64      `json:"tag_type"`
}

type swrKey struct {
	secret string
	token  string // required X-Security-Token for temporary keys
}

// SWR fakes the SWR v2 calls ListRepositoryTags (GET
// /v2/manage/namespaces/{ns}/repos/{repo}/tags), ShowRepoTag (…/tags/{tag})
// and CreateSecret (POST /v2/manage/utils/secret), and IAM's
// KeystoneListProjects (GET /v3/projects). It checks every AK/SK
// signature, requires X-Project-Id, accepts only the listing order the SDK
// documents, caps pages at 1000, sets Content-Range and X-Request-Id, and
// answers errors in SWR's shapes. It counts requests per call.
type SWR struct {
	faults

	mu       sync.Mutex
	keys     map[string]swrKey // access key -> secret
	tokens   map[string]bool
	projects map[string]string              // region -> project id
	repos    map[string]map[string][]SWRTag // namespace -> repository -> tags
	calls    map[string]int64               // requests per call (SWRCall*)
	logins   []SWRLogin                     // CreateSecret's answers, oldest first
	nextID   int64
	reqSeq   int64

	// listings are sorted listings already served, by repository, filter
	// and order, valid while no tag has changed since (edits): a 50,000-tag
	// listing is then sorted once, not once for each of its 50 pages.
	listings map[swrListingKey]swrListing
	edits    int64
}

type swrListingKey struct{ namespace, repository, filter, column, order string }

type swrListing struct {
	edits int64
	tags  []SWRTag // shared: never written once stored
}

// The calls the fake SWR serves, as CallCount names them: the operation
// names the client reports in its errors.
const (
	SWRCallListTags     = swr.CallListTags
	SWRCallShowTag      = swr.CallShowTag
	SWRCallIAMProjects  = swr.CallIAMProjects
	SWRCallCreateSecret = swr.CallCreateSecret
)

func newSWR() *SWR {
	return &SWR{
		keys: map[string]swrKey{
			DefaultSWRAccessKey:   {secret: DefaultSWRSecretKey},
			TemporarySWRAccessKey: {secret: TemporarySWRSecretKey, token: TemporarySWRToken},
		},
		tokens:   map[string]bool{DefaultSWRAuthToken: true},
		projects: map[string]string{DefaultSWRRegion: DefaultSWRProjectID},
		repos:    map[string]map[string][]SWRTag{},
		listings: map[swrListingKey]swrListing{},
		calls:    map[string]int64{},
		nextID:   1,
	}
}

// Requests is how many requests reached the fake SWR and IAM.
func (s *SWR) Requests() int64 { return s.requests.Load() }

// CallCount is how many requests reached one call (SWRCallListTags,
// SWRCallShowTag, SWRCallCreateSecret, SWRCallIAMProjects), faulted and retried ones included,
// as in Requests.
func (s *SWR) CallCount(call string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[call]
}

// Calls is every call's CallCount.
func (s *SWR) Calls() map[string]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.calls)
}

func (s *SWR) resetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests.Store(0)
	clear(s.calls)
}

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
	s.GenerateMixedTags(namespace, repository, n, 0)
}

// GenerateMixedTags is GenerateTags where every indexEvery-th tag (none
// when 0) is a multi-platform index (linux/amd64 and linux/arm64, with
// buildx's attestation manifests) instead of an image: a repository of a
// team that builds for two architectures now and then.
func (s *SWR) GenerateMixedTags(namespace, repository string, n, indexEvery int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// One name index for the whole batch: pushing 50,000 tags one by one
	// would scan the repository 50,000 times.
	index := map[string]int{}
	for i, t := range s.repo(namespace, repository) {
		index[t.Tag] = i
	}
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		updated := base.Add(time.Duration(i) * time.Minute)
		if i%3 == 2 {
			updated = base.Add(time.Duration(i-1) * time.Minute)
		}
		tag := fmt.Sprintf("v%d.0.0", i)
		s.pushTag(namespace, repository, tag, updated, index)
		if indexEvery > 0 && i%indexEvery == indexEvery-1 {
			t := &s.repos[namespace][repository][index[tag]]
			t.Manifest = IndexManifest(t.Digest, IndexPlatform{"linux", "amd64", ""}, IndexPlatform{"linux", "arm64", ""})
			t.TagType = 1
		}
	}
}

// PushTag adds a tag, or moves an existing one, at time at: a push of an
// existing tag gives it a new digest (even at the same instant) and sets
// its updated time to at, as a docker push of a new image does; its id and
// created time stay.
func (s *SWR) PushTag(namespace, repository, tag string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pushTag(namespace, repository, tag, at, nil)
}

// pushTag is PushTag with s.mu held. index, when given, maps the repository's
// tag names to their positions and is kept up to date; nil means scan.
func (s *SWR) pushTag(namespace, repository, tag string, at time.Time, index map[string]int) {
	s.edits++
	tags := s.repo(namespace, repository)
	found := -1
	if index != nil {
		if i, ok := index[tag]; ok {
			found = i
		}
	} else {
		found = slices.IndexFunc(tags, func(t SWRTag) bool { return t.Tag == tag })
	}
	if found >= 0 {
		t := &tags[found]
		digest := fakeDigest(fmt.Sprintf("%s@%d", t.Digest, at.UnixNano()))
		t.Digest, t.ImageID, t.Updated = digest, digest[7:19], at.UTC()
		t.Manifest = ImageManifest(digest)
		return
	}
	digest := fakeDigest(fmt.Sprintf("%s/%s:%s@%d", namespace, repository, tag, at.UnixNano()))
	id := s.nextID
	s.nextID++
	tags = append(tags, SWRTag{
		ID: id, RepoID: 1000 + int64(len(s.repos[namespace])), Tag: tag,
		ImageID: digest[7:19], Digest: digest, Manifest: ImageManifest(digest),
		Size: 1000000 + id*4096, Created: at.UTC(), Updated: at.UTC(), Scanned: id%2 == 0,
	})
	s.repos[namespace][repository] = tags
	if index != nil {
		index[tag] = len(tags) - 1
	}
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

// TagJSON is a stored tag as ListRepositoryTags and ShowRepoTag serve it,
// for tests to compare against.
func (s *SWR) TagJSON(namespace, repository, tag string) ([]byte, error) {
	t, ok := s.Tag(namespace, repository, tag)
	if !ok {
		return nil, fmt.Errorf("fake SWR has no tag %s/%s:%s", namespace, repository, tag)
	}
	return json.Marshal(swrTagJSON(swrRequest{namespace: namespace, repository: repository}, t))
}

// DeleteTag removes a tag.
func (s *SWR) DeleteTag(namespace, repository, tag string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.edits++
	tags := s.repo(namespace, repository)
	s.repos[namespace][repository] = slices.DeleteFunc(tags, func(t SWRTag) bool { return t.Tag == tag })
}

func fakeDigest(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// PushManifest adds a tag, or moves an existing one, to manifest at time
// at: its digest is the manifest's, and tag_type says whether it is a
// manifest list. It returns the digest.
func (s *SWR) PushManifest(namespace, repository, tag, manifest string, at time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pushTag(namespace, repository, tag, at, nil)
	digest := fakeDigest(manifest)
	tags := s.repos[namespace][repository]
	i := slices.IndexFunc(tags, func(t SWRTag) bool { return t.Tag == tag })
	t := &tags[i]
	t.Manifest, t.Digest, t.ImageID, t.Size = manifest, digest, digest[7:19], int64(len(manifest))
	t.TagType = 0
	if strings.Contains(manifest, `"manifests"`) {
		t.TagType = 1
	}
	return digest
}
