package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// listingDataSource is a data source whose (possibly very large) state is
// written as msgpack directly; see stateEncoder.
type listingDataSource interface {
	datasource.DataSourceWithConfigure
	// readState lists and returns the state as msgpack, or diagnostics.
	readState(ctx context.Context, config tfsdk.Config) ([]byte, diag.Diagnostics)
}

// readListing is the framework Read of a listingDataSource: the same
// readState, decoded for the framework. Terraform reaches the data sources
// through NewServer, which skips this decode.
func readListing(ctx context.Context, ds listingDataSource, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	state, diags := ds.readState(ctx, req.Config)
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
// with their msgpack state directly. The framework would convert, walk and
// copy each of 10,000 items several times over after Read returns.
func NewServer(version string, opts ...Option) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		p := newProvider(version, opts...)
		framework, err := providerserver.NewProtocol6WithError(p)()
		if err != nil {
			return nil, err
		}
		s := &server{ProviderServer: framework, provider: p, listings: map[string]func() listingDataSource{}}
		for _, newDS := range p.DataSources(context.Background()) {
			ds, ok := newDS().(listingDataSource)
			if !ok {
				continue
			}
			var meta datasource.MetadataResponse
			ds.Metadata(context.Background(), datasource.MetadataRequest{ProviderTypeName: providerTypeName}, &meta)
			s.listings[meta.TypeName] = func() listingDataSource { return newDS().(listingDataSource) }
		}
		return s, nil
	}
}

type server struct {
	tfprotov6.ProviderServer
	provider *registryProvider
	listings map[string]func() listingDataSource
}

func (s *server) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	newDS, ok := s.listings[req.TypeName]
	if !ok {
		return s.ProviderServer.ReadDataSource(ctx, req)
	}
	ds := newDS()
	var schemaResp datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &schemaResp)
	raw, err := req.Config.Unmarshal(schemaResp.Schema.Type().TerraformType(ctx))
	if err != nil {
		// A diagnostic, not an RPC error: Terraform shows it to the user.
		return &tfprotov6.ReadDataSourceResponse{Diagnostics: []*tfprotov6.Diagnostic{{ //nolint:nilerr
			Severity: tfprotov6.DiagnosticSeverityError, Summary: "Cannot read configuration",
			Detail: "This is a bug in the provider; please report it: " + err.Error(),
		}}}, nil
	}
	var configureResp datasource.ConfigureResponse
	ds.Configure(ctx, datasource.ConfigureRequest{ProviderData: s.provider.data.Load()}, &configureResp)
	diags := configureResp.Diagnostics
	var state []byte
	if !diags.HasError() {
		var readDiags diag.Diagnostics
		state, readDiags = ds.readState(ctx, tfsdk.Config{Raw: raw, Schema: schemaResp.Schema})
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
