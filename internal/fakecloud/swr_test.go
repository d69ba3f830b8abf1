package fakecloud_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
	"github.com/registry-tools/terraform-provider-registry/internal/swr"
	"github.com/registry-tools/terraform-provider-registry/internal/swr/sign"
)

// swrAnswer is one answer of the fake SWR: the status, the headers and the
// body decoded as a tag list or as an error.
type swrAnswer struct {
	status int
	header http.Header
	tags   []map[string]any // a listing
	object map[string]any   // one tag, or IAM's answer
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
	sign.Sign(req, nil, fakecloud.DefaultSWRAccessKey, fakecloud.DefaultSWRSecretKey, time.Now())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	a := swrAnswer{status: resp.StatusCode, header: resp.Header}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case resp.StatusCode >= 400:
		err = json.Unmarshal(body, &a.errObj)
	case strings.HasPrefix(string(body), "["):
		err = json.Unmarshal(body, &a.tags)
	default:
		err = json.Unmarshal(body, &a.object)
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

// TestFakeSWRPushMovesATag: pushing an existing tag gives it a new digest
// and updated time (even a push at the same instant), keeps its id and
// created time, and puts it first in the newest-first listing.
func TestFakeSWRPushMovesATag(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.SWR.GenerateTags("team", "web", 5)
	before, _ := fc.SWR.Tag("team", "web", "v1.0.0")

	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fc.SWR.PushTag("team", "web", "v1.0.0", at)
	moved, _ := fc.SWR.Tag("team", "web", "v1.0.0")
	fc.SWR.PushTag("team", "web", "v1.0.0", at)
	again, _ := fc.SWR.Tag("team", "web", "v1.0.0")

	if moved.Digest == before.Digest || again.Digest == moved.Digest || !moved.Updated.Equal(at) || !again.Updated.Equal(at) {
		t.Fatalf("digests %s -> %s -> %s, updated %s; want a new digest per push, updated %s", before.Digest, moved.Digest, again.Digest, again.Updated, at)
	}
	if again.ID != before.ID || !again.Created.Equal(before.Created) || again.Manifest == before.Manifest {
		t.Fatalf("after two pushes %+v; want id and created kept, manifest of the new digest", again)
	}
	a := callSWR(t, srv.URL, "/v2/manage/namespaces/team/repos/web/tags", url.Values{"order_column": {"updated_at"}, "order_type": {"desc"}})
	if len(a.tags) != 5 || a.tags[0]["Tag"] != "v1.0.0" || a.tags[0]["digest"] != again.Digest {
		t.Fatalf("listing after the push starts with %v; want v1.0.0 at %s", a.tags[0], again.Digest)
	}
	show := callSWR(t, srv.URL, "/v2/manage/namespaces/team/repos/web/tags/v1.0.0", nil)
	if show.status != http.StatusOK || show.object["Tag"] != "v1.0.0" || show.object["digest"] != again.Digest {
		t.Fatalf("ShowRepoTag: HTTP %d %v; want v1.0.0 at %s", show.status, show.object, again.Digest)
	}
}

// TestFakeSWRListingFollowsEveryChange: the fake keeps a sorted listing
// between pages; a push, a new tag or a deletion after it was served shows
// in the very next page, for each filter and order.
func TestFakeSWRListingFollowsEveryChange(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.SWR.GenerateTags("team", "web", 5)
	list := func(q url.Values) string {
		t.Helper()
		var tags []string
		for _, tag := range callSWR(t, srv.URL, "/v2/manage/namespaces/team/repos/web/tags", q).tags {
			tags = append(tags, tag["Tag"].(string))
		}
		return strings.Join(tags, " ")
	}
	newest := url.Values{"order_column": {"updated_at"}, "order_type": {"desc"}}
	filtered := url.Values{"order_column": {"updated_at"}, "order_type": {"desc"}, "tag": {"v1"}}
	for _, step := range []struct {
		change           func()
		newest, filtered string
	}{
		{func() {}, "v4.0.0 v3.0.0 v1.0.0 v2.0.0 v0.0.0", "v1.0.0"}, // v1 and v2 share a second: name order
		{func() { fc.SWR.PushTag("team", "web", "v1.0.0", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) }, "v1.0.0 v4.0.0 v3.0.0 v2.0.0 v0.0.0", "v1.0.0"},
		{func() { fc.SWR.PushTag("team", "web", "v1.1.0", time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)) }, "v1.1.0 v1.0.0 v4.0.0 v3.0.0 v2.0.0 v0.0.0", "v1.1.0 v1.0.0"},
		{func() { fc.SWR.DeleteTag("team", "web", "v1.0.0") }, "v1.1.0 v4.0.0 v3.0.0 v2.0.0 v0.0.0", "v1.1.0"},
	} {
		step.change()
		for range 2 { // the second answer comes from the kept listing
			if got := list(newest); got != step.newest {
				t.Fatalf("newest first: %s, want %s", got, step.newest)
			}
			if got := list(filtered); got != step.filtered {
				t.Fatalf("tag filter v1: %s, want %s", got, step.filtered)
			}
		}
	}
}

// TestFakeSWRCountsRequestsPerCall: each call is counted on its own (a
// faulted request too); a request for no call counts only in Requests.
func TestFakeSWRCountsRequestsPerCall(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.SWR.GenerateTags("team", "web", 3)
	callSWR(t, srv.URL, "/v2/manage/namespaces/team/repos/web/tags", nil)
	fc.SWR.Inject(1, fc.SWR.ThrottleFault(""))
	callSWR(t, srv.URL, "/v2/manage/namespaces/team/repos/web/tags", nil)
	callSWR(t, srv.URL, "/v2/manage/namespaces/team/repos/web/tags/v1.0.0", nil)
	callSWR(t, srv.URL, "/v3/projects", url.Values{"name": {fakecloud.DefaultSWRRegion}})
	if a := callSWR(t, srv.URL, "/v2/manage/namespaces/team/repos", nil); a.status != http.StatusNotFound {
		t.Fatalf("no such call: HTTP %d, want 404", a.status)
	}
	for call, want := range map[string]int64{fakecloud.SWRCallListTags: 2, fakecloud.SWRCallShowTag: 1, fakecloud.SWRCallIAMProjects: 1} {
		if got := fc.SWR.CallCount(call); got != want {
			t.Errorf("CallCount(%s) = %d, want %d", call, got, want)
		}
	}
	if got := fc.SWR.Requests(); got != 5 {
		t.Errorf("Requests() = %d, want 5", got)
	}
}

// TestFakeSWRServesATagAsSWRDoes: both calls serve a tag with every key
// swr.Tag reads (its json tags), SWRTag's fields under their json tags,
// times in RFC 3339 to the second, "deleted" null unless set; and TagJSON
// is what they serve.
func TestFakeSWRServesATagAsSWRDoes(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	at := time.Date(2025, 3, 1, 12, 0, 0, 999_999_999, time.UTC)
	fc.SWR.PushTag("team", "apps/web", "v1", at)
	list := callSWR(t, srv.URL, "/v2/manage/namespaces/team/repos/apps$web/tags", nil)
	show := callSWR(t, srv.URL, "/v2/manage/namespaces/team/repos/apps$web/tags/v1", nil)
	if len(list.tags) != 1 || show.object == nil {
		t.Fatalf("listing %v, ShowRepoTag %v; want the one tag", list.tags, show.object)
	}
	body, err := fc.SWR.TagJSON("team", "apps/web", "v1")
	if err != nil {
		t.Fatal(err)
	}
	var served map[string]any
	if err := json.Unmarshal(body, &served); err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]map[string]any{"ListRepositoryTags": list.tags[0], "ShowRepoTag": show.object} {
		if !reflect.DeepEqual(got, served) {
			t.Errorf("%s serves %v; TagJSON says %v", name, got, served)
		}
	}

	wire := reflect.TypeFor[swr.Tag]()
	for i := range wire.NumField() {
		f := wire.Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if _, ok := served[key]; !ok && !f.Anonymous {
			t.Errorf("the fake serves no %q, which swr.Tag.%s reads: add a field to fakecloud.SWRTag with `json:%q`", key, f.Name, key)
		}
	}
	stored := reflect.TypeFor[fakecloud.SWRTag]()
	for i := range stored.NumField() {
		if f := stored.Field(i); f.Tag.Get("json") == "" {
			t.Errorf("fakecloud.SWRTag.%s has no json tag: give it `json:\"<its key in SWR's tag JSON>\"`", f.Name)
		}
	}

	want := map[string]any{"Tag": "v1", "schema": 2.0, "created": "2025-03-01T12:00:00Z", "updated": "2025-03-01T12:00:00Z", "deleted": nil,
		"path": "swr.cn-north-4.myhuaweicloud.com/team/apps/web:v1", "internal_path": "10.125.0.198:20202/team/apps/web:v1",
		"domain_id": fakecloud.DefaultSWRDomainID, "is_trusted": false}
	for key, v := range want {
		if served[key] != v {
			t.Errorf("%q: served %#v, want %#v", key, served[key], v)
		}
	}
}
