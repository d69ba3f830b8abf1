package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
)

// TestDirectReadMatchesFramework reads each listing data source through
// NewServer (msgpack written directly) and through the plain framework
// server (its Read decoding the same state): Terraform must get the same
// value either way, and the value must decode against the schema.
func TestDirectReadMatchesFramework(t *testing.T) {
	clearCloudEnv(t)
	fc, url := startFake(t)
	fc.SWR.GenerateTags("team", "web", 1100)
	fc.UHub.GenerateImages("shop", 45)
	fc.PPIO.GenerateImages(60)
	ctx := context.Background()

	direct, err := NewServer("test")()
	if err != nil {
		t.Fatal(err)
	}
	framework, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := direct.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	pt := schemas.Provider.ValueType().(tftypes.Object)
	str := func(v string) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }
	block := func(name string, attrs map[string]tftypes.Value) tftypes.Value {
		return nullObject(pt.AttributeTypes[name].(tftypes.Object), attrs)
	}
	providerConfig, err := tfprotov6.NewDynamicValue(pt, nullObject(pt, map[string]tftypes.Value{
		"swr": block("swr", map[string]tftypes.Value{"region": str(fakecloud.DefaultSWRRegion), "endpoint": str(url), "iam_endpoint": str(url),
			"access_key": str(fakecloud.DefaultSWRAccessKey), "secret_key": str(fakecloud.DefaultSWRSecretKey)}),
		"ucloud": block("ucloud", map[string]tftypes.Value{"endpoint": str(url),
			"public_key": str(fakecloud.DefaultUCloudPublicKey), "private_key": str(fakecloud.DefaultUCloudPrivateKey)}),
		"ppio": block("ppio", map[string]tftypes.Value{"endpoint": str(url), "api_key": str(fakecloud.DefaultPPIOAPIKey)}),
	}))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []tfprotov6.ProviderServer{direct, framework} {
		if resp, err := s.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &providerConfig}); err != nil || len(resp.Diagnostics) > 0 {
			t.Fatalf("configure: %v %v", err, resp.Diagnostics)
		}
	}

	timeouts := func(dt tftypes.Object) tftypes.Value {
		tt := dt.AttributeTypes["timeouts"].(tftypes.Object)
		return tftypes.NewValue(tt, map[string]tftypes.Value{"read": str("3m")})
	}
	reads := map[string]func(dt tftypes.Object) map[string]tftypes.Value{
		"registry_swr_tags": func(dt tftypes.Object) map[string]tftypes.Value {
			return map[string]tftypes.Value{"namespace": str("team"), "repository": str("web"), "tag_regex": str("^v1"),
				"include_manifest": tftypes.NewValue(tftypes.Bool, true), "timeouts": timeouts(dt)}
		},
		"registry_ucloud_repo_images": func(dt tftypes.Object) map[string]tftypes.Value {
			return map[string]tftypes.Value{"repo_name": str("shop"), "name_regex": str("0[0-3]$"), "timeouts": timeouts(dt)}
		},
		"registry_ppio_images": func(dt tftypes.Object) map[string]tftypes.Value {
			return map[string]tftypes.Value{"name": str("torch"), "timeouts": timeouts(dt)}
		},
	}
	for typeName, attrs := range reads {
		t.Run(typeName, func(t *testing.T) {
			dt := schemas.DataSourceSchemas[typeName].ValueType().(tftypes.Object)
			config, err := tfprotov6.NewDynamicValue(dt, nullObject(dt, attrs(dt)))
			if err != nil {
				t.Fatal(err)
			}
			var states []tftypes.Value
			for _, s := range []tfprotov6.ProviderServer{direct, framework} {
				resp, err := s.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: typeName, Config: &config})
				if err != nil || len(resp.Diagnostics) > 0 {
					t.Fatalf("read: %v %v", err, resp.Diagnostics)
				}
				v, err := resp.State.Unmarshal(dt)
				if err != nil {
					t.Fatalf("state does not decode against the schema: %v", err)
				}
				states = append(states, v)
			}
			if !states[0].Equal(states[1]) {
				diffs, _ := states[0].Diff(states[1])
				t.Fatalf("the direct and framework states differ: %v", diffs)
			}
			var top map[string]tftypes.Value
			if err := states[0].As(&top); err != nil {
				t.Fatal(err)
			}
			var list []tftypes.Value
			listAttr := map[string]string{"registry_swr_tags": "tags"}[typeName]
			if listAttr == "" {
				listAttr = "images"
			}
			if err := top[listAttr].As(&list); err != nil || len(list) == 0 {
				t.Fatalf("%s is empty (%v): the comparison proves nothing", listAttr, err)
			}
			if !top["timeouts"].Equal(attrs(dt)["timeouts"]) {
				t.Fatalf("timeouts not echoed from the configuration: %v", top["timeouts"])
			}
		})
	}
}
