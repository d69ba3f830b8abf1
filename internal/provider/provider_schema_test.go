package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
)

// TestProviderBlocksNameWhatTheyServe: each cloud's provider block says
// which data sources and ephemeral resources it configures, so a new one
// cannot be added without the block's documentation (docs/index.md) naming
// it.
func TestProviderBlocksNameWhatTheyServe(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := newProvider("test")
	var sresp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &sresp)
	var names []string
	for _, f := range p.DataSources(ctx) {
		var r datasource.MetadataResponse
		f().Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "registry"}, &r)
		names = append(names, r.TypeName)
	}
	for _, f := range p.EphemeralResources(ctx) {
		var r ephemeral.MetadataResponse
		f().Metadata(ctx, ephemeral.MetadataRequest{ProviderTypeName: "registry"}, &r)
		names = append(names, r.TypeName)
	}
	blockOf := map[string]string{"registry_swr_": "swr", "registry_ucloud_": "ucloud", "registry_ppio_": "ppio"}
	for _, name := range names {
		served := false
		for prefix, block := range blockOf {
			if !strings.HasPrefix(name, prefix) {
				continue
			}
			served = true
			desc := sresp.Schema.Blocks[block].(schema.SingleNestedBlock).MarkdownDescription
			if !strings.Contains(desc, "`"+name+"`") {
				t.Errorf("the provider's %s block does not name %s, which it configures: %q", block, name, desc)
			}
		}
		if !served {
			t.Errorf("%s belongs to no cloud's provider block", name)
		}
	}
	// And a block names nothing it does not serve.
	for prefix, block := range blockOf {
		desc := sresp.Schema.Blocks[block].(schema.SingleNestedBlock).MarkdownDescription
		for _, other := range names {
			if !strings.HasPrefix(other, prefix) && strings.Contains(desc, "`"+other+"`") {
				t.Errorf("the provider's %s block names %s, which another block configures: %q", block, other, desc)
			}
		}
	}
}
