package swr

import (
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/tagkind"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
)

func TestDecodeTagsEveryField(t *testing.T) {
	body := []byte(`[{"id":7,"repo_id":3,"Tag":"v1","image_id":"abc","digest":"sha256:d","manifest":"{\"m\":1}","schema":2,
	  "path":"swr.cn-north-4.myhuaweicloud.com/ns/r:v1","internal_path":"10.0.0.1:20202/ns/r:v1","size":42,"is_trusted":true,
	  "created":"2018-07-06T06:18:55Z","updated":"2018-07-06T14:20:00+08:00","deleted":null,"domain_id":"dom","scanned":true,
	  "tag_type":1,"a_field_from_the_future":{"x":[1,2]}}]`)
	for _, withManifest := range []bool{false, true} {
		tags, err := DecodeTags(body, withManifest, nil)
		if err != nil || len(tags) != 1 {
			t.Fatalf("DecodeTags: %v, %d tags", err, len(tags))
		}
		want := Tag{ID: 7, RepoID: 3, Tag: "v1", ImageID: "abc", Digest: "sha256:d", Schema: 2,
			Path: "swr.cn-north-4.myhuaweicloud.com/ns/r:v1", InternalPath: "10.0.0.1:20202/ns/r:v1", Size: 42, IsTrusted: true,
			Created: time.Date(2018, 7, 6, 6, 18, 55, 0, time.UTC), Updated: time.Date(2018, 7, 6, 6, 20, 0, 0, time.UTC),
			DomainID: "dom", Scanned: true, TagType: 1, Info: tagkind.Info{Kind: tagkind.Unknown}}
		if withManifest {
			want.Manifest = `{"m":1}`
		}
		if !reflect.DeepEqual(tags[0], want) {
			t.Errorf("withManifest=%v:\n got %+v\nwant %+v", withManifest, tags[0], want)
		}
	}
}

func TestDecodeTagsRejectsWhatIsNotACompleteArray(t *testing.T) {
	for _, body := range []string{``, `{}`, `[{"id":1}`, `[{"id":"one"}]`, `[{"created":"yesterday"}]`, `[] []`, `<html></html>`} {
		if _, err := DecodeTags([]byte(body), false, nil); err == nil {
			t.Errorf("DecodeTags(%q) succeeded", body)
		}
	}
}

func TestParseContentRangeTakesTheTotal(t *testing.T) {
	for in, want := range map[string]int{"0-1000/2500": 2500, "1000-1999/2500": 2500, "items 0-0/0": 0, " 0-3/3 ": 3} {
		if got, err := ParseContentRange(in); err != nil || got != want {
			t.Errorf("ParseContentRange(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"0-1000", "0-10/", "0-10/-1", "0-10/many"} {
		if _, err := ParseContentRange(in); err == nil {
			t.Errorf("ParseContentRange(%q) succeeded", in)
		}
	}
}

// TestDecodeErrorAcceptsEveryShape: SWR, its gateway and older APIs answer
// errors in three shapes; each gives its code and message.
func TestDecodeErrorAcceptsEveryShape(t *testing.T) {
	cases := []struct{ body, code, msg string }{
		{`{"error_code":"SVCSTG.SWR.4040010","error_msg":"repository not found"}`, "SVCSTG.SWR.4040010", "repository not found"},
		{`{"code":"SVCSTG.SWR.4000014","message":"invalid limit"}`, "SVCSTG.SWR.4000014", "invalid limit"},
		{`[{"errorCode":"SVCSTG.SWR.5000003","errorMessage":"internal error","detail":"db timeout"}]`, "SVCSTG.SWR.5000003", "internal error (db timeout)"},
		{`<html>502 Bad Gateway</html>`, "", "<html>502 Bad Gateway</html>"},
	}
	for _, c := range cases {
		resp := &transport.Response{StatusCode: 404, Header: http.Header{"X-Request-Id": {"req-9"}}, Body: []byte(c.body), Attempts: 1}
		e, ok := apierror.As(decodeError("ListRepositoryTags", resp))
		if !ok || e.Code != c.code || e.Message != c.msg || e.RequestID != "req-9" || e.Kind != apierror.KindNotFound {
			t.Errorf("%s: got %+v", c.body, e)
		}
	}
}

func TestEndpointAndTagsPath(t *testing.T) {
	if got := EndpointForRegion("cn-north-4"); got != "https://swr-api.cn-north-4.myhuaweicloud.com" {
		t.Errorf("cn-north-4: %s", got)
	}
	if got := EndpointForRegion("eu-west-101"); got != "https://swr-api.eu-west-101.myhuaweicloud.eu" {
		t.Errorf("eu-west-101: %s", got)
	}
	if got := tagsPath("ns", "apps/web/api"); got != "/v2/manage/namespaces/ns/repos/apps$web$api/tags" {
		t.Errorf("tagsPath: %s", got)
	}
}

// TestDecodeErrorMissing: only SWR's own 404 codes say that a namespace,
// repository or tag does not exist; a gateway's 404 (a wrong endpoint or
// region) and other statuses are not an answer about the repository.
func TestDecodeErrorMissing(t *testing.T) {
	cases := []struct {
		status  int
		body    string
		missing bool
	}{
		{404, `{"error_code":"SVCSTG.SWR.4040010","error_msg":"repository not found"}`, true},
		{404, `{"errorCode":"SVCSTG.SWR.4040001","errorMessage":"namespace not found"}`, false}, // not the list shape: an object
		{404, `[{"errorCode":"SVCSTG.SWR.4040001","errorMessage":"namespace not found"}]`, true},
		{404, `{"code":"SVCSTG.SWR.4040007","message":"tag not found"}`, true},
		{404, `{"error_code":"APIGW.0101","error_msg":"The API does not exist or has not been published in the environment"}`, false},
		{404, `<html>404 Not Found</html>`, false},
		{400, `{"error_code":"SVCSTG.SWR.4040010","error_msg":"odd"}`, false},
		{500, `{"error_code":"SVCSTG.SWR.5000003","error_msg":"internal error"}`, false},
	}
	for _, c := range cases {
		err := decodeError("ListRepositoryTags", &transport.Response{StatusCode: c.status, Body: []byte(c.body), Attempts: 1})
		if got := apierror.IsMissing(err); got != c.missing {
			t.Errorf("HTTP %d %s: missing %v, want %v", c.status, c.body, got, c.missing)
		}
	}
}
