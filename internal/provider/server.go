package provider

// The direct read path: how Terraform's ReadDataSource reaches the listing
// data sources.
//
// What it answers: ReadDataSource for every data source that implements
// listingDataSource. Every other RPC, and the reads of any other data
// source, go to the framework's own server unchanged.
//
// Why: a listing's state can hold 10,000 objects. The framework would
// decode the configuration into attr.Values, have Read build a model of
// attr.Values, then convert, walk and copy each value several times over
// after Read returns (state conversion, semantic-equality pass). The
// direct path unmarshals the configuration once, with the schema type
// computed once per server; readState decodes its arguments from that
// value through its field table and writes the state straight to msgpack
// (stateEncoder), which the server returns as is.
//
// What it skips of the framework's ReadDataSource, and why that is safe:
//   - the automatic deferred response when Configure asked to defer: the
//     provider's Configure never does;
//   - the framework's per-read TRACE logging ("Calling provider defined
//     DataSource Read" and the like); the provider's own tflog lines and
//     terraform-plugin-go's request logging remain;
//   - the semantic-equality pass over the state: no attribute of these
//     schemas has a type with semantic equality;
//   - provider_meta: the provider declares none.
//
// How it stays equal to the schema: one field table per object (fields.go)
// gives both the schema attributes and the state encoder, and the encoder
// fails the read with a provider-bug diagnostic naming any object that got
// more or fewer attributes than it announced. The tests decode every
// listing's state against the schema and compare it with what the
// framework's own State.Set makes of the same data.
//
// Each listing data source also keeps the framework's Read (readListing):
// it serves New, the plain framework provider that providerserver or a mux
// can serve, and gives the tests a second route to the same state. main
// serves NewServer.

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// listingDataSource is a data source whose (possibly very large) state is
// written as msgpack directly; see stateEncoder.
type listingDataSource interface {
	datasource.DataSourceWithConfigure
	// readState lists and returns the state as msgpack, or diagnostics.
	// config is the configuration, an object of the schema's type.
	readState(ctx context.Context, config tftypes.Value) ([]byte, diag.Diagnostics)
}

// readListing is the framework Read of a listingDataSource: the same
// readState, its msgpack decoded for the framework.
func readListing(ctx context.Context, ds listingDataSource, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	state, diags := ds.readState(ctx, req.Config.Raw)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	v, err := (&tfprotov6.DynamicValue{MsgPack: state}).Unmarshal(req.Config.Schema.Type().TerraformType(ctx))
	if err != nil {
		resp.Diagnostics.AddError("Cannot encode state", "This is a bug in the provider; please report it: "+err.Error())
		return
	}
	resp.State.Raw = v
}

// NewServer is the provider's protocol 6 server: the framework's for every
// RPC, except ReadDataSource of the listing data sources, which it answers
// directly (see the top of this file).
func NewServer(version string, opts ...Option) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		ctx := context.Background()
		p := newProvider(version, opts...)
		framework, err := providerserver.NewProtocol6WithError(p)()
		if err != nil {
			return nil, err
		}
		s := &server{ProviderServer: framework, provider: p, listings: map[string]listing{}}
		for _, newDS := range p.DataSources(ctx) {
			ds, ok := newDS().(listingDataSource)
			if !ok {
				continue
			}
			var meta datasource.MetadataResponse
			ds.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: providerTypeName}, &meta)
			var sch datasource.SchemaResponse
			ds.Schema(ctx, datasource.SchemaRequest{}, &sch)
			s.listings[meta.TypeName] = listing{
				newDS:      func() listingDataSource { return newDS().(listingDataSource) },
				configType: sch.Schema.Type().TerraformType(ctx),
			}
		}
		return s, nil
	}
}

type server struct {
	tfprotov6.ProviderServer
	provider *registryProvider
	listings map[string]listing // by data source type name
}

// listing is what the server keeps of one listing data source.
type listing struct {
	newDS      func() listingDataSource
	configType tftypes.Type // the schema's, computed once
}

func (s *server) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	l, ok := s.listings[req.TypeName]
	if !ok {
		return s.ProviderServer.ReadDataSource(ctx, req)
	}
	config, err := req.Config.Unmarshal(l.configType)
	if err != nil {
		// A diagnostic, not an RPC error: Terraform shows it to the user.
		return &tfprotov6.ReadDataSourceResponse{Diagnostics: []*tfprotov6.Diagnostic{{ //nolint:nilerr
			Severity: tfprotov6.DiagnosticSeverityError, Summary: "Cannot read configuration",
			Detail: "This is a bug in the provider; please report it: " + err.Error(),
		}}}, nil
	}
	ds := l.newDS()
	var configureResp datasource.ConfigureResponse
	ds.Configure(ctx, datasource.ConfigureRequest{ProviderData: s.provider.data.Load()}, &configureResp)
	diags := configureResp.Diagnostics
	var state []byte
	if !diags.HasError() {
		var readDiags diag.Diagnostics
		state, readDiags = ds.readState(ctx, config)
		diags.Append(readDiags...)
	}
	resp := &tfprotov6.ReadDataSourceResponse{Diagnostics: toProtoDiagnostics(diags)}
	if !diags.HasError() {
		resp.State = &tfprotov6.DynamicValue{MsgPack: state}
	}
	return resp, nil
}

// toProtoDiagnostics converts diagnostics whose paths are attribute names.
func toProtoDiagnostics(diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	out := make([]*tfprotov6.Diagnostic, 0, len(diags))
	for _, d := range diags {
		pd := &tfprotov6.Diagnostic{Severity: tfprotov6.DiagnosticSeverityWarning, Summary: d.Summary(), Detail: d.Detail()}
		if d.Severity() == diag.SeverityError {
			pd.Severity = tfprotov6.DiagnosticSeverityError
		}
		if dp, ok := d.(diag.DiagnosticWithPath); ok {
			pd.Attribute = attributePath(dp.Path())
		}
		out = append(out, pd)
	}
	return out
}

func attributePath(p path.Path) *tftypes.AttributePath {
	ap := tftypes.NewAttributePath()
	for _, step := range p.Steps() {
		switch s := step.(type) {
		case path.PathStepAttributeName:
			ap = ap.WithAttributeName(string(s))
		case path.PathStepElementKeyInt:
			ap = ap.WithElementKeyInt(int(s))
		case path.PathStepElementKeyString:
			ap = ap.WithElementKeyString(string(s))
		}
	}
	return ap
}
