package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// badStrings are values some argument refuses: each must be told once.
var badStrings = []string{"", " ", strings.Repeat("x", 300), "Not A/Name:@", "-x-"}

// Every string argument of every data source and of the provider tells one
// mistake once: an empty namespace, say, is not both too short and against
// the naming rule. Each argument is validated alone, through the protocol.
func TestEveryArgumentRefusesABadValueOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t, t.Context(), NewServer("test", WithGetenv(noEnv)))
	for typeName, s := range h.schemas.DataSourceSchemas {
		for _, a := range s.Block.Attributes {
			if a.Computed && !a.Optional || !a.Type.Is(tftypes.String) {
				continue
			}
			for _, value := range badStrings {
				resp, err := h.server.ValidateDataResourceConfig(h.ctx, &tfprotov6.ValidateDataResourceConfigRequest{
					TypeName: typeName,
					Config:   h.dataSourceConfig(typeName, map[string]tftypes.Value{a.Name: tfString(value)}),
				})
				if err != nil {
					t.Fatal(err)
				}
				var errs []string
				for _, d := range resp.Diagnostics {
					if d.Severity == tfprotov6.DiagnosticSeverityError && d.Attribute.Equal(tftypes.NewAttributePath().WithAttributeName(a.Name)) {
						errs = append(errs, d.Summary+": "+d.Detail)
					}
				}
				if len(errs) > 1 {
					t.Errorf("%s.%s = %q gives %d errors, want one:\n%s", typeName, a.Name, value, len(errs), strings.Join(errs, "\n"))
				}
			}
		}
	}

	// The provider's arguments, those of its blocks included.
	validateProvider := func(attrs map[string]tftypes.Value, at *tftypes.AttributePath, value string) {
		config, err := tfprotov6.NewDynamicValue(h.providerType(), nullObject(h.providerType(), attrs))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := h.server.ValidateProviderConfig(h.ctx, &tfprotov6.ValidateProviderConfigRequest{Config: &config})
		if err != nil {
			t.Fatal(err)
		}
		var errs []string
		for _, d := range resp.Diagnostics {
			if d.Severity == tfprotov6.DiagnosticSeverityError && d.Attribute.Equal(at) {
				errs = append(errs, d.Summary+": "+d.Detail)
			}
		}
		if len(errs) > 1 {
			t.Errorf("provider %s = %q gives %d errors, want one:\n%s", at, value, len(errs), strings.Join(errs, "\n"))
		}
	}
	for _, a := range h.schemas.Provider.Block.Attributes {
		if a.Type.Is(tftypes.String) {
			for _, value := range badStrings {
				validateProvider(map[string]tftypes.Value{a.Name: tfString(value)}, tftypes.NewAttributePath().WithAttributeName(a.Name), value)
			}
		}
	}
	for _, b := range h.schemas.Provider.Block.BlockTypes {
		for _, a := range b.Block.Attributes {
			if a.Type.Is(tftypes.String) {
				for _, value := range badStrings {
					validateProvider(map[string]tftypes.Value{b.TypeName: h.block(b.TypeName, map[string]tftypes.Value{a.Name: tfString(value)})},
						tftypes.NewAttributePath().WithAttributeName(b.TypeName).WithAttributeName(a.Name), value)
				}
			}
		}
	}
}
