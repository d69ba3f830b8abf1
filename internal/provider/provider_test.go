package provider

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
)

func TestMain(m *testing.M) {
	// Terraform must never phone home or download anything from the tests.
	// Set once, before any test runs: tests give their provider its own
	// environment (testEnv) and so run in parallel.
	_ = os.Setenv("CHECKPOINT_DISABLE", "1")
	os.Exit(m.Run())
}

// testEnv is the environment one test's provider reads in place of the
// process's (WithGetenv): tests set it without t.Setenv, so they run in
// parallel, and a developer's own HW_*, UCLOUD_* or PPIO_* credentials
// never reach a test. nil is an empty environment. Set it up before the
// provider runs; it is only read afterwards.
type testEnv map[string]string

func (e testEnv) get(name string) string { return e[name] }

// testServer serves the provider in-process, reading env for its
// environment; retries wait milliseconds. opts come after the defaults.
func testServer(env testEnv, opts ...Option) func() (tfprotov6.ProviderServer, error) {
	return NewServer("test", append([]Option{WithRetryWait(time.Millisecond, 10*time.Millisecond), WithGetenv(env.get)}, opts...)...)
}

// testFactories are the provider factories of a test case with one
// provider, registry, served by testServer.
func testFactories(env testEnv, opts ...Option) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){"registry": testServer(env, opts...)}
}

// startFake serves the fake clouds for one test.
func startFake(t *testing.T) (*fakecloud.Cloud, string) {
	t.Helper()
	fc, srv := fakecloud.Start(t)
	return fc, srv.URL
}

// clearCloudEnv empties, for one serial test, every variable the provider
// reads, so that a provider reading the process environment
// (WithGetenv(os.Getenv)) sees only what the test sets, never a
// developer's own credentials.
func clearCloudEnv(t *testing.T) {
	t.Helper()
	for _, env := range []string{
		envMaxRetries, envRequestTimeout, envMaxConcurrency, envCACertFile,
		envPPIOAPIKey, envPPIOEndpoint,
		envUCloudPublicKey, envUCloudPrivateKey, envUCloudProjectID, envUCloudEndpoint,
		envHWRegion, envHWAccessKey, envHWSecretKey, envHWSecurityToken, envHWAuthToken,
		envHWProjectID, envHWSWREndpoint, envHWIAMEndpoint,
	} {
		t.Setenv(env, "")
	}
}

// swrProviderConfig points the provider's swr block at the fake.
func swrProviderConfig(url, secretKey string) string {
	return swrProvider("max_retries = 3", secretKey, url, url)
}

// swrProvider is a provider block with settings (top-level arguments) and
// an swr block: the fake's region and access key, secretKey, SWR at swrURL
// and IAM at iamURL.
func swrProvider(settings, secretKey, swrURL, iamURL string) string {
	return fmt.Sprintf(`
provider "registry" {
  %s
  swr {
    region       = %q
    access_key   = %q
    secret_key   = %q
    endpoint     = %q
    iam_endpoint = %q
  }
}
`, settings, fakecloud.DefaultSWRRegion, fakecloud.DefaultSWRAccessKey, secretKey, swrURL, iamURL)
}

// testDataBlock is a dataType block labelled "test", holding body.
func testDataBlock(dataType, body string) string {
	return fmt.Sprintf("\ndata %q \"test\" {\n%s\n}\n", dataType, body)
}

// requestSpy records the parameters (query and form) of every request that
// reaches the fakes and that match picks, letting each through: it shows
// what the provider asked the service for.
type requestSpy struct {
	mu     sync.Mutex
	params []url.Values
}

func spyRequests(fc *fakecloud.Cloud, match func(*http.Request, url.Values) bool) *requestSpy {
	s := &requestSpy{}
	fc.RewriteEvery(fakecloud.Rewrite{Match: func(r *http.Request, p url.Values) bool {
		if match(r, p) {
			s.mu.Lock()
			s.params = append(s.params, p)
			s.mu.Unlock()
		}
		return false // observe only
	}})
	return s
}

func (s *requestSpy) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.params = nil
}

// all is a copy of the parameters recorded so far.
func (s *requestSpy) all() []url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.params)
}

// expect checks that requests were made and that each carried these
// parameters ("" meaning absent or empty).
func (s *requestSpy) expect(want map[string]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		params := s.all()
		if len(params) == 0 {
			return fmt.Errorf("no request reached the fake")
		}
		for i, p := range params {
			for k, v := range want {
				if got := p.Get(k); got != v {
					return fmt.Errorf("request %d: %s = %q, want %q (%s)", i, k, got, v, p.Encode())
				}
			}
		}
		return nil
	}
}

// badTimeout is the plan-time error every data source gives for a
// timeouts { read } that is not a duration.
var badTimeout = `(?s)Invalid\s+Attribute\s+Value\s+Time\s+Duration.*"soon"\s+must\s+be\s+a\s+string\s+containing`

// notPositiveTimeout is the plan-time error for a timeouts duration that
// parses but is zero or negative (value is its quoted form, as a regexp).
func notPositiveTimeout(attr, value string) string {
	return `(?s)Invalid\s+duration.*timeouts\.` + attr + `\s+=\s+"` + value + `"\s+is\s+not\s+a\s+positive\s+duration.*zero\s+or\s+less`
}

// listOf checks a list of objects whose attr, in order, are these values
// (the other attributes are checked elsewhere).
func listOf(attr string, values ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(values))
	for i, v := range values {
		checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{attr: knownvalue.StringExact(v)})
	}
	return knownvalue.ListExact(checks)
}
