package swr_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
	"github.com/registry-tools/terraform-provider-registry/internal/swr"
)

const gatewayPage = `<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>`

// TestIAMFailuresNameTheIAMCall: whatever goes wrong with the project
// lookup, the error names IAM's call (so that a diagnostic can point at the
// IAM endpoint, not SWR's), and an answer that is not JSON is quoted.
func TestIAMFailuresNameTheIAMCall(t *testing.T) {
	cases := []struct {
		name   string
		setup  func(*fakecloud.Cloud)
		mutate func(*swr.Config)
		kind   apierror.Kind
		says   []string
	}{
		{"HTML page with HTTP 200", func(fc *fakecloud.Cloud) {
			fc.SWR.Inject(1, fakecloud.StatusFault(http.StatusOK, map[string]string{"Content-Type": "text/html"}, gatewayPage))
		}, nil, apierror.KindDecode, []string{"malformed answer: " + gatewayPage, "(HTTP 200, request ID swr-req-"}},
		{"HTML page with HTTP 502 on every attempt", func(fc *fakecloud.Cloud) {
			fc.SWR.Inject(10, fakecloud.StatusFault(http.StatusBadGateway, map[string]string{"Content-Type": "text/html"}, gatewayPage))
		}, nil, apierror.KindServer, []string{"HTTP 502: " + gatewayPage, "after 6 attempts"}},
		{"truncated JSON", func(fc *fakecloud.Cloud) {
			fc.SWR.Inject(1, fakecloud.StatusFault(http.StatusOK, nil, `{"projects":[{"id":"0a1b`))
		}, nil, apierror.KindDecode, []string{`malformed answer: {"projects":[{"id":"0a1b`}},
		{"wrong secret key", nil, func(c *swr.Config) { c.SecretKey = "wrong" }, apierror.KindAuth, []string{"HTTP 401, code APIGW.0301"}},
		{"no project for the region", nil, func(c *swr.Config) { c.Region = "ap-southeast-9" }, apierror.KindConfig, []string{`IAM lists no project named "ap-southeast-9"`}},
		{"IAM unreachable", nil, func(c *swr.Config) {
			closed := httptest.NewServer(http.NotFoundHandler())
			closed.Close()
			c.IAMEndpoint = closed.URL
		}, apierror.KindTransport, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fc, srv := fakecloud.Start(t)
			fc.SWR.GenerateTags("team", "web", 3)
			if tc.setup != nil {
				tc.setup(fc)
			}
			c := newClient(t, srv, tc.mutate)
			_, err := c.ListTags(context.Background(), swr.ListTagsInput{Namespace: "team", Repository: "web"})
			e, ok := apierror.As(err)
			if !ok || e.Call != swr.CallIAMProjects || e.Kind != tc.kind {
				t.Fatalf("got %v (%+v); want a %s error of kind %d", err, e, swr.CallIAMProjects, tc.kind)
			}
			for _, s := range tc.says {
				if !strings.Contains(e.Error(), s) {
					t.Errorf("error %q does not say %q", e.Error(), s)
				}
			}
			if got := fc.SWR.CallCount(swr.CallListTags); got != 0 {
				t.Errorf("%d listing requests after the lookup failed, want 0", got)
			}
		})
	}
}
