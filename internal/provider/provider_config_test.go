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
