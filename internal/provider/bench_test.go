package provider

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
)

// BenchmarkSWRTagsReadToState is the provider's whole share of a plan over
// 10,000 tags: the gRPC-level ReadDataSource, from the config Terraform
// sends to the msgpack state it gets back, with the fake at no latency.
func BenchmarkSWRTagsReadToState(b *testing.B) {
	fc := fakecloud.New()
	fc.SWR.GenerateTags("bench", "web", 10000)
	srv := httptest.NewServer(fc)
	defer srv.Close()
	b.Setenv(envHWProjectID, fakecloud.DefaultSWRProjectID)

	ctx := context.Background()
	server, err := NewServer("bench")()
	if err != nil {
		b.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	providerType := schemas.Provider.ValueType()
	providerConfig := nullObject(providerType.(tftypes.Object), map[string]tftypes.Value{
		"swr": tftypes.NewValue(providerType.(tftypes.Object).AttributeTypes["swr"], map[string]tftypes.Value{
			"region":         tftypes.NewValue(tftypes.String, fakecloud.DefaultSWRRegion),
			"access_key":     tftypes.NewValue(tftypes.String, fakecloud.DefaultSWRAccessKey),
			"secret_key":     tftypes.NewValue(tftypes.String, fakecloud.DefaultSWRSecretKey),
			"security_token": tftypes.NewValue(tftypes.String, nil),
			"auth_token":     tftypes.NewValue(tftypes.String, nil),
			"project_id":     tftypes.NewValue(tftypes.String, nil),
			"endpoint":       tftypes.NewValue(tftypes.String, srv.URL),
			"iam_endpoint":   tftypes.NewValue(tftypes.String, srv.URL),
		}),
	})
	dv, err := tfprotov6.NewDynamicValue(providerType, providerConfig)
	if err != nil {
		b.Fatal(err)
	}
	if resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &dv}); err != nil || len(resp.Diagnostics) > 0 {
		b.Fatalf("configure: %v %v", err, resp.Diagnostics)
	}

	dsType := schemas.DataSourceSchemas["registry_swr_tags"].ValueType().(tftypes.Object)
	config, err := tfprotov6.NewDynamicValue(dsType, nullObject(dsType, map[string]tftypes.Value{
		"namespace":  tftypes.NewValue(tftypes.String, "bench"),
		"repository": tftypes.NewValue(tftypes.String, "web"),
	}))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		resp, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "registry_swr_tags", Config: &config})
		if err != nil || len(resp.Diagnostics) > 0 {
			b.Fatalf("read: %v %v", err, resp.Diagnostics[0])
		}
	}
}

// nullObject is an object of type t with the given attributes and every
// other attribute null.
func nullObject(t tftypes.Object, set map[string]tftypes.Value) tftypes.Value {
	vals := make(map[string]tftypes.Value, len(t.AttributeTypes))
	for name, at := range t.AttributeTypes {
		if v, ok := set[name]; ok {
			vals[name] = v
		} else {
			vals[name] = tftypes.NewValue(at, nil)
		}
	}
	return tftypes.NewValue(t, vals)
}
