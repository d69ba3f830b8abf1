package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
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

// args are the arguments of a block as a table row writes them: a string,
// an int, a bool, or args for a nested block; the harness gives each the
// type the schema has for it, and every argument not given is null.
type args map[string]any

// value is v as a value of type t.
func (h *harness) value(t tftypes.Type, v any) tftypes.Value {
	h.tb.Helper()
	switch v := v.(type) {
	case tftypes.Value:
		return v
	case string:
		return tftypes.NewValue(tftypes.String, v)
	case int:
		return tftypes.NewValue(tftypes.Number, v)
	case bool:
		return tftypes.NewValue(tftypes.Bool, v)
	case args:
		ot, ok := t.(tftypes.Object)
		if !ok {
			h.tb.Fatalf("a block of arguments %v where the schema has a %s", v, t)
		}
		vals := make(map[string]tftypes.Value, len(v))
		for name, x := range v {
			at, ok := ot.AttributeTypes[name]
			if !ok {
				h.tb.Fatalf("no argument %q in %s", name, ot)
			}
			vals[name] = h.value(at, x)
		}
		return nullObject(ot, vals)
	}
	h.tb.Fatalf("an argument of Go type %T", v)
	return tftypes.Value{}
}

// plan reads a data source as Terraform's plan does, RPC by RPC, up to
// the first that gives an error: ValidateProviderConfig,
// ValidateDataResourceConfig, ConfigureProvider, then ReadDataSource.
// provider and data are the arguments of the provider block and of the
// typeName block. It returns the state read, decoded against the schema,
// or the diagnostics of the RPC that failed.
func (h *harness) plan(provider args, typeName string, data args) (map[string]tftypes.Value, []*tfprotov6.Diagnostic) {
	h.tb.Helper()
	pt := h.providerType()
	pv, err := tfprotov6.NewDynamicValue(pt, h.value(pt, provider))
	if err != nil {
		h.tb.Fatal(err)
	}
	dt := h.dataSourceType(typeName)
	dv, err := tfprotov6.NewDynamicValue(dt, h.value(dt, data))
	if err != nil {
		h.tb.Fatal(err)
	}
	vp, err := h.server.ValidateProviderConfig(h.ctx, &tfprotov6.ValidateProviderConfigRequest{Config: &pv})
	if failed(h.tb, "ValidateProviderConfig", vp, err) {
		return nil, vp.Diagnostics
	}
	vd, err := h.server.ValidateDataResourceConfig(h.ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: typeName, Config: &dv})
	if failed(h.tb, "ValidateDataResourceConfig", vd, err) {
		return nil, vd.Diagnostics
	}
	cp, err := h.server.ConfigureProvider(h.ctx, &tfprotov6.ConfigureProviderRequest{Config: &pv})
	if failed(h.tb, "ConfigureProvider", cp, err) {
		return nil, cp.Diagnostics
	}
	rd, err := h.server.ReadDataSource(h.ctx, &tfprotov6.ReadDataSourceRequest{TypeName: typeName, Config: &dv})
	if failed(h.tb, "ReadDataSource", rd, err) {
		return nil, rd.Diagnostics
	}
	v, err := rd.State.Unmarshal(dt)
	if err != nil {
		h.tb.Fatalf("%s: the state does not decode against the schema: %v", typeName, err)
	}
	var state map[string]tftypes.Value
	if err := v.As(&state); err != nil {
		h.tb.Fatal(err)
	}
	return state, nil
}

// expectDiagnostic fails the test unless one of diags, as "summary:
// detail", matches want, and, when at is not empty, is about the argument
// at that path (as pathText writes it). want means what it says: it
// matches across lines only where it says (?s).
func expectDiagnostic(tb testing.TB, diags []*tfprotov6.Diagnostic, want, at string) {
	tb.Helper()
	if len(diags) == 0 {
		tb.Fatalf("no error; want one matching %q", want)
	}
	re := regexp.MustCompile(want)
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError && re.MatchString(d.Summary+": "+d.Detail) && (at == "" || pathText(d.Attribute) == at) {
			return
		}
	}
	var got []string
	for _, d := range diags {
		got = append(got, fmt.Sprintf("%s (at %q)", d.Summary+": "+d.Detail, pathText(d.Attribute)))
	}
	where := ""
	if at != "" {
		where = " at " + at
	}
	tb.Errorf("no error%s matches %q; got:\n%s", where, want, strings.Join(got, "\n"))
}

// pathText is an attribute path as Terraform's configuration writes it:
// swr.endpoint.
func pathText(p *tftypes.AttributePath) string {
	if p == nil {
		return ""
	}
	var parts []string
	for _, s := range p.Steps() {
		switch s := s.(type) {
		case tftypes.AttributeName:
			parts = append(parts, string(s))
		case tftypes.ElementKeyInt:
			parts = append(parts, fmt.Sprint(int64(s)))
		case tftypes.ElementKeyString:
			parts = append(parts, string(s))
		default:
			parts = append(parts, fmt.Sprint(s))
		}
	}
	return strings.Join(parts, ".")
}

// failed is whether an RPC gave an error diagnostic; an RPC error fails
// the test.
func failed[R interface {
	*tfprotov6.ValidateProviderConfigResponse | *tfprotov6.ValidateDataResourceConfigResponse |
		*tfprotov6.ConfigureProviderResponse | *tfprotov6.ReadDataSourceResponse
}](tb testing.TB, what string, resp R, err error) bool {
	tb.Helper()
	if err != nil {
		tb.Fatalf("%s: %v", what, err)
	}
	var diags []*tfprotov6.Diagnostic
	switch r := any(resp).(type) {
	case *tfprotov6.ValidateProviderConfigResponse:
		diags = r.Diagnostics
	case *tfprotov6.ValidateDataResourceConfigResponse:
		diags = r.Diagnostics
	case *tfprotov6.ConfigureProviderResponse:
		diags = r.Diagnostics
	case *tfprotov6.ReadDataSourceResponse:
		diags = r.Diagnostics
	}
	return slices.ContainsFunc(diags, func(d *tfprotov6.Diagnostic) bool { return d.Severity == tfprotov6.DiagnosticSeverityError })
}

// attrsOf reads a data source through the protocol and returns its
// state's top-level attributes; a diagnostic fails t.
func attrsOf(t *testing.T, h *harness, typeName string, args map[string]tftypes.Value) map[string]tftypes.Value {
	t.Helper()
	var out map[string]tftypes.Value
	if err := h.readState(typeName, h.dataSourceConfig(typeName, args)).As(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// errorsOf reads a data source that must fail and returns its
// diagnostics as text; a read that succeeds fails t.
func errorsOf(t *testing.T, h *harness, typeName string, args map[string]tftypes.Value) string {
	t.Helper()
	resp := h.read(typeName, h.dataSourceConfig(typeName, args))
	if len(resp.Diagnostics) == 0 {
		t.Fatalf("read %s %v succeeded, want an error", typeName, args)
	}
	return strings.Join(diagnosticsText(resp.Diagnostics), "\n")
}
