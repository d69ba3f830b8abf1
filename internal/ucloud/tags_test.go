package ucloud_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
	"github.com/registry-tools/terraform-provider-registry/internal/ucloud"
)

// wantTagError is wantAPIError for GetImageTag.
func wantTagError(t *testing.T, err error, kind apierror.Kind, code string) *apierror.Error {
	t.Helper()
	e, ok := apierror.As(err)
	if !ok {
		t.Fatalf("error %v is not an *apierror.Error", err)
	}
	if e.Kind != kind || e.Code != code || e.Cloud != ucloud.CloudName || e.Call != "GetImageTag" {
		t.Fatalf("got %+v (%v); want GetImageTag, kind %d, code %q", e, e, kind, code)
	}
	return e
}

func TestListImageTagsExhaustsCappedPages(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.UHub.GenerateImageTags("team", "web", 45)
	want := fc.UHub.ImageTags("team", "web")

	list, err := newClient(t, srv.URL, nil).ListImageTags(context.Background(), ucloud.ListImageTagsInput{RepoName: "team", ImageName: "web"})
	if err != nil {
		t.Fatal(err)
	}
	// The fake caps pages at 20 whatever Limit asks: 1 + ceil(25/20) = 3.
	if len(list.Tags) != 45 || list.TotalCount != 45 || list.Requests != 3 || fc.UHub.CallCount("GetImageTag") != 3 {
		t.Fatalf("got %d tags, TotalCount %d, %d requests (%d served); want 45 in 3", len(list.Tags), list.TotalCount, list.Requests, fc.UHub.CallCount("GetImageTag"))
	}
	noDigest := 0
	for i, got := range list.Tags {
		w := want[i] // the service's order, kept
		if got.TagName != w.TagName || !got.UpdateTime.Equal(w.UpdateTime) || got.Digest != w.Digest {
			t.Fatalf("tag %d: got %+v, want %+v", i, got, w)
		}
		if got.UpdateTime.Location() != time.UTC {
			t.Fatalf("%s: UpdateTime %v not in UTC", got.TagName, got.UpdateTime)
		}
		if got.Digest == "" {
			noDigest++
		} else if !strings.HasPrefix(got.Digest, "sha256:") {
			t.Fatalf("%s: digest %q", got.TagName, got.Digest)
		}
	}
	// "Digest": "" (v1.x.4) and no Digest key (v1.x.9) both read as none.
	if noDigest != 9 {
		t.Fatalf("%d tags without a digest, want 9", noDigest)
	}
}

// TestListImageTagsAsksLargestPage checks every request's form: the first
// asks for 100, the rest step by the 20 the fake gave, every one signed
// and carrying the image and the project.
func TestListImageTagsAsksLargestPage(t *testing.T) {
	fc := fakecloud.New()
	fc.UHub.GenerateImageTags("team", "web", 41)
	fc.UHub.AddProject("org-other")
	var mu sync.Mutex
	var offsets, limits []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(b))
		mu.Lock()
		offsets, limits = append(offsets, form.Get("Offset")), append(limits, form.Get("Limit"))
		mu.Unlock()
		if form.Get("ImageName") != "web" || form.Get("ProjectId") != "org-other" || form.Get("TagName") != "" {
			t.Errorf("form %v: want ImageName web, ProjectId org-other, no TagName", form)
		}
		r.Body = io.NopCloser(strings.NewReader(string(b)))
		fc.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)

	c := newClient(t, srv.URL, func(c *ucloud.Config) { c.ProjectID = "org-missing" })
	list, err := c.ListImageTags(context.Background(), ucloud.ListImageTagsInput{RepoName: "team", ImageName: "web", ProjectID: "org-other"})
	if err != nil || len(list.Tags) != 41 {
		t.Fatalf("%v, %+v", err, list)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(offsets) != 3 || offsets[0] != "0" || limits[0] != "100" || limits[1] != "20" || limits[2] != "20" {
		t.Fatalf("offsets %v, limits %v; want 0/100 first, then pages of 20 at 20 and 40", offsets, limits)
	}
	if rest := fmt.Sprint(offsets[1:]); rest != "[20 40]" && rest != "[40 20]" {
		t.Fatalf("later offsets %v, want 20 and 40", offsets[1:])
	}
}

func TestListImageTagsFetchesPagesConcurrentlyWithinLimit(t *testing.T) {
	fc := fakecloud.New()
	fc.UHub.GenerateImageTags("team", "web", 95)
	url, peak := heldUntilConcurrent(t, fc, 2)
	list, err := newClient(t, url, func(c *ucloud.Config) { c.MaxConcurrency = 2 }).
		ListImageTags(context.Background(), ucloud.ListImageTagsInput{RepoName: "team", ImageName: "web"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Tags) != 95 || list.Requests != 5 {
		t.Fatalf("got %d tags in %d requests; want 95 in 5", len(list.Tags), list.Requests)
	}
	if p := peak(); p != 2 {
		t.Fatalf("peak of %d requests at once; want 2 (MaxConcurrency 2)", p)
	}
}

func TestListImageTagsEmptyImage(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.UHub.SetImageTag("team", "web", fakecloud.UHubTag{TagName: "v1"})
	fc.UHub.DeleteImageTag("team", "web", "v1")
	list, err := newClient(t, srv.URL, nil).ListImageTags(context.Background(), ucloud.ListImageTagsInput{RepoName: "team", ImageName: "web"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Tags) != 0 || list.TotalCount != 0 || list.Requests != 1 {
		t.Fatalf("got %+v; want no tags from one request", list)
	}
}

func TestImageTagIsOneRequest(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.UHub.GenerateImageTags("team", "web", 30)
	c := newClient(t, srv.URL, nil)
	ctx := context.Background()
	stored := map[string]fakecloud.UHubTag{}
	for _, tg := range fc.UHub.ImageTags("team", "web") {
		stored[tg.TagName] = tg
	}

	// With a digest, with "Digest": "", and with no Digest key.
	for _, name := range []string{"v1.2.7", "v1.1.4", "v1.0.9"} {
		before := fc.UHub.CallCount("GetImageTag")
		tag, err := c.ImageTag(ctx, ucloud.ImageTagInput{RepoName: "team", ImageName: "web", TagName: name})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		w := stored[name]
		if tag.TagName != name || tag.Digest != w.Digest || !tag.UpdateTime.Equal(w.UpdateTime) {
			t.Fatalf("%s: got %+v, want %+v", name, tag, w)
		}
		if got := fc.UHub.CallCount("GetImageTag") - before; got != 1 {
			t.Fatalf("%s: %d requests, want 1", name, got)
		}
	}
	if stored["v1.1.4"].Digest != "" || stored["v1.0.9"].Digest != "" || stored["v1.2.7"].Digest == "" {
		t.Fatal("the fake's tags changed: the cases above no longer cover a missing digest")
	}

	before := fc.UHub.CallCount("GetImageTag")
	_, err := c.ImageTag(ctx, ucloud.ImageTagInput{RepoName: "team", ImageName: "web", TagName: "v9.9.9"})
	e := wantTagError(t, err, apierror.KindNotFound, "")
	if !strings.Contains(e.Error(), `"v9.9.9"`) || !strings.Contains(e.Error(), "team/web") || e.RequestID == "" {
		t.Fatalf("error %q should name the tag, the image and the request", e)
	}
	if got := fc.UHub.CallCount("GetImageTag") - before; got != 1 {
		t.Fatalf("a missing tag took %d requests, want 1", got)
	}
}

// TestImageTagSeesRePush is drift as a user meets it: the same tag, pushed
// again, reads with a new digest and time.
func TestImageTagSeesRePush(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.UHub.GenerateImageTags("team", "web", 5)
	c := newClient(t, srv.URL, nil)
	in := ucloud.ImageTagInput{RepoName: "team", ImageName: "web", TagName: "v1.0.2"}
	before, err := c.ImageTag(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 8, 1, 10, 0, 0, 0, time.UTC)
	pushed := fc.UHub.PushImageTag("team", "web", "v1.0.2", at)
	after, err := c.ImageTag(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if after.Digest == before.Digest || after.Digest != pushed.Digest || !after.UpdateTime.Equal(at) {
		t.Fatalf("after re-push: %+v (before %+v); want digest %s at %v", after, before, pushed.Digest, at)
	}
	list, err := c.ListImageTags(context.Background(), ucloud.ListImageTagsInput{RepoName: "team", ImageName: "web"})
	if err != nil || len(list.Tags) != 5 || list.Tags[2].Digest != pushed.Digest {
		t.Fatalf("listing after re-push: %v, %+v", err, list)
	}
}

func TestImageTagsErrors(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.UHub.GenerateImageTags("team", "web", 3)
	fc.UHub.CreateRepository("empty")
	cases := []struct {
		name              string
		mutate            func(*ucloud.Config)
		repo, image, code string
		kind              apierror.Kind
		says              string
	}{
		{"unknown repository", nil, "nope", "web", "230", apierror.KindBadRequest, "repository nope does not exist"},
		{"unknown image", nil, "team", "nope", "230", apierror.KindBadRequest, "image nope does not exist in repository team"},
		{"image in an empty repository", nil, "empty", "web", "230", apierror.KindBadRequest, "image web"},
		{"unknown project", func(c *ucloud.Config) { c.ProjectID = "org-missing" }, "team", "web", "292", apierror.KindNotFound, "Project not exist"},
		{"wrong private key", func(c *ucloud.Config) { c.PrivateKey = "wrong" }, "team", "web", "171", apierror.KindAuth, "Signature VerifyAC Error"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t, srv.URL, tc.mutate)
			check := func(what string, err error) {
				t.Helper()
				e := wantTagError(t, err, tc.kind, tc.code)
				if !strings.Contains(e.Error(), tc.says) || e.RequestID == "" || e.Attempts != 1 {
					t.Fatalf("%s: error %q should say %q, with a request ID, after one attempt", what, e, tc.says)
				}
			}
			_, err := c.ListImageTags(context.Background(), ucloud.ListImageTagsInput{RepoName: tc.repo, ImageName: tc.image})
			check("ListImageTags", err)
			_, err = c.ImageTag(context.Background(), ucloud.ImageTagInput{RepoName: tc.repo, ImageName: tc.image, TagName: "v1.0.0"})
			check("ImageTag", err)
		})
	}

	before := fc.UHub.Requests()
	c := newClient(t, srv.URL, nil)
	for name, err := range map[string]error{
		"list, no repository": second(c.ListImageTags(context.Background(), ucloud.ListImageTagsInput{ImageName: "web"})),
		"list, no image":      second(c.ListImageTags(context.Background(), ucloud.ListImageTagsInput{RepoName: "team"})),
		"tag, no tag":         second(c.ImageTag(context.Background(), ucloud.ImageTagInput{RepoName: "team", ImageName: "web"})),
		"tag, no image":       second(c.ImageTag(context.Background(), ucloud.ImageTagInput{RepoName: "team", TagName: "v1"})),
	} {
		if e := wantTagError(t, err, apierror.KindConfig, ""); e.Message == "" {
			t.Errorf("%s: %v says nothing", name, e)
		}
	}
	if fc.UHub.Requests() != before {
		t.Fatal("an incomplete input was sent")
	}
}

func second[T any](_ T, err error) error { return err }

func TestListImageTagsRetriesThrottling(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.UHub.GenerateImageTags("team", "web", 25)
	fc.UHub.Inject(1, fc.UHub.ThrottleFault())
	list, err := newClient(t, srv.URL, nil).ListImageTags(context.Background(), ucloud.ListImageTagsInput{RepoName: "team", ImageName: "web"})
	if err != nil || len(list.Tags) != 25 || list.Requests != 2 || fc.UHub.Requests() != 3 {
		t.Fatalf("%v; %d requests counted, %d served; want 25 tags in 2 + 1 throttled", err, list.Requests, fc.UHub.Requests())
	}
}

func TestListImageTagsDetectsPushWhileListing(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.UHub.GenerateImageTags("team", "web", 30)
	c := newClient(t, srv.URL, func(c *ucloud.Config) { c.MaxConcurrency = 1 })
	// Just before the second page is served, a tag is pushed that sorts first.
	fc.UHub.Inject(1, func(http.ResponseWriter, *http.Request) bool { return false })
	fc.UHub.Inject(1, func(http.ResponseWriter, *http.Request) bool {
		fc.UHub.PushImageTag("team", "web", "a-new", time.Now())
		return false
	})
	_, err := c.ListImageTags(context.Background(), ucloud.ListImageTagsInput{RepoName: "team", ImageName: "web"})
	e := wantTagError(t, err, apierror.KindInconsistent, "")
	if !strings.Contains(e.Message, "from 30 to 31") || !strings.Contains(e.Message, "the image changed") {
		t.Fatalf("message %q does not name the change", e.Message)
	}
}

// tagPage writes a GetImageTag answer of tags t-<i> for i in [from, to).
func tagPage(total, from, to int) string {
	items := make([]string, 0, max(to-from, 0))
	for i := from; i < to; i++ {
		items = append(items, fmt.Sprintf(`{"TagName":"t-%03d","UpdateTime":%d,"Digest":"sha256:%064d"}`, i, 1700000000+i, i))
	}
	return fmt.Sprintf(`{"RetCode":0,"Action":"GetImageTagResponse","TotalCount":%d,"TagSet":[%s]}`, total, strings.Join(items, ","))
}

func TestListImageTagsRejectsPagesThatDoNotAddUp(t *testing.T) {
	cases := map[string]struct {
		answer func(offset, limit int) string
		kind   apierror.Kind
		says   string
	}{
		"total changes": {func(o, l int) string {
			if o == 0 {
				return tagPage(50, 0, 20)
			}
			return tagPage(51, o, min(o+20, 51))
		}, apierror.KindInconsistent, "TotalCount changed from 50 to 51 while listing: the image changed"},
		"short page": {func(o, l int) string {
			if o >= 40 {
				return tagPage(45, 0, 0)
			}
			return tagPage(45, o, o+20)
		}, apierror.KindInconsistent, "promised 45 tags but 40 arrived"},
		"empty first page, non-zero total": {fixed(tagPage(3, 0, 0)), apierror.KindInconsistent, "promised 3 tags"},
		"tag on two pages": {func(o, l int) string {
			if o == 20 {
				return tagPage(45, 19, 39)
			}
			return tagPage(45, o, min(o+20, 45))
		}, apierror.KindInconsistent, `tag "t-019" arrived on two pages: the image changed`},
		"page larger than asked": {func(o, l int) string {
			if o == 0 {
				return tagPage(60, 0, 20)
			}
			return tagPage(60, o, o+25)
		}, apierror.KindDecode, "page holds 25 tags, more than the 20 asked for"},
		"nameless tag":        {fixed(`{"RetCode":0,"TotalCount":1,"TagSet":[{"Digest":"sha256:00"}]}`), apierror.KindDecode, "tag 0 has no TagName"},
		"tags, no total":      {fixed(`{"RetCode":0,"TagSet":[{"TagName":"a"}]}`), apierror.KindDecode, "answer lists tags but has no TotalCount"},
		"digest a number":     {fixed(`{"RetCode":0,"TotalCount":1,"TagSet":[{"TagName":"a","Digest":7}]}`), apierror.KindDecode, "malformed answer"},
		"bad time":            {fixed(`{"RetCode":0,"TotalCount":1,"TagSet":[{"TagName":"a","UpdateTime":"soon"}]}`), apierror.KindDecode, "malformed answer"},
		"RetCode in HTTP 200": {fixed(`{"RetCode":299,"Message":"denied"}`), apierror.KindPermission, "denied"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := newClient(t, scripted(t, 200, tc.answer), nil).ListImageTags(context.Background(), ucloud.ListImageTagsInput{RepoName: "r", ImageName: "i"})
			code := ""
			if tc.kind == apierror.KindPermission {
				code = "299"
			}
			e := wantTagError(t, err, tc.kind, code)
			if !strings.Contains(e.Error(), tc.says) {
				t.Fatalf("error %q does not say %q", e, tc.says)
			}
		})
	}
}

func TestDecodeTagDigestForms(t *testing.T) {
	body := `{"RetCode":0,"Action":"GetImageTagResponse","TotalCount":5,"TagSet":[
		{"TagName":"with","UpdateTime":1709251200,"Digest":"sha256:abc"},
		{"TagName":"empty","UpdateTime":"1709251200","Digest":""},
		{"TagName":"null","UpdateTime":"2024-03-01T08:00:00+08:00","Digest":null},
		{"TagName":"absent","UpdateTime":"2024-03-01 00:00:00"},
		{"TagName":"no-time","Unknown":1}]}`
	list, err := newClient(t, scripted(t, 200, fixed(body)), nil).ListImageTags(context.Background(), ucloud.ListImageTagsInput{RepoName: "r", ImageName: "i"})
	if err != nil {
		t.Fatal(err)
	}
	mar1 := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	want := []ucloud.ImageTag{
		{TagName: "with", UpdateTime: mar1, Digest: "sha256:abc"},
		{TagName: "empty", UpdateTime: mar1},
		{TagName: "null", UpdateTime: mar1},
		{TagName: "absent", UpdateTime: mar1},
		{TagName: "no-time"},
	}
	for i, w := range want {
		got := list.Tags[i]
		if got.TagName != w.TagName || got.Digest != w.Digest || !got.UpdateTime.Equal(w.UpdateTime) {
			t.Errorf("tag %d: got %+v, want %+v", i, got, w)
		}
	}
}

// TestImageTagIgnoresOtherTags guards against a service that filters by
// TagName more loosely than "that tag only": only the exact name counts.
func TestImageTagIgnoresOtherTags(t *testing.T) {
	body := `{"RetCode":0,"TotalCount":2,"TagSet":[{"TagName":"v1.0","Digest":"sha256:a"},{"TagName":"v1.0.1","Digest":"sha256:b"}]}`
	c := newClient(t, scripted(t, 200, fixed(body)), nil)
	tag, err := c.ImageTag(context.Background(), ucloud.ImageTagInput{RepoName: "r", ImageName: "i", TagName: "v1.0.1"})
	if err != nil || tag.Digest != "sha256:b" {
		t.Fatalf("got %+v, %v; want v1.0.1's digest", tag, err)
	}
	_, err = c.ImageTag(context.Background(), ucloud.ImageTagInput{RepoName: "r", ImageName: "i", TagName: "v1"})
	_ = wantTagError(t, err, apierror.KindNotFound, "")
}
