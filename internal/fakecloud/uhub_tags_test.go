package fakecloud_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
	"github.com/registry-tools/terraform-provider-registry/internal/ucloud"
)

// uhubAnswer is a GetImageTag answer as it arrived, Digest kept raw so that
// an absent key is told apart from "".
type uhubAnswer struct {
	RetCode    int
	Message    string
	Action     string
	TotalCount int
	TagSet     []map[string]json.RawMessage
}

// callUHub signs params with the default keys, GETs them and decodes the
// answer.
func callUHub(t *testing.T, base string, params url.Values) uhubAnswer {
	t.Helper()
	ucloud.Sign(params, fakecloud.DefaultUCloudPublicKey, fakecloud.DefaultUCloudPrivateKey, "")
	resp, err := http.Get(base + "/?" + params.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-UCLOUD-REQUEST-UUID") == "" {
		t.Fatalf("HTTP %d, request id %q; UHub answers HTTP 200 with a request id", resp.StatusCode, resp.Header.Get("X-UCLOUD-REQUEST-UUID"))
	}
	var out uhubAnswer
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func tagsOf(repo, image string, extra ...string) url.Values {
	v := url.Values{"Action": {"GetImageTag"}, "RepoName": {repo}, "ImageName": {image}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

func TestFakeGetImageTagPagesAndForms(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.UHub.GenerateImageTags("team", "web", 45)

	seen := map[string]bool{}
	forms := map[string]bool{}
	var emptyDigest, noDigestKey int
	for offset := 0; offset < 45; offset += 20 {
		// Limit 100 is capped at 20, as GetRepoImage's pages are.
		a := callUHub(t, srv.URL, tagsOf("team", "web", "Offset", strconv.Itoa(offset), "Limit", "100"))
		if a.RetCode != 0 || a.TotalCount != 45 || a.Action != "GetImageTagResponse" {
			t.Fatalf("offset %d: %+v", offset, a)
		}
		if want := min(20, 45-offset); len(a.TagSet) != want {
			t.Fatalf("offset %d: %d tags, want %d", offset, len(a.TagSet), want)
		}
		for _, item := range a.TagSet {
			var name string
			_ = json.Unmarshal(item["TagName"], &name)
			seen[name] = true
			switch raw := string(item["UpdateTime"]); {
			case strings.HasPrefix(raw, `"`) && strings.Contains(raw, "+08:00"):
				forms["date-time"] = true
			case strings.HasPrefix(raw, `"`):
				forms["numeric string"] = true
			default:
				forms["number"] = true
			}
			switch d, ok := item["Digest"]; {
			case !ok:
				noDigestKey++
			case string(d) == `""`:
				emptyDigest++
			case !strings.HasPrefix(string(d), `"sha256:`):
				t.Fatalf("tag %s: digest %s", name, d)
			}
		}
	}
	if len(seen) != 45 || !seen["v1.0.0"] || !seen["v1.4.4"] {
		t.Fatalf("%d distinct tags over the pages, want 45 named v1.<i/10>.<i%%10>", len(seen))
	}
	if len(forms) != 3 {
		t.Fatalf("UpdateTime forms %v; want number, numeric string and date-time mixed", forms)
	}
	// i%10 == 4 → "", i%10 == 9 → no key: 4, 14, 24, 34, 44 and 9, 19, 29, 39.
	if emptyDigest != 5 || noDigestKey != 4 {
		t.Fatalf("%d empty and %d absent digests, want 5 and 4", emptyDigest, noDigestKey)
	}
	if got := fc.UHub.CallCount("GetImageTag"); got != 3 {
		t.Fatalf("CallCount(GetImageTag) = %d, want 3", got)
	}
	if got := fc.UHub.CallCount("GetRepoImage"); got != 0 {
		t.Fatalf("CallCount(GetRepoImage) = %d, want 0", got)
	}
}

func TestFakeGetImageTagTagNameAndPush(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.UHub.GenerateImageTags("team", "web", 12)

	one := callUHub(t, srv.URL, tagsOf("team", "web", "TagName", "v1.0.7"))
	if one.RetCode != 0 || one.TotalCount != 1 || len(one.TagSet) != 1 || string(one.TagSet[0]["TagName"]) != `"v1.0.7"` {
		t.Fatalf("TagName v1.0.7: %+v", one)
	}
	before := string(one.TagSet[0]["Digest"])

	// An unknown tag is an empty set, not an error.
	none := callUHub(t, srv.URL, tagsOf("team", "web", "TagName", "v9"))
	if none.RetCode != 0 || none.TotalCount != 0 || len(none.TagSet) != 0 {
		t.Fatalf("unknown TagName: %+v", none)
	}

	at := time.Date(2025, 7, 1, 9, 30, 15, 500, time.UTC)
	pushed := fc.UHub.PushImageTag("team", "web", "v1.0.7", at)
	again := callUHub(t, srv.URL, tagsOf("team", "web", "TagName", "v1.0.7"))
	if after := string(again.TagSet[0]["Digest"]); after == before || after != `"`+pushed.Digest+`"` {
		t.Fatalf("re-push: digest %s, before %s, stored %s; want the new one", after, before, pushed.Digest)
	}
	if !pushed.UpdateTime.Equal(at.Truncate(time.Second)) {
		t.Fatalf("pushed UpdateTime %v", pushed.UpdateTime)
	}
	if again.TotalCount != 1 || len(fc.UHub.ImageTags("team", "web")) != 12 {
		t.Fatal("a re-push added a tag")
	}
	// The image follows its newest push, as GetRepoImage shows it.
	images := fc.UHub.Images("team")
	if len(images) != 1 || images[0].LatestTag != "v1.0.7" || !images[0].UpdateTime.Equal(at.Truncate(time.Second)) {
		t.Fatalf("image after push: %+v", images)
	}

	// A second push of the same tag at the same time still moves it.
	if p2 := fc.UHub.PushImageTag("team", "web", "v1.0.7", at); p2.Digest == pushed.Digest {
		t.Fatal("a second push kept the digest")
	}
	fc.UHub.PushImageTag("team", "new-image", "v2", at)
	if a := callUHub(t, srv.URL, tagsOf("team", "new-image")); a.RetCode != 0 || a.TotalCount != 1 {
		t.Fatalf("pushed to a new image: %+v", a)
	}
}

func TestFakeGetImageTagErrors(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.UHub.GenerateImages("team", 2) // each image has its LatestTag
	fc.UHub.CreateRepository("empty")

	if a := callUHub(t, srv.URL, tagsOf("team", "image-00001")); a.RetCode != 0 || a.TotalCount != 1 || string(a.TagSet[0]["TagName"]) != `"v1.1.0"` {
		t.Fatalf("generated image's tag: %+v", a)
	}
	cases := map[string]struct {
		params url.Values
		code   int
		says   string
	}{
		"unknown repository": {tagsOf("nope", "image-00001"), 230, "repository nope does not exist"},
		"unknown image":      {tagsOf("team", "nope"), 230, "image nope does not exist in repository team"},
		"image, empty repo":  {tagsOf("empty", "web"), 230, "image web"},
		"missing ImageName":  {url.Values{"Action": {"GetImageTag"}, "RepoName": {"team"}}, 230, "[ImageName]"},
		"missing RepoName":   {url.Values{"Action": {"GetImageTag"}, "ImageName": {"x"}}, 230, "[RepoName]"},
		"unknown project":    {tagsOf("team", "image-00001", "ProjectId", "org-x"), 292, "Project"},
		"bad Limit":          {tagsOf("team", "image-00001", "Limit", "-3"), 230, "[Limit]"},
	}
	for name, tc := range cases {
		a := callUHub(t, srv.URL, tc.params)
		if a.RetCode != tc.code || !strings.Contains(a.Message, tc.says) || a.TagSet != nil {
			t.Errorf("%s: RetCode %d %q; want %d naming %q and no TagSet", name, a.RetCode, a.Message, tc.code, tc.says)
		}
	}
	// A wrong signature is refused before anything else.
	p := tagsOf("team", "image-00001")
	ucloud.Sign(p, fakecloud.DefaultUCloudPublicKey, "wrong-private-key", "")
	resp, err := http.Get(srv.URL + "/?" + p.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var out struct{ RetCode int }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.RetCode != ucloud.RetCodeBadSignature {
		t.Fatalf("bad signature: RetCode %d (%v), want 171", out.RetCode, err)
	}
}

func TestFakeImageTagsFollowImages(t *testing.T) {
	fc, _ := fakecloud.Start(t)
	fc.UHub.GenerateImageTags("team", "web", 3)
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	fc.UHub.UpdateImage("team", "web", at)
	tags := fc.UHub.ImageTags("team", "web")
	if len(tags) != 4 || tags[3].TagName != "v20250102.030405" || tags[3].Digest == "" {
		t.Fatalf("UpdateImage did not push its tag: %+v", tags)
	}
	fc.UHub.DeleteImageTag("team", "web", "v1.0.1")
	if len(fc.UHub.ImageTags("team", "web")) != 3 {
		t.Fatal("DeleteImageTag kept the tag")
	}
	fc.UHub.DeleteImage("team", "web")
	if fc.UHub.ImageTags("team", "web") != nil {
		t.Fatal("DeleteImage kept the image's tags")
	}
}
