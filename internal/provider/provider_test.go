package provider

import (
	"fmt"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
)

func TestMain(m *testing.M) {
	// Terraform must never phone home or download anything from the tests.
	_ = os.Setenv("CHECKPOINT_DISABLE", "1")
	os.Exit(m.Run())
}

// testFactories serve the provider in-process; retries wait milliseconds.
func testFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"registry": NewServer("test", WithRetryWait(time.Millisecond, 10*time.Millisecond)),
	}
}

// startFake serves the fake clouds for one test.
func startFake(t *testing.T) (*fakecloud.Cloud, string) {
	t.Helper()
	fc := fakecloud.New()
	srv := httptest.NewServer(fc)
	t.Cleanup(srv.Close)
	return fc, srv.URL
}

// clearCloudEnv keeps the developer's own credentials out of a test.
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
	return fmt.Sprintf(`
provider "registry" {
  max_retries = 3
  swr {
    region       = %q
    access_key   = %q
    secret_key   = %q
    endpoint     = %q
    iam_endpoint = %q
  }
}
`, fakecloud.DefaultSWRRegion, fakecloud.DefaultSWRAccessKey, secretKey, url, url)
}
