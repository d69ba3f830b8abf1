package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/registry-tools/terraform-provider-registry/internal/statecodec"
)

// The acceptance tests serve the provider as main does: with statecodec's
// gRPC codec, which sends a large state without gRPC's copy of it.
func init() { statecodec.Register() }

// TestLargeStateReachesTerraform: a listing whose state is well over the
// size from which statecodec sends it as is (3,000 tags, every tenth an
// index) reaches Terraform whole and in order: the count, the newest tag
// (an index, with its platforms), the oldest, and latest.
func TestLargeStateReachesTerraform(t *testing.T) {
	t.Parallel()
	fc, url := startFake(t)
	// v2999.0.0 and v2998.0.0 share the newest time; v0.0.0 is the oldest.
	fc.SWR.GenerateMixedTags("team", "big", 3000, 10)

	// The same read through the protocol: the state must be over
	// statecodec's threshold, or this test would not go through it.
	h := newHarness(t, context.Background(), testServer(nil))
	h.configure(h.fakeBlocks(url))
	resp := h.read("registry_swr_tags", h.dataSourceConfig("registry_swr_tags", map[string]tftypes.Value{
		"namespace": tfString("team"), "repository": tfString("big"),
	}))
	if resp.State == nil {
		t.Fatalf("no state: %v", diagnosticsText(resp.Diagnostics))
	}
	if n := len(resp.State.MsgPack); n < 2*statecodec.MinState {
		t.Fatalf("the state is %d bytes, not large enough to go through statecodec", n)
	}

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(nil),
		Steps: []resource.TestStep{{
			Config: swrTagsConfig(url, `
  namespace  = "team"
  repository = "big"`) + `
output "summary" {
  value = {
    count     = length(data.registry_swr_tags.test.tags)
    total     = data.registry_swr_tags.test.total_count
    newest    = data.registry_swr_tags.test.tags[0].tag
    platforms = [for p in data.registry_swr_tags.test.tags[0].platforms : "${p.os}/${p.architecture}"]
    second    = data.registry_swr_tags.test.tags[1].tag
    oldest    = data.registry_swr_tags.test.tags[2999].tag
    latest    = data.registry_swr_tags.test.latest.tag
  }
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("summary", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"count":  knownvalue.Int64Exact(3000),
					"total":  knownvalue.Int64Exact(3000),
					"newest": knownvalue.StringExact("v2999.0.0"),
					"platforms": knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("linux/amd64"), knownvalue.StringExact("linux/arm64"),
					}),
					"second": knownvalue.StringExact("v2998.0.0"),
					"oldest": knownvalue.StringExact("v0.0.0"),
					"latest": knownvalue.StringExact("v2999.0.0"),
				})),
			},
		}},
	})
}
