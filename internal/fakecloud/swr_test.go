package fakecloud_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
	"github.com/registry-tools/terraform-provider-registry/internal/swr"
)

// swrAnswer is one answer of the fake SWR: the status, the headers and the
// body decoded as a tag list or as an error.
type swrAnswer struct {
	status int
	header http.Header
	tags   []map[string]any
	errObj struct {
		Code string `json:"error_code"`
		Msg  string `json:"error_msg"`
	}
}

// callSWR sends a GET signed with the default keys and project, as the
// client does.
func callSWR(t *testing.T, base, path string, q url.Values) swrAnswer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path+"?"+q.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Project-Id", fakecloud.DefaultSWRProjectID)
	swr.Sign(req, nil, fakecloud.DefaultSWRAccessKey, fakecloud.DefaultSWRSecretKey, time.Now())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	a := swrAnswer{status: resp.StatusCode, header: resp.Header}
	if resp.StatusCode >= 400 {
		err = json.NewDecoder(resp.Body).Decode(&a.errObj)
	} else {
		err = json.NewDecoder(resp.Body).Decode(&a.tags)
	}
	if err != nil {
		t.Fatalf("HTTP %d answer is not JSON of the expected shape: %v", resp.StatusCode, err)
	}
	return a
}

// TestFakeSWRAcceptsOnlyTheDocumentedOrder: the v2 listing orders by
// updated_at only (the SDK documents nothing else); any other column is
// rejected as the real service may, so a provider that sends one fails here.
func TestFakeSWRAcceptsOnlyTheDocumentedOrder(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.SWR.GenerateTags("team", "web", 3)
	const path = "/v2/manage/namespaces/team/repos/web/tags"
	for _, q := range []url.Values{
		{"order_column": {"tag"}, "order_type": {"asc"}},
		{"order_column": {"created_at"}, "order_type": {"desc"}},
		{"order_column": {"updated_at"}, "order_type": {"newest"}},
	} {
		a := callSWR(t, srv.URL, path, q)
		if a.status != http.StatusBadRequest || a.errObj.Code != "SVCSTG.SWR.4001001" || a.errObj.Msg == "" || a.header.Get("X-Request-Id") == "" {
			t.Errorf("%s: HTTP %d %+v; want 400 SVCSTG.SWR.4001001 with a message and a request ID", q.Encode(), a.status, a.errObj)
		}
	}
	if a := callSWR(t, srv.URL, path, url.Values{"order_column": {"updated_at"}}); a.status != http.StatusBadRequest || a.errObj.Code != "SVCSTG.SWR.4000014" {
		t.Errorf("order_column without order_type: HTTP %d %+v; want 400 SVCSTG.SWR.4000014", a.status, a.errObj)
	}
	if a := callSWR(t, srv.URL, path, url.Values{"order_column": {"updated_at"}, "order_type": {"desc"}}); a.status != http.StatusOK || len(a.tags) != 3 {
		t.Errorf("updated_at desc: HTTP %d, %d tags; want 200 and 3 tags", a.status, len(a.tags))
	}
}

// TestFakeSWRNewestFirstTiesInNameOrder: updated_at desc puts the newest
// first; tags updated in the same second come in ascending byte order of
// the name, which is not the provider's tie-break (descending natural
// order), so a provider that kept the service's order would be caught.
func TestFakeSWRNewestFirstTiesInNameOrder(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	fc.SWR.PushTag("team", "web", "old", at.Add(-time.Hour))
	for _, tag := range []string{"v9.0.0", "v13.0.0", "v14.0.0", "v1.10"} {
		fc.SWR.PushTag("team", "web", tag, at)
	}
	fc.SWR.PushTag("team", "web", "new", at.Add(time.Hour))

	a := callSWR(t, srv.URL, "/v2/manage/namespaces/team/repos/web/tags", url.Values{"order_column": {"updated_at"}, "order_type": {"desc"}, "offset": {"0"}, "limit": {"1000"}})
	var got []string
	for _, tag := range a.tags {
		got = append(got, tag["Tag"].(string))
	}
	want := []string{"new", "v1.10", "v13.0.0", "v14.0.0", "v9.0.0", "old"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	if cr := a.header.Get("Content-Range"); cr != "0-6/6" {
		t.Errorf("Content-Range %q, want 0-6/6", cr)
	}
}
