package ucloud_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
	"github.com/registry-tools/terraform-provider-registry/internal/ucloud"
)

func newHTTP(t *testing.T, maxRetries int) *transport.Client {
	t.Helper()
	httpc, err := transport.New(transport.Config{MaxRetries: maxRetries, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return httpc
}

func newClient(t *testing.T, endpoint string, mutate func(*ucloud.Config)) *ucloud.Client {
	t.Helper()
	cfg := ucloud.Config{
		Endpoint: endpoint, PublicKey: fakecloud.DefaultUCloudPublicKey, PrivateKey: fakecloud.DefaultUCloudPrivateKey,
		HTTP: newHTTP(t, 0),
	}
	if mutate != nil {
		mutate(&cfg)
	}
	c, err := ucloud.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wantAPIError checks err is an *apierror.Error of kind with RetCode code
// ("" for none) and a request ID from the X-UCLOUD-REQUEST-UUID header.
func wantAPIError(t *testing.T, err error, kind apierror.Kind, code string) *apierror.Error {
	t.Helper()
	e, ok := apierror.As(err)
	if !ok {
		t.Fatalf("error %v is not an *apierror.Error", err)
	}
	if e.Kind != kind || e.Code != code || e.Cloud != ucloud.CloudName || e.Call != "GetRepoImage" {
		t.Fatalf("got %+v (%v); want kind %d, code %q", e, e, kind, code)
	}
	return e
}

func TestNewChecksConfig(t *testing.T) {
	httpc := newHTTP(t, 0)
	bad := map[string]ucloud.Config{
		"no HTTP client":  {PublicKey: "p", PrivateKey: "k"},
		"no private key":  {PublicKey: "p", HTTP: httpc},
		"no public key":   {PrivateKey: "k", HTTP: httpc},
		"not a URL":       {PublicKey: "p", PrivateKey: "k", HTTP: httpc, Endpoint: "api.ucloud.cn"},
		"not http(s)":     {PublicKey: "p", PrivateKey: "k", HTTP: httpc, Endpoint: "ftp://api.ucloud.cn"},
		"unparsable URL":  {PublicKey: "p", PrivateKey: "k", HTTP: httpc, Endpoint: "https://a b/%zz"},
		"missing scheme":  {PublicKey: "p", PrivateKey: "k", HTTP: httpc, Endpoint: "//api.ucloud.cn"},
		"host-less https": {PublicKey: "p", PrivateKey: "k", HTTP: httpc, Endpoint: "https:///"},
	}
	for name, cfg := range bad {
		if _, err := ucloud.New(cfg); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
	if _, err := ucloud.New(ucloud.Config{PublicKey: "p", PrivateKey: "k", HTTP: httpc}); err != nil {
		t.Fatalf("default endpoint: %v", err)
	}
}

func TestListRepoImagesExhaustsCappedPages(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.UHub.GenerateImages("team", 253)
	c := newClient(t, srv.URL, nil)

	list, err := c.ListRepoImages(context.Background(), ucloud.ListRepoImagesInput{RepoName: "team"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Images) != 253 || list.TotalCount != 253 {
		t.Fatalf("got %d images, TotalCount %d; want 253", len(list.Images), list.TotalCount)
	}
	// The fake caps pages at 20 whatever Limit asks: 1 + ceil(233/20) = 13.
	if list.Requests != 13 || fc.UHub.Requests() != 13 {
		t.Fatalf("%d requests counted, %d served; want 13", list.Requests, fc.UHub.Requests())
	}
	seen := map[string]bool{}
	for i, im := range list.Images {
		want := fmt.Sprintf("image-%05d", i) // the service's order: by name
		if im.ImageName != want {
			t.Fatalf("image %d is %s, want %s", i, im.ImageName, want)
		}
		if seen[im.ImageName] {
			t.Fatalf("image %s listed twice", im.ImageName)
		}
		seen[im.ImageName] = true
		if im.RepoName != "team" || im.LatestTag != fmt.Sprintf("v1.%d.0", i) {
			t.Fatalf("image %s: repo %q, tag %q", im.ImageName, im.RepoName, im.LatestTag)
		}
	}
}

// TestGeneratedTimesDecode checks every image's times against what the fake
// generated, whichever of its forms (unix number, numeric string, date-time
// in +08:00) it was sent in, and that same-second updates exist.
func TestGeneratedTimesDecode(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.UHub.GenerateImages("team", 60)
	list, err := newClient(t, srv.URL, nil).ListRepoImages(context.Background(), ucloud.ListRepoImagesInput{RepoName: "team"})
	if err != nil {
		t.Fatal(err)
	}
	epoch := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	perSecond := map[time.Time]int{}
	for i, im := range list.Images {
		updated := epoch.Add(time.Duration(i/3) * time.Minute)
		created := updated.Add(-time.Duration(i%7+1) * 24 * time.Hour)
		if !im.UpdateTime.Equal(updated) || !im.CreateTime.Equal(created) {
			t.Fatalf("%s: created %v updated %v; want %v and %v", im.ImageName, im.CreateTime, im.UpdateTime, created, updated)
		}
		if im.UpdateTime.Location() != time.UTC || im.CreateTime.Location() != time.UTC {
			t.Fatalf("%s: times not in UTC", im.ImageName)
		}
		perSecond[im.UpdateTime]++
	}
	if len(perSecond) != 20 {
		t.Fatalf("%d distinct update seconds over 60 images, want 20 (ties of three)", len(perSecond))
	}
}

// heldUntilConcurrent serves h, holding every request after the first
// until want requests are in flight at once, and reports the peak. A client
// that fetches fewer pages at once never gets its answers: the test then
// ends at go test's -timeout, so nothing here depends on machine speed.
func heldUntilConcurrent(t *testing.T, h http.Handler, want int64) (url string, peak func() int64) {
	t.Helper()
	var inFlight, top, seq atomic.Int64
	release := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for p := top.Load(); n > p && !top.CompareAndSwap(p, n); p = top.Load() {
		}
		if n >= want {
			once.Do(func() { close(release) })
		}
		if seq.Add(1) > 1 { // the first page comes alone: it tells the total
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, top.Load
}

func TestListRepoImagesFetchesPagesConcurrentlyWithinLimit(t *testing.T) {
	fc := fakecloud.New()
	fc.UHub.GenerateImages("team", 200)
	url, peak := heldUntilConcurrent(t, fc, 3)

	list, err := newClient(t, url, func(c *ucloud.Config) { c.MaxConcurrency = 3 }).
		ListRepoImages(context.Background(), ucloud.ListRepoImagesInput{RepoName: "team"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Images) != 200 || list.Requests != 10 {
		t.Fatalf("got %d images in %d requests; want 200 in 10", len(list.Images), list.Requests)
	}
	if p := peak(); p != 3 {
		t.Fatalf("peak of %d requests at once; want 3 (MaxConcurrency 3)", p)
	}
}

func TestListRepoImagesEmptyRepository(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.UHub.CreateRepository("empty")
	list, err := newClient(t, srv.URL, nil).ListRepoImages(context.Background(), ucloud.ListRepoImagesInput{RepoName: "empty"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Images) != 0 || list.TotalCount != 0 || list.Requests != 1 {
		t.Fatalf("got %+v; want no images from one request", list)
	}
}

func TestListRepoImagesErrors(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.UHub.GenerateImages("team", 3)
	cases := []struct {
		name   string
		mutate func(*ucloud.Config)
		in     ucloud.ListRepoImagesInput
		code   string
		kind   apierror.Kind
		msg    string // UHub's own message, passed on
	}{
		{"wrong private key", func(c *ucloud.Config) { c.PrivateKey = "wrong" }, ucloud.ListRepoImagesInput{RepoName: "team"}, "171", apierror.KindAuth, "Signature VerifyAC Error"},
		{"unknown public key", func(c *ucloud.Config) { c.PublicKey = "nobody" }, ucloud.ListRepoImagesInput{RepoName: "team"}, "172", apierror.KindAuth, "User not exist"},
		{"unknown project", func(c *ucloud.Config) { c.ProjectID = "org-missing" }, ucloud.ListRepoImagesInput{RepoName: "team"}, "292", apierror.KindNotFound, "Project not exist"},
		{"unknown repository", nil, ucloud.ListRepoImagesInput{RepoName: "nope"}, "230", apierror.KindBadRequest, "nope"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := fc.UHub.Requests()
			_, err := newClient(t, srv.URL, tc.mutate).ListRepoImages(context.Background(), tc.in)
			e := wantAPIError(t, err, tc.kind, tc.code)
			if e.RequestID == "" || e.Attempts != 1 || e.HTTPStatus != http.StatusOK {
				t.Fatalf("got %+v; want a request ID, one attempt (not retried) and HTTP 200", e)
			}
			if !strings.Contains(e.Error(), tc.msg) {
				t.Fatalf("error %q does not mention %q", e, tc.msg)
			}
			if got := fc.UHub.Requests() - before; got != 1 {
				t.Fatalf("%d requests, want 1", got)
			}
		})
	}

	_, err := newClient(t, srv.URL, nil).ListRepoImages(context.Background(), ucloud.ListRepoImagesInput{})
	_ = wantAPIError(t, err, apierror.KindConfig, "")
}

func TestListRepoImagesProjectOverride(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.UHub.GenerateImages("team", 25)
	fc.UHub.AddProject("org-other")
	ctx := context.Background()

	missing := newClient(t, srv.URL, func(c *ucloud.Config) { c.ProjectID = "org-missing" })
	if _, err := missing.ListRepoImages(ctx, ucloud.ListRepoImagesInput{RepoName: "team", ProjectID: fakecloud.DefaultUCloudProjectID}); err != nil {
		t.Fatalf("override with a known project: %v", err)
	}
	if _, err := missing.ListRepoImages(ctx, ucloud.ListRepoImagesInput{RepoName: "team", ProjectID: "org-other"}); err != nil {
		t.Fatalf("override with another known project: %v", err)
	}
	good := newClient(t, srv.URL, func(c *ucloud.Config) { c.ProjectID = fakecloud.DefaultUCloudProjectID })
	_, err := good.ListRepoImages(ctx, ucloud.ListRepoImagesInput{RepoName: "team", ProjectID: "org-missing"})
	_ = wantAPIError(t, err, apierror.KindNotFound, "292")
	// Every page, not just the first, carries the override.
	list, err := missing.ListRepoImages(ctx, ucloud.ListRepoImagesInput{RepoName: "team", ProjectID: fakecloud.DefaultUCloudProjectID})
	if err != nil || len(list.Images) != 25 || list.Requests != 2 {
		t.Fatalf("two-page listing with override: %v, %+v", err, list)
	}
}

func TestListRepoImagesRetriesThrottling(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.UHub.GenerateImages("team", 45)
	c := newClient(t, srv.URL, nil)
	fc.UHub.Inject(2, fc.UHub.ThrottleFault())
	list, err := c.ListRepoImages(context.Background(), ucloud.ListRepoImagesInput{RepoName: "team"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Images) != 45 || list.Requests != 3 {
		t.Fatalf("got %d images in %d requests after throttling; want 45 in 3", len(list.Images), list.Requests)
	}
	if got := fc.UHub.Requests(); got != 5 {
		t.Fatalf("%d requests served, want 5 (3 pages + 2 throttled)", got)
	}

	// RetCode >= 2000 is retried too.
	fc.UHub.Inject(1, fc.UHub.RetCodeFault(2001, "internal error"))
	if _, err := c.ListRepoImages(context.Background(), ucloud.ListRepoImagesInput{RepoName: "team"}); err != nil {
		t.Fatalf("after one RetCode 2001: %v", err)
	}
}

func TestListRepoImagesGivesUpAfterRetries(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.UHub.GenerateImages("team", 5)
	c := newClient(t, srv.URL, func(c *ucloud.Config) { c.HTTP = newHTTP(t, 2) })

	fc.UHub.Inject(10, fc.UHub.ThrottleFault())
	_, err := c.ListRepoImages(context.Background(), ucloud.ListRepoImagesInput{RepoName: "team"})
	if e := wantAPIError(t, err, apierror.KindThrottled, "153"); e.Attempts != 3 || e.RequestID == "" {
		t.Fatalf("got %+v; want 3 attempts and a request ID", e)
	}
	fc.UHub.ClearFaults()

	fc.UHub.Inject(10, fc.UHub.RetCodeFault(2345, "backend unavailable"))
	_, err = c.ListRepoImages(context.Background(), ucloud.ListRepoImagesInput{RepoName: "team"})
	if e := wantAPIError(t, err, apierror.KindServer, "2345"); e.Attempts != 3 {
		t.Fatalf("got %+v; want 3 attempts", e)
	}
	fc.UHub.ClearFaults()

	// Other RetCodes are not retried.
	before := fc.UHub.Requests()
	fc.UHub.Inject(10, fc.UHub.RetCodeFault(299, "permission denied"))
	_, err = c.ListRepoImages(context.Background(), ucloud.ListRepoImagesInput{RepoName: "team"})
	_ = wantAPIError(t, err, apierror.KindPermission, "299")
	if got := fc.UHub.Requests() - before; got != 1 {
		t.Fatalf("RetCode 299 sent %d requests, want 1", got)
	}
}

func TestListRepoImagesDetectsChangeWhileListing(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.UHub.GenerateImages("team", 100)
	c := newClient(t, srv.URL, func(c *ucloud.Config) { c.MaxConcurrency = 1 })
	// Just before the second page is served, an image is pushed that sorts first.
	fc.UHub.Inject(1, func(http.ResponseWriter, *http.Request) bool { return false })
	fc.UHub.Inject(1, func(http.ResponseWriter, *http.Request) bool {
		fc.UHub.UpdateImage("team", "aaa-new", time.Now())
		return false
	})
	_, err := c.ListRepoImages(context.Background(), ucloud.ListRepoImagesInput{RepoName: "team"})
	e := wantAPIError(t, err, apierror.KindInconsistent, "")
	if !strings.Contains(e.Message, "from 100 to 101") {
		t.Fatalf("message %q does not name the change", e.Message)
	}
}

func TestUpdateImageShowsInListing(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.UHub.GenerateImages("team", 10)
	c := newClient(t, srv.URL, nil)
	at := time.Date(2025, 6, 1, 12, 30, 45, 0, time.UTC)
	fc.UHub.UpdateImage("team", "image-00004", at)
	fc.UHub.UpdateImage("team", "image-00004b", at.Add(time.Second))
	list, err := c.ListRepoImages(context.Background(), ucloud.ListRepoImagesInput{RepoName: "team"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Images) != 11 || list.TotalCount != 11 {
		t.Fatalf("got %d images, TotalCount %d; want 11", len(list.Images), list.TotalCount)
	}
	updated, pushed := list.Images[4], list.Images[5]
	if updated.ImageName != "image-00004" || !updated.UpdateTime.Equal(at) || updated.LatestTag != "v20250601.123045" {
		t.Fatalf("updated image %+v", updated)
	}
	if pushed.ImageName != "image-00004b" || !pushed.CreateTime.Equal(at.Add(time.Second)) || pushed.PullCount != 0 {
		t.Fatalf("pushed image %+v", pushed)
	}

	fc.UHub.DeleteImage("team", "image-00004")
	list, err = c.ListRepoImages(context.Background(), ucloud.ListRepoImagesInput{RepoName: "team"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Images) != 10 || list.Images[4].ImageName != "image-00004b" {
		t.Fatalf("after delete: %d images, fifth %s", len(list.Images), list.Images[4].ImageName)
	}
}

func TestListRepoImagesHonoursCancellation(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.UHub.GenerateImages("team", 10)
	// The request is held until the client gives up, which it does when its
	// context is cancelled: here, once the request has reached the fake.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fc.UHub.Inject(1, func(w http.ResponseWriter, r *http.Request) bool {
		cancel()
		return fakecloud.StallFault()(w, r)
	})
	_, err := newClient(t, srv.URL, nil).ListRepoImages(ctx, ucloud.ListRepoImagesInput{RepoName: "team"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want the context's cancellation", err)
	}
}

// TestRequestIsASignedForm checks the request as the SDK sends it: a POSTed
// form with every parameter, signed over all of them, the private key in none.
func TestRequestIsASignedForm(t *testing.T) {
	fc := fakecloud.New()
	fc.UHub.GenerateImages("team", 1)
	var mu sync.Mutex
	var method, contentType, body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		method, contentType, body = r.Method, r.Header.Get("Content-Type"), string(b)
		mu.Unlock()
		r.Body = io.NopCloser(strings.NewReader(string(b)))
		fc.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)

	c := newClient(t, srv.URL, func(c *ucloud.Config) {
		c.ProjectID, c.SecurityToken = fakecloud.DefaultUCloudProjectID, "sts-token"
	})
	if _, err := c.ListRepoImages(context.Background(), ucloud.ListRepoImagesInput{RepoName: "team"}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if method != http.MethodPost || contentType != "application/x-www-form-urlencoded" {
		t.Fatalf("%s with Content-Type %q; want a POSTed form", method, contentType)
	}
	form, err := url.ParseQuery(body)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"Action": "GetRepoImage", "RepoName": "team", "Offset": "0", "Limit": "100",
		"ProjectId": fakecloud.DefaultUCloudProjectID, "PublicKey": fakecloud.DefaultUCloudPublicKey,
		"SecurityToken": "sts-token",
	}
	for k, v := range want {
		if form.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, form.Get(k), v)
		}
	}
	if len(form) != len(want)+1 || form.Get("Signature") != ucloud.Signature(form, fakecloud.DefaultUCloudPrivateKey) {
		t.Errorf("form %v: want exactly the parameters above and their Signature", form)
	}
	if strings.Contains(body, fakecloud.DefaultUCloudPrivateKey) {
		t.Error("the private key was sent")
	}
}

// TestFakeActionAPI checks the fake the way a hand-made call would hit the
// real service: GET with a query string, and its parameter errors.
func TestFakeActionAPI(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.UHub.GenerateImages("team", 30)
	call := func(params url.Values) (code int, total int, n int, requestID string) {
		t.Helper()
		ucloud.Sign(params, fakecloud.DefaultUCloudPublicKey, fakecloud.DefaultUCloudPrivateKey, "")
		resp, err := http.Get(srv.URL + "/?" + params.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		var out struct {
			RetCode    int
			TotalCount int
			ImageSet   []json.RawMessage
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return out.RetCode, out.TotalCount, len(out.ImageSet), resp.Header.Get("X-UCLOUD-REQUEST-UUID")
	}
	if code, total, n, id := call(url.Values{"Action": {"GetRepoImage"}, "RepoName": {"team"}, "Offset": {"20"}, "Limit": {"500"}}); code != 0 || total != 30 || n != 10 || id == "" {
		t.Fatalf("GET page: RetCode %d, TotalCount %d, %d images, request ID %q", code, total, n, id)
	}
	if code, _, n, _ := call(url.Values{"Action": {"GetRepoImage"}, "RepoName": {"team"}}); code != 0 || n != 20 {
		t.Fatalf("default Limit: RetCode %d, %d images; want 20", code, n)
	}
	errs := map[string]struct {
		params url.Values
		code   int
	}{
		"missing Action":   {url.Values{"RepoName": {"team"}}, 160},
		"unknown Action":   {url.Values{"Action": {"DeleteRepo"}, "RepoName": {"team"}}, 160},
		"missing RepoName": {url.Values{"Action": {"GetRepoImage"}}, 230},
		"bad Offset":       {url.Values{"Action": {"GetRepoImage"}, "RepoName": {"team"}, "Offset": {"-1"}}, 230},
		"unknown project":  {url.Values{"Action": {"GetRepoImage"}, "RepoName": {"team"}, "ProjectId": {"org-x"}}, 292},
	}
	for name, tc := range errs {
		if code, _, _, id := call(tc.params); code != tc.code || id == "" {
			t.Errorf("%s: RetCode %d, request ID %q; want %d", name, code, id, tc.code)
		}
	}
	// A parameter added after signing breaks the signature.
	p := url.Values{"Action": {"GetRepoImage"}, "RepoName": {"team"}}
	ucloud.Sign(p, fakecloud.DefaultUCloudPublicKey, fakecloud.DefaultUCloudPrivateKey, "")
	p.Set("Limit", "5")
	resp, err := http.Get(srv.URL + "/?" + p.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var out struct{ RetCode int }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.RetCode != 171 {
		t.Fatalf("tampered request: RetCode %d (%v), want 171", out.RetCode, err)
	}
}

// scripted serves literal bodies, by the Offset asked for.
func scripted(t *testing.T, status int, answer func(offset, limit int) string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		offset, _ := strconv.Atoi(r.Form.Get("Offset"))
		limit, _ := strconv.Atoi(r.Form.Get("Limit"))
		w.Header().Set("X-UCLOUD-REQUEST-UUID", "req-"+r.Form.Get("Offset"))
		w.WriteHeader(status)
		_, _ = io.WriteString(w, answer(offset, limit))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func fixed(body string) func(int, int) string { return func(int, int) string { return body } }

func TestDecodeTimeForms(t *testing.T) {
	body := `{"RetCode":0,"Action":"GetRepoImageResponse","TotalCount":4,"ImageSet":[
		{"ImageName":"number","RepoName":"r","PullCount":7,"CreateTime":1709251200,"UpdateTime":"1709251205","LatestTag":"v1"},
		{"ImageName":"datetime","RepoName":"r","PullCount":0,"CreateTime":"2024-03-01T08:00:00+08:00","UpdateTime":"2024-03-01 00:00:05","LatestTag":"v2"},
		{"ImageName":"doc-example","CreateTime":5,"UpdateTime":7,"PullCount":4,"LatestTag":"iBvvYGkW"},
		{"ImageName":"empty","CreateTime":"","UpdateTime":null,"Unknown":true}]}`
	list, err := newClient(t, scripted(t, 200, fixed(body)), nil).ListRepoImages(context.Background(), ucloud.ListRepoImagesInput{RepoName: "r"})
	if err != nil {
		t.Fatal(err)
	}
	mar1 := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	want := []struct {
		created, updated time.Time
	}{
		{mar1, mar1.Add(5 * time.Second)},
		{mar1, mar1.Add(5 * time.Second)},
		{time.Unix(5, 0), time.Unix(7, 0)},
		{},
	}
	for i, w := range want {
		im := list.Images[i]
		if !im.CreateTime.Equal(w.created) || !im.UpdateTime.Equal(w.updated) {
			t.Errorf("%s: created %v updated %v; want %v and %v", im.ImageName, im.CreateTime, im.UpdateTime, w.created, w.updated)
		}
	}
	if list.Images[2].RepoName != "r" {
		t.Errorf("an item without RepoName should take the requested one, got %q", list.Images[2].RepoName)
	}
}

func TestDecodeRejectsMalformedAnswers(t *testing.T) {
	cases := map[string]struct {
		status int
		body   string
		kind   apierror.Kind
		code   string
	}{
		"truncated":           {200, `{"RetCode":0,"TotalCount":1,"ImageSet":[{"ImageName":"a","Pull`, apierror.KindDecode, ""},
		"wrong type":          {200, `{"RetCode":0,"TotalCount":1,"ImageSet":[{"ImageName":"a","PullCount":"many"}]}`, apierror.KindDecode, ""},
		"bad time":            {200, `{"RetCode":0,"TotalCount":1,"ImageSet":[{"ImageName":"a","CreateTime":"yesterday"}]}`, apierror.KindDecode, ""},
		"html":                {200, `<html><body>502 Bad Gateway</body></html>`, apierror.KindDecode, ""},
		"no RetCode":          {200, `{"TotalCount":0,"ImageSet":[]}`, apierror.KindDecode, ""},
		"no TotalCount":       {200, `{"RetCode":0,"ImageSet":[{"ImageName":"a"}]}`, apierror.KindDecode, ""},
		"nameless image":      {200, `{"RetCode":0,"TotalCount":1,"ImageSet":[{"PullCount":1}]}`, apierror.KindDecode, ""},
		"trailing data":       {200, `{"RetCode":0,"TotalCount":0,"ImageSet":[]} {}`, apierror.KindDecode, ""},
		"RetCode, odd shape":  {200, `{"RetCode":299,"Message":"denied","ImageSet":"none"}`, apierror.KindPermission, "299"},
		"RetCode in HTTP 403": {403, `{"RetCode":299,"Message":"denied"}`, apierror.KindPermission, "299"},
		"HTTP 404 page":       {404, `<html>not found</html>`, apierror.KindNotFound, ""},
		"HTTP 400, RetCode 0": {400, `{"RetCode":0}`, apierror.KindBadRequest, ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := newClient(t, scripted(t, tc.status, fixed(tc.body)), nil).ListRepoImages(context.Background(), ucloud.ListRepoImagesInput{RepoName: "r"})
			e := wantAPIError(t, err, tc.kind, tc.code)
			if e.HTTPStatus != tc.status || e.RequestID != "req-0" {
				t.Fatalf("got %+v; want HTTP %d and request ID req-0", e, tc.status)
			}
			if tc.kind == apierror.KindDecode && (!strings.Contains(e.Message, tc.body[:8]) || e.Err == nil) {
				t.Fatalf("decode error %q should quote the body and carry the cause", e)
			}
		})
	}
}

func TestServerErrorStatusIsRetriedThenReported(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html>bad gateway</html>")
	}))
	t.Cleanup(srv.Close)
	_, err := newClient(t, srv.URL, func(c *ucloud.Config) { c.HTTP = newHTTP(t, 2) }).ListRepoImages(context.Background(), ucloud.ListRepoImagesInput{RepoName: "r"})
	e := wantAPIError(t, err, apierror.KindServer, "")
	if e.HTTPStatus != 502 || e.Attempts != 3 || hits.Load() != 3 || !strings.Contains(e.Message, "bad gateway") {
		t.Fatalf("got %+v after %d hits; want HTTP 502, 3 attempts and the body", e, hits.Load())
	}
}

// page writes a GetRepoImage answer of images named name-<i> for i in [from, to).
func page(total, from, to int) string {
	items := make([]string, 0, max(to-from, 0))
	for i := from; i < to; i++ {
		items = append(items, fmt.Sprintf(`{"ImageName":"img-%03d","RepoName":"r","CreateTime":1,"UpdateTime":2}`, i))
	}
	return fmt.Sprintf(`{"RetCode":0,"Action":"GetRepoImageResponse","TotalCount":%d,"ImageSet":[%s]}`, total, strings.Join(items, ","))
}

func TestListRepoImagesRejectsPagesThatDoNotAddUp(t *testing.T) {
	cases := map[string]struct {
		answer func(offset, limit int) string
		kind   apierror.Kind
		says   string
	}{
		"total changes": {func(o, l int) string {
			if o == 0 {
				return page(50, 0, 20)
			}
			return page(51, o, min(o+20, 51))
		}, apierror.KindInconsistent, "from 50 to 51"},
		"short page": {func(o, l int) string {
			if o >= 40 {
				return page(45, 0, 0)
			}
			return page(45, o, o+20)
		}, apierror.KindInconsistent, "promised 45 images but 40 arrived"},
		"empty first page, non-zero total": {fixed(page(3, 0, 0)), apierror.KindInconsistent, "promised 3"},
		"more than the total":              {fixed(page(2, 0, 3)), apierror.KindInconsistent, "promised 2"},
		"image on two pages": {func(o, l int) string {
			if o == 20 {
				return page(45, 19, 39) // shifted by one: img-019 again
			}
			return page(45, o, min(o+20, 45))
		}, apierror.KindInconsistent, `"img-019" arrived on two pages`},
		"page larger than asked": {func(o, l int) string {
			if o == 0 {
				return page(60, 0, 20)
			}
			return page(60, o, o+25)
		}, apierror.KindDecode, "more than the 20 asked for"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := newClient(t, scripted(t, 200, tc.answer), nil).ListRepoImages(context.Background(), ucloud.ListRepoImagesInput{RepoName: "r"})
			e := wantAPIError(t, err, tc.kind, "")
			if !strings.Contains(e.Error(), tc.says) {
				t.Fatalf("error %q does not say %q", e, tc.says)
			}
		})
	}
}
