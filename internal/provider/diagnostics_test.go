package provider

import (
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
	"github.com/registry-tools/terraform-provider-registry/internal/swr"
)

// Hints follow the call that failed: whatever the kind of failure, the
// project lookup's diagnostic points at IAM's endpoint and at project_id,
// which skips the lookup, and never at SWR's endpoint, while a failure of
// an SWR call keeps SWR's hints.
func TestHintsFollowTheCallThatFailed(t *testing.T) {
	t.Parallel()
	kinds := map[apierror.Kind]string{
		apierror.KindAuth: "auth", apierror.KindPermission: "permission", apierror.KindNotFound: "not found",
		apierror.KindBadRequest: "bad request", apierror.KindTransport: "transport", apierror.KindDecode: "decode",
		apierror.KindConfig: "config",
	}
	for kind, name := range kinds {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			iam := readError(t.Context(), &apierror.Error{Cloud: swr.CloudName, Call: swr.CallIAMProjects, Kind: kind, Message: "failed"}, swrHints)
			text := iam.Summary() + "\n" + iam.Detail()
			if !strings.HasPrefix(text, "Huawei Cloud SWR KeystoneListProjects failed\n") {
				t.Errorf("the summary does not name the call:\n%s", text)
			}
			if !strings.Contains(text, "project_id / "+envHWProjectID+" skips this lookup") {
				t.Errorf("the IAM hint does not say project_id skips the lookup:\n%s", text)
			}
			if strings.Contains(text, envHWSWREndpoint) || strings.Contains(text, "swr endpoint") {
				t.Errorf("the IAM hint names SWR's endpoint:\n%s", text)
			}
			if kind != apierror.KindAuth && kind != apierror.KindPermission && !strings.Contains(text, "iam_endpoint / "+envHWIAMEndpoint) &&
				!strings.Contains(text, "region / "+envHWRegion) {
				t.Errorf("the IAM hint names neither iam_endpoint nor region:\n%s", text)
			}

			own := readError(t.Context(), &apierror.Error{Cloud: swr.CloudName, Call: swr.CallListTags, Kind: kind, Message: "failed"}, swrHints)
			if own.Detail() != "failed.\n\n"+swrHints[kind] {
				t.Errorf("ListRepositoryTags lost SWR's hint: %q", own.Detail())
			}
		})
	}
}

// The project lookup's failures, end to end: an HTML page IAM's gateway
// sends with status 200 is quoted, and an IAM endpoint that hangs up is
// named as iam_endpoint / HW_IAM_ENDPOINT.
func TestIAMFailuresNameIAM(t *testing.T) {
	t.Parallel()
	config := func(swrURL, iamURL string) string {
		return swrProvider("max_retries = 0", fakecloud.DefaultSWRSecretKey, swrURL, iamURL) +
			testDataBlock("registry_swr_tags", "namespace  = \"team\"\nrepository = \"web\"")
	}

	t.Run("HTML from IAM", func(t *testing.T) {
		t.Parallel()
		fc, fakeURL := startFake(t)
		fc.SWR.GenerateTags("team", "web", 3)
		fc.RewriteEvery(fakecloud.Rewrite{
			Match: func(r *http.Request, _ url.Values) bool { return r.URL.Path == "/v3/projects" },
			Edit: func(_ int, h http.Header, _ []byte) (int, []byte) {
				h.Set("Content-Type", "text/html")
				return http.StatusOK, []byte(matrixHTMLGateway)
			},
		})
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testFactories(nil),
			Steps: []resource.TestStep{{
				Config: config(fakeURL, fakeURL),
				ExpectError: regexp.MustCompile(`(?s)Huawei\s+Cloud\s+SWR\s+KeystoneListProjects\s+failed.*malformed\s+answer:\s+<html><head><title>502\s+Bad\s+Gateway</title>` +
					`.*\(HTTP\s+200,\s+request\s+ID\s+swr-req-\d+\).*` + wrapped(iamHints[apierror.KindDecode])),
			}},
		})
	})

	t.Run("IAM hangs up", func(t *testing.T) {
		t.Parallel()
		_, fakeURL := startFake(t)
		hangUp := startHangUpURL(t)
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testFactories(nil),
			Steps: []resource.TestStep{{
				Config:      config(fakeURL, hangUp),
				ExpectError: regexp.MustCompile(`(?s)Huawei\s+Cloud\s+SWR\s+KeystoneListProjects\s+failed.*` + wrapped(iamHints[apierror.KindTransport])),
			}},
		})
	})
}

// startHangUpURL is the URL of a server that closes every connection
// before answering: no HTTP answer ever arrives.
func startHangUpURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return // closed
			}
			_ = conn.Close()
		}
	}()
	return "http://" + ln.Addr().String()
}
