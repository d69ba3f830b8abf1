package fieldtable

// The direct read path: how Terraform's ReadDataSource reaches the data
// sources whose state a field table writes.
//
// What it answers: ReadDataSource for every data source that implements
// DataSource. Every other RPC, and the reads of any other data source, go
// to the framework's own server unchanged.
//
// Why: a listing's state can hold 50,000 objects. The framework would
// decode the configuration into attr.Values, have Read build a model of
// attr.Values, then convert, walk and copy each value several times over
// after Read returns (state conversion, semantic-equality pass). The
// direct path unmarshals the configuration once, with the schema type
// computed once per server; ReadState decodes its arguments from that
// value through its field table and writes the state straight to msgpack
// (Encoder), which the server returns as is.
//
// What it skips of the framework's ReadDataSource, and why that is safe
// for a provider that serves its data sources through it:
//   - the automatic deferred response when Configure asked to defer: the
//     provider's Configure must never do so;
//   - the framework's per-read TRACE logging ("Calling provider defined
//     DataSource Read" and the like); the provider's own tflog lines and
//     terraform-plugin-go's request logging remain;
//   - the semantic-equality pass over the state: no attribute written by a
//     field table has a type with semantic equality;
//   - provider_meta: the provider must declare none.
//
// How it stays equal to the schema: one field table per object gives both
// the schema attributes and the state, and the encoder fails the read with
// a provider-bug diagnostic naming any object that got more or fewer
// attributes than it announced.

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// DataSource is a data source whose state, one object or a listing of
// tens of thousands, is written as msgpack from its field table.
type DataSource interface {
	datasource.DataSourceWithConfigure
	// ReadState reads and returns the state as msgpack, or diagnostics.
	// config is the configuration, an object of the schema's type.
	ReadState(ctx context.Context, config tftypes.Value) ([]byte, diag.Diagnostics)
}

// FrameworkRead is the framework Read of a DataSource: the same ReadState,
// its msgpack decoded for the framework. It serves the data source when
// the plain framework server does (a mux, or the tests' second route to
// the same state).
func FrameworkRead(ctx context.Context, ds DataSource, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	state, diags := ds.ReadState(ctx, req.Config.Raw)
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

// NewServer wraps the framework's server of a provider: it answers
// ReadDataSource directly for each of dataSources that is a DataSource
// (why, and what that skips of the
// framework, is said at the top of server.go) and passes everything else to framework.
// providerTypeName is the provider's, as its Metadata gives it;
// providerData returns what the provider's Configure handed its data
// sources, at the time of each read.
func NewServer(ctx context.Context, framework tfprotov6.ProviderServer, providerTypeName string,
	dataSources []func() datasource.DataSource, providerData func() any) tfprotov6.ProviderServer {
	s := &server{ProviderServer: framework, providerData: providerData, direct: map[string]direct{}}
	for _, newDS := range dataSources {
		ds, ok := newDS().(DataSource)
		if !ok {
			continue
		}
		var meta datasource.MetadataResponse
		ds.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: providerTypeName}, &meta)
		var sch datasource.SchemaResponse
		ds.Schema(ctx, datasource.SchemaRequest{}, &sch)
		s.direct[meta.TypeName] = direct{
			newDS:      func() DataSource { return newDS().(DataSource) },
			configType: sch.Schema.Type().TerraformType(ctx),
		}
	}
	return s
}

type server struct {
	tfprotov6.ProviderServer
	providerData func() any
	direct       map[string]direct // by data source type name
}

// direct is what the server keeps of one DataSource.
type direct struct {
	newDS      func() DataSource
	configType tftypes.Type // the schema's, computed once
}

func (s *server) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	d, ok := s.direct[req.TypeName]
	if !ok {
		return s.ProviderServer.ReadDataSource(ctx, req)
	}
	config, err := req.Config.Unmarshal(d.configType)
	if err != nil {
		// A diagnostic, not an RPC error: Terraform shows it to the user.
		return &tfprotov6.ReadDataSourceResponse{Diagnostics: []*tfprotov6.Diagnostic{{ //nolint:nilerr
			Severity: tfprotov6.DiagnosticSeverityError, Summary: "Cannot read configuration",
			Detail: "This is a bug in the provider; please report it: " + err.Error(),
		}}}, nil
	}
	ds := d.newDS()
	var configureResp datasource.ConfigureResponse
	ds.Configure(ctx, datasource.ConfigureRequest{ProviderData: s.providerData()}, &configureResp)
	diags := configureResp.Diagnostics
	var state []byte
	if !diags.HasError() {
		var readDiags diag.Diagnostics
		state, readDiags = ds.ReadState(ctx, config)
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
