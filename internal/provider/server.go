package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/registry-tools/terraform-provider-registry/internal/fieldtable"
)

// NewServer is the provider's protocol 6 server: the framework's for every
// RPC, except ReadDataSource of the data sources written from field
// tables, which fieldtable answers directly (see internal/fieldtable).
// main serves it; New is the plain framework provider.
func NewServer(version string, opts ...Option) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		ctx := context.Background()
		p := newProvider(version, opts...)
		framework, err := providerserver.NewProtocol6WithError(p)()
		if err != nil {
			return nil, err
		}
		return fieldtable.NewServer(ctx, framework, providerTypeName, p.DataSources(ctx), func() any { return p.data.Load() }), nil
	}
}
