package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/registry-tools/terraform-provider-registry/internal/ppio"
	"github.com/registry-tools/terraform-provider-registry/internal/swr"
	"github.com/registry-tools/terraform-provider-registry/internal/ucloud"
)

// cloud is one registry as Configure left it: a client, or why there is
// none. A missing credential fails only the data sources of its cloud, at
// read time.
type cloud[C comparable] struct {
	name    string   // as diagnostics name the cloud, such as "Huawei Cloud SWR"
	client  C        // the zero value when missing is set
	missing string   // why there is no client: which arguments to set
	secrets []string // values tflog masks in every line logged during a read
}

// ready says whether the cloud has a client to read with.
func (c cloud[C]) ready() bool {
	var none C
	return c.missing == "" && c.client != none
}

// providerData is what data sources receive: one cloud per registry.
type providerData struct {
	swr    cloud[*swr.Client]
	ppio   cloud[*ppio.Client]
	ucloud cloud[*ucloud.Client]
}

// notConfigured is the providerData of a provider not configured yet:
// every cloud reads as "credentials missing".
func notConfigured() *providerData {
	const why = "The provider is not configured."
	return &providerData{
		swr:    cloud[*swr.Client]{name: swr.CloudName, missing: why},
		ppio:   cloud[*ppio.Client]{name: ppio.CloudName, missing: why},
		ucloud: cloud[*ucloud.Client]{name: ucloud.CloudName, missing: why},
	}
}

// configured is what each data source embeds: its Configure keeps the
// provider's clouds, and providerData hands them to ReadState.
type configured struct{ data *providerData }

func (c *configured) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	resp.Diagnostics.Append(c.take(req.ProviderData)...)
}

// take keeps what the provider's Configure handed a data source or an
// ephemeral resource.
func (c *configured) take(given any) diag.Diagnostics {
	var diags diag.Diagnostics
	if given == nil {
		return diags // not configured yet: the read says so
	}
	data, ok := given.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", "This is a bug in the provider; please report it.")
		return diags
	}
	c.data = data
	return diags
}

// providerData is never nil: before configuration, see notConfigured.
func (c *configured) providerData() *providerData {
	if c.data == nil {
		return notConfigured()
	}
	return c.data
}

// defaultReadTimeout bounds a whole listing when timeouts { read } is unset.
const defaultReadTimeout = 5 * time.Minute

// maskSecrets makes tflog replace every secret value with "***" in the
// messages and fields logged under ctx, the transport's included.
func maskSecrets(ctx context.Context, secrets []string) context.Context {
	if len(secrets) == 0 {
		return ctx
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
	return tflog.MaskMessageStrings(ctx, secrets...)
}

// startRead is what every read does first: fail when the cloud has no
// client (its missing says which argument to set), bound the read by
// timeouts { read }, and mask the cloud's secrets in every log line made
// under the returned context, the transport's included. The CancelFunc is
// never nil.
func startRead[C comparable](ctx context.Context, t timeouts.Value, c cloud[C]) (context.Context, context.CancelFunc, diag.Diagnostics) {
	return startCall(ctx, func() (time.Duration, diag.Diagnostics) { return t.Read(ctx, defaultReadTimeout) }, c)
}

// startCall is startRead with the time limit from limit: the ephemeral
// resources' timeouts { open } as well as the data sources' { read }.
func startCall[C comparable](ctx context.Context, limit func() (time.Duration, diag.Diagnostics), c cloud[C]) (context.Context, context.CancelFunc, diag.Diagnostics) {
	var diags diag.Diagnostics
	if !c.ready() {
		missing := c.missing
		if missing == "" {
			missing = "The provider is not configured."
		}
		diags.AddError(c.name+" credentials missing", missing)
		return ctx, func() {}, diags
	}
	readTimeout, tdiags := limit()
	if diags.Append(tdiags...); diags.HasError() {
		return ctx, func() {}, diags
	}
	ctx, cancel := context.WithTimeout(maskSecrets(ctx, c.secrets), readTimeout)
	return ctx, cancel, diags
}
