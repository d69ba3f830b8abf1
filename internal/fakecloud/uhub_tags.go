package fakecloud

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/ucloud"
)

// UHubTag is one tag of a fake UHub image.
type UHubTag struct {
	TagName    string
	UpdateTime time.Time
	Digest     string // "" when UHub gives none
	// OmitDigest sends a tag without a digest with no Digest key at all
	// instead of "Digest": "". Which of the two the real service sends is
	// not known (the public doc has no Digest), so the fake serves both.
	OmitDigest bool
}

type uhubImageKey struct{ repo, image string }

// GenerateImageTags adds n deterministic tags to an image (creating the
// repository and the image): "v1.<i/10>.<i%10>" for i in [0, n), updated one
// minute apart from uhubEpoch, except that every fourth tag (i%4 == 3)
// shares the second of the one before, so that ordering needs the
// tie-break. Every fifth tag (i%5 == 4) has no digest: sent as "Digest": ""
// when i%10 == 4 and with no Digest key when i%10 == 9. The image's
// UpdateTime and LatestTag become the last tag's. A tag of the same name is
// replaced.
func (u *UHub) GenerateImageTags(repo, image string, n int) {
	if n <= 0 {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	var last UHubTag
	for i := range n {
		at := uhubEpoch.Add(time.Duration(i) * time.Minute)
		if i%4 == 3 {
			at = at.Add(-time.Minute)
		}
		t := UHubTag{TagName: fmt.Sprintf("v1.%d.%d", i/10, i%10), UpdateTime: at}
		switch i % 10 {
		case 4:
		case 9:
			t.OmitDigest = true
		default:
			t.Digest = u.newDigest(repo, image, t.TagName)
		}
		u.putTag(repo, image, t)
		last = t
	}
	u.setImage(repo, image, last.UpdateTime, last.TagName)
}

// PushImageTag pushes tag to an image at time at, as `docker push` does:
// a new tag is added, an existing one moves to a new digest and UpdateTime
// (every push gets a digest no earlier push had); the image, created with
// its repository when missing, takes at as its UpdateTime and tag as its
// LatestTag. It returns the tag as stored.
func (u *UHub) PushImageTag(repo, image, tag string, at time.Time) UHubTag {
	u.mu.Lock()
	defer u.mu.Unlock()
	at = at.UTC().Truncate(time.Second) // UHub reports whole seconds
	t := UHubTag{TagName: tag, UpdateTime: at, Digest: u.newDigest(repo, image, tag)}
	u.putTag(repo, image, t)
	u.setImage(repo, image, at, tag)
	return t
}

// SetImageTag stores t as given (no digest made up, the image untouched
// but created when missing), for a test that needs a particular tag, such
// as one without a digest.
func (u *UHub) SetImageTag(repo, image string, t UHubTag) {
	u.mu.Lock()
	defer u.mu.Unlock()
	t.UpdateTime = t.UpdateTime.UTC().Truncate(time.Second)
	u.putTag(repo, image, t)
	images := u.repos[repo]
	if _, found := slices.BinarySearchFunc(images, image, func(im UHubImage, name string) int { return cmp.Compare(im.ImageName, name) }); !found {
		u.setImage(repo, image, t.UpdateTime, t.TagName)
	}
}

// DeleteImageTag removes one tag of an image.
func (u *UHub) DeleteImageTag(repo, image, tag string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	key := uhubImageKey{repo, image}
	if tags, ok := u.tags[key]; ok {
		u.tags[key] = slices.DeleteFunc(tags, func(t UHubTag) bool { return t.TagName == tag })
	}
}

// ImageTags returns a copy of an image's tags in the order the fake serves
// them (by TagName; UHub documents no order), for tests to compare with.
func (u *UHub) ImageTags(repo, image string) []UHubTag {
	u.mu.Lock()
	defer u.mu.Unlock()
	return slices.Clone(u.tags[uhubImageKey{repo, image}])
}

// putTag adds t to an image's tags or replaces the tag of its name (the
// repository is created when missing, the image is not). The caller holds
// u.mu.
func (u *UHub) putTag(repo, image string, t UHubTag) {
	if _, ok := u.repos[repo]; !ok {
		u.repos[repo] = []UHubImage{}
	}
	key := uhubImageKey{repo, image}
	tags := u.tags[key]
	i, found := slices.BinarySearchFunc(tags, t.TagName, func(e UHubTag, name string) int { return cmp.Compare(e.TagName, name) })
	if found {
		tags[i] = t
		return
	}
	u.tags[key] = slices.Insert(tags, i, t)
}

// newDigest is the digest of a push: new on every push, so that a re-push
// of a tag always moves it. The caller holds u.mu.
func (u *UHub) newDigest(repo, image, tag string) string {
	u.pushSeq++
	return fakeDigest(fmt.Sprintf("uhub:%s/%s:%s#%d", repo, image, tag, u.pushSeq))
}

// getImageTag serves GetImageTag: the tags of one image, or with TagName
// that tag alone. A TagName the image does not have is an empty TagSet with
// TotalCount 0, not an error: the real service filters rather than looks
// up (the most likely reading of its doc, which names no error for it).
func (u *UHub) getImageTag(w http.ResponseWriter, action string, params url.Values) {
	get := params.Get
	repo, image, tagName := get("RepoName"), get("ImageName"), get("TagName")
	switch {
	case repo == "":
		uhubError(w, action, uhubRetCodeBadParam, "Missing params [RepoName]")
		return
	case image == "":
		uhubError(w, action, uhubRetCodeBadParam, "Missing params [ImageName]")
		return
	}
	offset, limit, ok := uhubPaging(w, action, params)
	if !ok {
		return
	}

	u.mu.Lock()
	projectKnown := u.projectKnown(get("ProjectId"))
	images, repoKnown := u.repos[repo]
	_, imageKnown := slices.BinarySearchFunc(images, image, func(im UHubImage, name string) int { return cmp.Compare(im.ImageName, name) })
	tags := u.tags[uhubImageKey{repo, image}]
	if tagName != "" {
		if i, found := slices.BinarySearchFunc(tags, tagName, func(e UHubTag, name string) int { return cmp.Compare(e.TagName, name) }); found {
			tags = tags[i : i+1]
		} else {
			tags = nil
		}
	}
	total := len(tags)
	page := slices.Clone(tags[min(offset, total):min(offset+limit, total)])
	u.mu.Unlock()

	switch {
	case !projectKnown:
		uhubError(w, action, ucloud.RetCodeNoSuchProject, "Project not exist")
		return
	case !repoKnown:
		uhubNoRepo(w, action, repo)
		return
	case !imageKnown:
		// Undocumented like the missing repository, and answered alike.
		uhubError(w, action, uhubRetCodeBadParam, "Params [ImageName] not available: image "+image+" does not exist in repository "+repo)
		return
	}
	set := make([]map[string]any, 0, len(page))
	for _, t := range page {
		item := map[string]any{"TagName": t.TagName, "UpdateTime": uhubTagTime(t)}
		if t.Digest != "" || !t.OmitDigest {
			item["Digest"] = t.Digest
		}
		set = append(set, item)
	}
	uhubAnswer(w, http.StatusOK, action, map[string]any{"RetCode": 0, "TotalCount": total, "TagSet": set})
}

// uhubTagTime writes a tag's UpdateTime in one of the forms GetRepoImage's
// times come in, picked by the tag name so that a listing mixes them and a
// given tag is stable: unix number, numeric string, or date-time in +08:00.
func uhubTagTime(t UHubTag) any {
	h := fnv.New32a()
	_, _ = h.Write([]byte(t.TagName))
	switch h.Sum32() % 3 {
	case 0:
		return t.UpdateTime.Unix()
	case 1:
		return strconv.FormatInt(t.UpdateTime.Unix(), 10)
	default:
		return t.UpdateTime.In(beijing).Format(time.RFC3339)
	}
}

// SeedSigned fills an image the way a cosign pipeline leaves it, oldest
// first: images v1.0.0 and v1.1.0, then cosign's attestation and signature
// of v1.1.0 (sha256-<hex>.att, .sig), so that the newest tag is a
// signature. It returns v1.1.0 as stored.
func (u *UHub) SeedSigned(repo, image string, base time.Time) UHubTag {
	u.PushImageTag(repo, image, "v1.0.0", base)
	signed := u.PushImageTag(repo, image, "v1.1.0", base.Add(time.Minute))
	u.PushImageTag(repo, image, CosignTag(signed.Digest, "att"), base.Add(2*time.Minute))
	u.PushImageTag(repo, image, CosignTag(signed.Digest, "sig"), base.Add(3*time.Minute))
	return signed
}
