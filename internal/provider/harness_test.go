package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
)

// The protocol harness: tests and benchmarks that talk to the provider
// the way Terraform does, RPC by RPC, without a terraform binary.

// harness drives one provider server through the protocol.
type harness struct {
	tb      testing.TB
	ctx     context.Context
	server  tfprotov6.ProviderServer
	schemas *tfprotov6.GetProviderSchemaResponse
}

// noEnv is an empty environment: with WithGetenv(noEnv) a provider reads
// only its configuration, whatever the process environment holds, so tests
// using it may run in parallel.
func noEnv(string) string { return "" }

// newHarness starts a server from factory (NewServer(…) or
// frameworkServer(…)) and fetches its schemas. ctx is the context of
// every RPC; give it a tflogtest logger to capture the provider's log.
func newHarness(tb testing.TB, ctx context.Context, factory func() (tfprotov6.ProviderServer, error)) *harness {
	tb.Helper()
	server, err := factory()
	if err != nil {
		tb.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		tb.Fatal(err)
	}
	return &harness{tb: tb, ctx: ctx, server: server, schemas: schemas}
}

// frameworkServer is the plain framework server of New: every read goes
// through the data sources' framework Read.
func frameworkServer(version string, opts ...Option) func() (tfprotov6.ProviderServer, error) {
	return providerserver.NewProtocol6WithError(New(version, opts...)())
}

// tfString is a known string value.
func tfString(v string) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }

// providerType is the type of the provider block.
func (h *harness) providerType() tftypes.Object {
	return h.schemas.Provider.ValueType().(tftypes.Object)
}

// block is the provider's block name with the given arguments, the others null.
func (h *harness) block(name string, attrs map[string]tftypes.Value) tftypes.Value {
	return nullObject(h.providerType().AttributeTypes[name].(tftypes.Object), attrs)
}

// configure sends ConfigureProvider with the given arguments and blocks,
// the others null, and fails the test on any diagnostic.
func (h *harness) configure(attrs map[string]tftypes.Value) {
	h.tb.Helper()
	pt := h.providerType()
	config, err := tfprotov6.NewDynamicValue(pt, nullObject(pt, attrs))
	if err != nil {
		h.tb.Fatal(err)
	}
	resp, err := h.server.ConfigureProvider(h.ctx, &tfprotov6.ConfigureProviderRequest{Config: &config})
	if err != nil {
		h.tb.Fatalf("configure: %v", err)
	}
	if len(resp.Diagnostics) > 0 {
		h.tb.Fatalf("configure: %v", diagnosticsText(resp.Diagnostics))
	}
}

// fakeBlocks are the three clouds' blocks pointing at the fakes at url
// with the fakes' credentials (SWR's project given, so no IAM lookup).
func (h *harness) fakeBlocks(url string) map[string]tftypes.Value {
	return map[string]tftypes.Value{
		"swr": h.block("swr", map[string]tftypes.Value{
			"region": tfString(fakecloud.DefaultSWRRegion), "endpoint": tfString(url), "iam_endpoint": tfString(url),
			"project_id": tfString(fakecloud.DefaultSWRProjectID),
			"access_key": tfString(fakecloud.DefaultSWRAccessKey), "secret_key": tfString(fakecloud.DefaultSWRSecretKey),
		}),
		"ucloud": h.block("ucloud", map[string]tftypes.Value{
			"endpoint":   tfString(url),
			"public_key": tfString(fakecloud.DefaultUCloudPublicKey), "private_key": tfString(fakecloud.DefaultUCloudPrivateKey),
		}),
		"ppio": h.block("ppio", map[string]tftypes.Value{"endpoint": tfString(url), "api_key": tfString(fakecloud.DefaultPPIOAPIKey)}),
	}
}

// dataSourceType is the type of a data source's configuration and state.
func (h *harness) dataSourceType(typeName string) tftypes.Object {
	h.tb.Helper()
	s, ok := h.schemas.DataSourceSchemas[typeName]
	if !ok {
		h.tb.Fatalf("no data source %s", typeName)
	}
	return s.ValueType().(tftypes.Object)
}

// dataSourceConfig is typeName's configuration with the given arguments,
// the others null.
func (h *harness) dataSourceConfig(typeName string, attrs map[string]tftypes.Value) *tfprotov6.DynamicValue {
	h.tb.Helper()
	dt := h.dataSourceType(typeName)
	config, err := tfprotov6.NewDynamicValue(dt, nullObject(dt, attrs))
	if err != nil {
		h.tb.Fatal(err)
	}
	return &config
}

// read sends ReadDataSource; an RPC error fails the test, diagnostics are
// the caller's to check.
func (h *harness) read(typeName string, config *tfprotov6.DynamicValue) *tfprotov6.ReadDataSourceResponse {
	h.tb.Helper()
	resp, err := h.server.ReadDataSource(h.ctx, &tfprotov6.ReadDataSourceRequest{TypeName: typeName, Config: config})
	if err != nil {
		h.tb.Fatalf("read %s: %v", typeName, err)
	}
	return resp
}

// readState reads and decodes the state against the schema; any
// diagnostic fails the test.
func (h *harness) readState(typeName string, config *tfprotov6.DynamicValue) tftypes.Value {
	h.tb.Helper()
	resp := h.read(typeName, config)
	if len(resp.Diagnostics) > 0 {
		h.tb.Fatalf("read %s: %v", typeName, diagnosticsText(resp.Diagnostics))
	}
	v, err := resp.State.Unmarshal(h.dataSourceType(typeName))
	if err != nil {
		h.tb.Fatalf("%s: the state does not decode against the schema: %v", typeName, err)
	}
	return v
}

// diagnosticsText lists diagnostics for a failure message.
func diagnosticsText(diags []*tfprotov6.Diagnostic) []string {
	var out []string
	for _, d := range diags {
		out = append(out, d.Summary+": "+d.Detail)
	}
	return out
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
