package provider

import (
	"encoding/pem"
	"fmt"
	"maps"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
)

// Every provider validator, fed a bad value, fails the plan with a
// diagnostic on the argument's path that says what is expected.
func TestProviderRejectsBadArgumentsAtPlan(t *testing.T) {
	t.Parallel()
	cases := map[string]providerErrorCase{
		"max_retries negative":    {body: `max_retries = -1`, want: `(?s)max_retries.*between 0 and 20`},
		"max_retries too many":    {body: `max_retries = 50`, want: `(?s)max_retries.*between 0 and 20`},
		"request_timeout not":     {body: `request_timeout = "thirty"`, want: `(?s)request_timeout.*not a positive duration`},
		"request_timeout zero":    {body: `request_timeout = "0s"`, want: `(?s)request_timeout.*not a positive duration`},
		"max_concurrency zero":    {body: `max_concurrency = 0`, want: `(?s)max_concurrency.*between 1 and 32`},
		"ca_cert_file empty":      {body: `ca_cert_file = ""`, want: `(?s)ca_cert_file.*at least 1`},
		"swr endpoint not a URL":  {body: `swr { endpoint = "swr-api.example.com" }`, want: `(?s)Invalid URL.*swr \{ endpoint = "swr-api.example.com" \}.*not\s+an\s+absolute\s+http://\s+or\s+https://\s+URL`},
		"swr iam_endpoint scheme": {body: `swr { iam_endpoint = "ftp://iam.example.com" }`, want: `(?s)Invalid URL.*swr \{ iam_endpoint = "ftp://iam.example.com" \}.*not\s+an\s+absolute`},
		"swr region":              {body: `swr { region = "North China 4" }`, want: `(?s)swr\.region.*region name such as cn-north-4`},
		"swr project_id empty":    {body: `swr { project_id = "" }`, want: `(?s)swr\.project_id.*at least 1`},
		"ucloud endpoint":         {body: `ucloud { endpoint = "api.ucloud.cn" }`, want: `(?s)Invalid URL.*ucloud \{ endpoint = "api.ucloud.cn" \}.*not\s+an\s+absolute`},
		"ucloud project_id empty": {body: `ucloud { project_id = "" }`, want: `(?s)ucloud\.project_id.*at least 1`},
		"ppio endpoint":           {body: `ppio { endpoint = "/gpus" }`, want: `(?s)Invalid URL.*ppio \{ endpoint = "/gpus" \}.*not\s+an\s+absolute`},
	}
	expectProviderErrors(t, "registry_ppio_images", cases)
}

// An unreadable or empty ca_cert_file is refused when the provider is
// configured, with the argument named.
func TestProviderRejectsUnusableCACertFile(t *testing.T) {
	t.Parallel()
	notPEM := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := map[string]providerErrorCase{}
	for name, file := range map[string]string{"missing": filepath.Join(t.TempDir(), "nope.pem"), "not PEM": notPEM} {
		cases[name] = providerErrorCase{body: fmt.Sprintf("ca_cert_file = %q", file), want: `Cannot load ca_cert_file.*ca_cert_file`}
	}
	expectProviderErrors(t, "registry_ppio_images", cases)
}

// TestPrivateCloudWithItsOwnCA serves the fakes over TLS with a certificate
// no system trusts: without ca_cert_file the read fails on the certificate
// (TLS verification is always on); with it, every tag arrives.
func TestPrivateCloudWithItsOwnCA(t *testing.T) {
	t.Parallel()
	fc := fakecloud.New()
	fc.SWR.GenerateTags("team", "web", 250) // three pages of 100 (WithSWRPageSize), over several TLS connections
	srv := httptest.NewTLSServer(fc)
	t.Cleanup(srv.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	config := func(extra string) string {
		return swrProvider(extra, fakecloud.DefaultSWRSecretKey, srv.URL, srv.URL) +
			testDataBlock("registry_swr_tags", "namespace  = \"team\"\nrepository = \"web\"")
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(nil, WithSWRPageSize(100)),
		Steps: []resource.TestStep{
			{
				Config:      config(""),
				ExpectError: regexp.MustCompile(`(?s)Huawei Cloud SWR KeystoneListProjects failed.*certificate`),
			},
			{
				Config: config(fmt.Sprintf("ca_cert_file = %q", caFile)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(swrAddr, tfjsonpath.New("tags"), knownvalue.ListSizeExact(250)),
				},
			},
		},
	})
}

// wrapped is a regular expression matching text however Terraform wraps
// its lines.
func wrapped(text string) string {
	return strings.ReplaceAll(regexp.QuoteMeta(text), " ", `\s+`)
}

// Settings from the environment get the checks HCL gets, with the same
// ranges, and the diagnostic names the variable and the range.
func TestProviderChecksSettingsFromEnvironment(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		env  testEnv
		want string
	}{
		"max_retries too many": {testEnv{envMaxRetries: "1000000"},
			`REGISTRY_MAX_RETRIES=1000000 is out of range: it must be between 0 and 20 (retries of a failing request after the first attempt).`},
		"max_retries negative": {testEnv{envMaxRetries: "-1"},
			`REGISTRY_MAX_RETRIES=-1 is out of range: it must be between 0 and 20`},
		"max_retries not a number": {testEnv{envMaxRetries: "many"},
			`REGISTRY_MAX_RETRIES="many" is not a whole number: it must be between 0 and 20`},
		"max_concurrency too many": {testEnv{envMaxConcurrency: "100000"},
			`REGISTRY_MAX_CONCURRENCY=100000 is out of range: it must be between 1 and 32 (the number of pages fetched at once).`},
		"max_concurrency zero": {testEnv{envMaxConcurrency: "0"},
			`REGISTRY_MAX_CONCURRENCY=0 is out of range: it must be between 1 and 32 (the number of pages fetched at once).`},
		"request_timeout zero": {testEnv{envRequestTimeout: "0s"},
			`REGISTRY_REQUEST_TIMEOUT="0s" is not a positive duration; write it like "30s"`},
		"request_timeout negative": {testEnv{envRequestTimeout: "-5s"},
			`REGISTRY_REQUEST_TIMEOUT="-5s" is not a positive duration`},
		"request_timeout not a duration": {testEnv{envRequestTimeout: "soon"},
			`REGISTRY_REQUEST_TIMEOUT="soon" is not a positive duration`},
	}
	wantErrs := map[string]providerErrorCase{}
	for name, tc := range cases {
		wantErrs[name] = providerErrorCase{env: tc.env, want: `Invalid\s+REGISTRY_[A-Z_]+.*` + wrapped(tc.want)}
	}
	expectProviderErrors(t, "registry_ppio_images", wantErrs)
}

// The bounds themselves are accepted from the environment, as in HCL: a
// provider at the lowest and one at the highest, each with its own fake.
func TestProviderAcceptsSettingsFromEnvironmentAtTheirBounds(t *testing.T) {
	t.Parallel()
	bounds := func(name string, settings testEnv) stepCase {
		return stepCase{
			name: name,
			env: func(url string) testEnv {
				env := maps.Clone(settings)
				env[envPPIOAPIKey], env[envPPIOEndpoint] = fakecloud.DefaultPPIOAPIKey, url
				return env
			},
			step: func(_ *testing.T, fc *fakecloud.Cloud, _ string) resource.TestStep {
				fc.PPIO.GenerateImages(3)
				return resource.TestStep{
					Config:            "provider \"registry\" {}\ndata \"registry_ppio_images\" \"test\" {}\n",
					ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images"), knownvalue.ListSizeExact(3))},
				}
			},
		}
	}
	runStepCases(t, []stepCase{
		bounds("lowest", testEnv{envMaxRetries: "0", envMaxConcurrency: "1"}),
		bounds("highest", testEnv{envMaxRetries: "20", envMaxConcurrency: "32", envRequestTimeout: "2m"}),
	})
}
