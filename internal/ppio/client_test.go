package ppio_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
	"github.com/registry-tools/terraform-provider-registry/internal/ppio"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
)

func newClient(t *testing.T, srv *httptest.Server, mutate func(*ppio.Config)) *ppio.Client {
	t.Helper()
	httpc, err := transport.New(transport.Config{MaxRetries: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	cfg := ppio.Config{Endpoint: srv.URL, APIKey: fakecloud.DefaultPPIOAPIKey, HTTP: httpc}
	if mutate != nil {
		mutate(&cfg)
	}
	c, err := ppio.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// recordQueries lets the next n requests through and keeps their queries.
func recordQueries(fc *fakecloud.Cloud, n int) func() []url.Values {
	var mu sync.Mutex
	var got []url.Values
	fc.PPIO.Inject(n, func(_ http.ResponseWriter, r *http.Request) bool {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, r.URL.Query())
		return false
	})
	return func() []url.Values {
		mu.Lock()
		defer mu.Unlock()
		return got
	}
}

func TestListImagesFollowsCursorsAcrossCappedPages(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.PPIO.GenerateImages(137)
	queries := recordQueries(fc, 3)

	list, err := newClient(t, srv, nil).ListImages(context.Background(), ppio.ListImagesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if list.Requests != 3 || fc.PPIO.Requests() != 3 {
		t.Fatalf("%d requests (fake saw %d), want 3: pages of %d", list.Requests, fc.PPIO.Requests(), fakecloud.PPIOMaxPageSize)
	}
	q := queries()
	if q[0].Get("limit") != "100" || !q[0].Has("cursor") || q[0].Get("cursor") != "" || q[0].Has("type") || q[0].Has("name") {
		t.Fatalf("first query %v: want limit=100, an empty cursor and no filters", q[0])
	}
	if q[1].Get("cursor") == "" || q[2].Get("cursor") == "" || q[1].Get("cursor") == q[2].Get("cursor") {
		t.Fatalf("later queries %v, %v: want two distinct cursors", q[1], q[2])
	}

	want := fc.PPIO.Images()
	if len(list.Images) != len(want) || len(want) != 137 {
		t.Fatalf("got %d images, want 137", len(list.Images))
	}
	byID := map[string]ppio.Image{}
	for _, img := range list.Images {
		if _, dup := byID[img.ID]; dup {
			t.Fatalf("image %s listed twice", img.ID)
		}
		byID[img.ID] = img
	}
	statuses := map[string]bool{}
	for _, w := range want {
		got, ok := byID[w.ID]
		if !ok {
			t.Fatalf("image %s missing", w.ID)
		}
		if got.Name != w.Name || got.Image != w.Image || got.Type != w.Type || got.Status != w.Status ||
			got.StatusError != w.StatusError || got.StatusMessage != w.StatusMessage ||
			!got.CreatedAt.Equal(w.CreatedAt) || got.CreatedAt.Location() != time.UTC {
			t.Fatalf("image %s decoded as %+v, want %+v", w.ID, got, w)
		}
		if len(got.Tags) != len(w.Tags) || len(got.Tags) == 0 {
			t.Fatalf("image %s has %d tags, want %d", w.ID, len(got.Tags), len(w.Tags))
		}
		for k, wt := range w.Tags {
			if gt := got.Tags[k]; gt != (ppio.Tag{ID: wt.ID, Tag: wt.Tag, OwnerID: wt.OwnerID, FullImageName: wt.FullImageName}) {
				t.Fatalf("image %s tag %d is %+v, want %+v (API order)", w.ID, k, gt, wt)
			}
		}
		statuses[got.Status] = true
		if got.Status == "disable" && (got.StatusError == "" || got.StatusMessage == "") {
			t.Fatalf("disabled image %s lost its status error or message", w.ID)
		}
	}
	if !statuses["normal"] || !statuses["creating"] || !statuses["disable"] {
		t.Fatalf("dataset statuses %v: want normal, creating and disable", statuses)
	}
}

func TestListImagesSendsFilters(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.PPIO.GenerateImages(300)
	var want int
	for _, img := range fc.PPIO.Images() {
		if img.Type == "private" && strings.Contains(img.Name, "torch") {
			want++
		}
	}
	queries := recordQueries(fc, 1)

	list, err := newClient(t, srv, nil).ListImages(context.Background(), ppio.ListImagesInput{Type: "private", Name: "torch"})
	if err != nil {
		t.Fatal(err)
	}
	if q := queries()[0]; q.Get("type") != "private" || q.Get("name") != "torch" {
		t.Fatalf("query %v: want type=private and name=torch", q)
	}
	if want == 0 || len(list.Images) != want {
		t.Fatalf("got %d images, want %d", len(list.Images), want)
	}
	for _, img := range list.Images {
		if img.Type != "private" || !strings.Contains(img.Name, "torch") {
			t.Fatalf("image %+v does not match the filters", img)
		}
	}
}

func TestListImagesEmpty(t *testing.T) {
	_, srv := fakecloud.Start(t)
	list, err := newClient(t, srv, nil).ListImages(context.Background(), ppio.ListImagesInput{Type: "community"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Images) != 0 || list.Requests != 1 {
		t.Fatalf("got %d images in %d requests, want none in 1", len(list.Images), list.Requests)
	}
}

func TestListImagesWrongKey(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.PPIO.GenerateImages(3)
	_, err := newClient(t, srv, func(c *ppio.Config) { c.APIKey = "wrong" }).ListImages(context.Background(), ppio.ListImagesInput{})
	e, ok := apierror.As(err)
	if !ok {
		t.Fatalf("error %v is not an *apierror.Error", err)
	}
	if e.Kind != apierror.KindAuth || e.HTTPStatus != 401 || e.Cloud != ppio.CloudName || e.Call != "ListImages" ||
		e.Code != "UNAUTHORIZED" || e.Message != "invalid API key" || e.RequestID == "" || e.Attempts != 1 {
		t.Fatalf("got %+v; want a 401 auth error with the fake's reason, message and a request ID, not retried", e)
	}
}

func TestListImagesBadTypeIsBadRequest(t *testing.T) {
	_, srv := fakecloud.Start(t)
	_, err := newClient(t, srv, nil).ListImages(context.Background(), ppio.ListImagesInput{Type: "public"})
	if e, ok := apierror.As(err); !ok || e.Kind != apierror.KindBadRequest || e.HTTPStatus != 400 || !strings.Contains(e.Message, "type") {
		t.Fatalf("got %v; want a 400 bad-request error about type", err)
	}
}

func TestListImagesStopsARepeatingCursor(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.PPIO.GenerateImages(137)
	fc.PPIO.SetRepeatingCursor(true)
	// A client that followed the loop would get a third page: the fake
	// then cancels it rather than serve for ever, so that such a client
	// fails here (with the wrong error) instead of hanging.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	letThrough := func(http.ResponseWriter, *http.Request) bool { return false }
	fc.PPIO.Inject(2, letThrough)
	fc.PPIO.Inject(1000, func(w http.ResponseWriter, r *http.Request) bool {
		cancel()
		return fakecloud.StallFault()(w, r)
	})
	list, err := newClient(t, srv, nil).ListImages(ctx, ppio.ListImagesInput{})
	if list != nil {
		t.Fatalf("got a list of %d images from a looping service", len(list.Images))
	}
	e, ok := apierror.As(err)
	if !ok || e.Kind != apierror.KindInconsistent || !strings.Contains(e.Message, "1 distinct cursors") {
		t.Fatalf("got %v; want an inconsistency error naming the cursor count", err)
	}
	if n := fc.PPIO.Requests(); n != 2 {
		t.Fatalf("loop stopped after %d requests, want 2", n)
	}
}

func TestListImagesRejectsAnImageOnTwoPages(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.PPIO.GenerateImages(80)
	// Before the second page, an image sorting first appears: the offset
	// behind the cursor now points one image earlier.
	fc.PPIO.Inject(1, nil)
	fc.PPIO.Inject(1, func(http.ResponseWriter, *http.Request) bool {
		fc.PPIO.PushImage(fakecloud.PPIOImage{ID: "00000000-new", Name: "pytorch-0"})
		return false
	})
	_, err := newClient(t, srv, nil).ListImages(context.Background(), ppio.ListImagesInput{})
	if e, ok := apierror.As(err); !ok || e.Kind != apierror.KindInconsistent || !strings.Contains(e.Message, "two pages") {
		t.Fatalf("got %v; want an inconsistency error", err)
	}
}

func TestListImagesRetriesThrottling(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.PPIO.GenerateImages(137)
	fc.PPIO.Inject(2, fc.PPIO.ThrottleFault())
	list, err := newClient(t, srv, nil).ListImages(context.Background(), ppio.ListImagesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Images) != 137 || list.Requests != 3 || fc.PPIO.Requests() != 5 {
		t.Fatalf("got %d images, %d requests (%d at the fake); want 137, 3 and 5", len(list.Images), list.Requests, fc.PPIO.Requests())
	}
}

func TestListImagesGivesUpOnEndlessThrottling(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.PPIO.Inject(10, fc.PPIO.ThrottleFault())
	_, err := newClient(t, srv, nil).ListImages(context.Background(), ppio.ListImagesInput{})
	e, ok := apierror.As(err)
	if !ok || e.Kind != apierror.KindThrottled || e.HTTPStatus != 429 || e.Attempts != 4 || e.Code != "TOO_MANY_REQUESTS" {
		t.Fatalf("got %v; want a throttling error after 4 attempts", err)
	}
}

func TestListImagesErrorBodies(t *testing.T) {
	cases := []struct {
		name          string
		status        int
		header        map[string]string
		body          string
		code, message string
		kind          apierror.Kind
	}{
		{"message and numeric code", 403, map[string]string{"X-Request-Id": "r-1"}, `{"code":40301,"message":"no access to private images"}`, "40301", "no access to private images", apierror.KindPermission},
		{"reason only", 403, nil, `{"reason":"FORBIDDEN"}`, "", "FORBIDDEN", apierror.KindPermission},
		{"error string", 400, nil, `{"error":"bad cursor"}`, "", "bad cursor", apierror.KindBadRequest},
		{"error object", 400, nil, `{"error":{"message":"bad limit"}}`, "", "bad limit", apierror.KindBadRequest},
		{"plain text", 404, nil, "404 page not found", "", "404 page not found", apierror.KindNotFound},
		{"html", 502, map[string]string{"Content-Type": "text/html"}, "<html><body>" + strings.Repeat("Bad Gateway ", 40) + "</body></html>", "", "", apierror.KindServer},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fc, srv := fakecloud.Start(t)
			fc.PPIO.Inject(10, fakecloud.StatusFault(tc.status, tc.header, tc.body))
			_, err := newClient(t, srv, nil).ListImages(context.Background(), ppio.ListImagesInput{})
			e, ok := apierror.As(err)
			if !ok || e.HTTPStatus != tc.status || e.Kind != tc.kind || e.Code != tc.code {
				t.Fatalf("got %+v; want status %d kind %d code %q", err, tc.status, tc.kind, tc.code)
			}
			want := tc.message
			if want == "" {
				want = apierror.Snippet([]byte(tc.body))
			}
			if e.Message != want {
				t.Fatalf("message %q, want %q", e.Message, want)
			}
			if rid := tc.header["X-Request-Id"]; rid != "" && e.RequestID != rid {
				t.Fatalf("request ID %q, want %q", e.RequestID, rid)
			}
		})
	}
}

func TestListImagesRejectsMalformedPages(t *testing.T) {
	cases := map[string]string{
		"html with 200": "<!DOCTYPE html><html><body>Welcome to nginx!</body></html>",
		"truncated":     `{"data":[{"id":"a","name":"x","created_at":1714982400`,
		"no data":       `{"message":"ok"}`,
		"id is number":  `{"data":[{"id":7}],"has_more":false}`,
		"status string": `{"data":[{"id":"a","status":"normal"}],"has_more":false}`,
		"bad time":      `{"data":[{"id":"a","created_at":true}],"has_more":false}`,
		"has_more text": `{"data":[],"has_more":"false"}`,
		"missing id":    `{"data":[{"name":"x"}],"has_more":false}`,
		"trailing data": `{"data":[],"has_more":false} {"data":[]}`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			fc, srv := fakecloud.Start(t)
			fc.PPIO.Inject(1, fakecloud.StatusFault(200, nil, body))
			_, err := newClient(t, srv, nil).ListImages(context.Background(), ppio.ListImagesInput{})
			e, ok := apierror.As(err)
			if !ok || e.Kind != apierror.KindDecode || e.HTTPStatus != 200 || !strings.Contains(e.Message, apierror.Snippet([]byte(body))) {
				t.Fatalf("got %v; want a decode error quoting the body", err)
			}
		})
	}
}

func TestListImagesTolerantDecoding(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.PPIO.Inject(1, fakecloud.StatusFault(200, nil,
		`{"data":[{"id":"a","status":null,"created_at":"1714982400","tags":null,"extra":{"x":1}}],"next_cursor":"","has_more":true}`))
	list, err := newClient(t, srv, nil).ListImages(context.Background(), ppio.ListImagesInput{})
	if err != nil {
		t.Fatal(err)
	}
	// has_more with an empty cursor ends the listing, as the doc's "empty
	// next_cursor means no more data" says.
	if len(list.Images) != 1 || list.Requests != 1 || list.Images[0].CreatedAt.Unix() != 1714982400 || list.Images[0].Tags != nil {
		t.Fatalf("got %+v in %d requests", list.Images, list.Requests)
	}
}

func TestListImagesStopsOnEmptyPagesWithoutEnd(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	for i := range 20 {
		fc.PPIO.Inject(1, fakecloud.StatusFault(200, nil, `{"data":[],"next_cursor":"c`+string(rune('a'+i))+`","has_more":true}`))
	}
	_, err := newClient(t, srv, nil).ListImages(context.Background(), ppio.ListImagesInput{})
	if e, ok := apierror.As(err); !ok || e.Kind != apierror.KindInconsistent {
		t.Fatalf("got %v; want an inconsistency error", err)
	}
	if n := fc.PPIO.Requests(); n != 10 {
		t.Fatalf("%d requests, want 10", n)
	}
}

func TestListImagesHonoursCancellation(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.PPIO.GenerateImages(10)
	// The request is held until the client gives up, which it does when its
	// context is cancelled: here, once the request has reached the fake.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fc.PPIO.Inject(1, func(w http.ResponseWriter, r *http.Request) bool {
		cancel()
		return fakecloud.StallFault()(w, r)
	})
	_, err := newClient(t, srv, nil).ListImages(ctx, ppio.ListImagesInput{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want the context's cancellation", err)
	}
}

func TestNewChecksConfig(t *testing.T) {
	httpc, _ := transport.New(transport.Config{})
	if _, err := ppio.New(ppio.Config{HTTP: httpc}); err == nil {
		t.Fatal("no API key: want an error")
	}
	if _, err := ppio.New(ppio.Config{APIKey: "k", HTTP: httpc, Endpoint: "not a url"}); err == nil {
		t.Fatal("bad endpoint: want an error")
	}
	if _, err := ppio.New(ppio.Config{APIKey: "k", HTTP: httpc}); err != nil {
		t.Fatalf("default endpoint: %v", err)
	}
}

func TestListImagesSmallPageSize(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.PPIO.GenerateImages(137)
	list, err := newClient(t, srv, func(c *ppio.Config) { c.PageSize = 20 }).ListImages(context.Background(), ppio.ListImagesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Images) != 137 || list.Requests != 7 {
		t.Fatalf("got %d images in %d requests, want 137 in 7", len(list.Images), list.Requests)
	}
}

// The fake must hold the client to the doc's bounds and keep its cursors
// opaque: a forged cursor, or one from another query, is refused.
func TestFakeValidatesParameters(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.PPIO.GenerateImages(60)
	_, err := newClient(t, srv, nil).ListImages(context.Background(), ppio.ListImagesInput{Name: strings.Repeat("é", 256)})
	if e, ok := apierror.As(err); !ok || e.HTTPStatus != 400 {
		t.Fatalf("256-character name: got %v, want HTTP 400", err)
	}

	get := func(query string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/gpus/v2/images?"+query, nil)
		req.Header.Set("Authorization", "Bearer "+fakecloud.DefaultPPIOAPIKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		var body struct {
			NextCursor string `json:"next_cursor"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body.NextCursor
	}
	status, next := get("limit=100")
	if status != 200 || next == "" {
		t.Fatalf("first page: status %d, cursor %q", status, next)
	}
	for name, q := range map[string]string{
		"forged cursor":         "cursor=" + base64.RawURLEncoding.EncodeToString([]byte("50")),
		"cursor of other query": "type=base&cursor=" + url.QueryEscape(next),
		"long cursor":           "cursor=" + strings.Repeat("a", 1025),
		"negative limit":        "limit=-1",
		"bad type":              "type=public",
	} {
		if status, _ := get(q); status != 400 {
			t.Errorf("%s: status %d, want 400", name, status)
		}
	}
	if status, _ := get("cursor=" + url.QueryEscape(next)); status != 200 {
		t.Fatalf("its own cursor: status %d, want 200", status)
	}
}
