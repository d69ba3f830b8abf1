package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// configured is what each data source embeds: its Configure keeps the
// provider's clients, and providerData hands them to readState.
type configured struct{ data *providerData }

func (c *configured) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return // not configured yet: readState says so
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data", "This is a bug in the provider; please report it.")
		return
	}
	c.data = data
}

// providerData is never nil: before configuration it has no clients, so
// every cloud reads as "credentials missing".
func (c *configured) providerData() *providerData {
	if c.data == nil {
		return &providerData{}
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

// startRead is what every listing read does first: fail when the cloud has
// no client (missing says which argument to set), bound the read by
// timeouts { read }, and mask the cloud's secrets in every log line made
// under the returned context, the transport's included.
func startRead(ctx context.Context, t timeouts.Value, cloud string, configured bool, missing string, secrets []string) (context.Context, context.CancelFunc, diag.Diagnostics) {
	var diags diag.Diagnostics
	if !configured {
		if missing == "" {
			missing = "The provider is not configured."
		}
		diags.AddError(cloud+" credentials missing", missing)
		return ctx, func() {}, diags
	}
	readTimeout, tdiags := t.Read(ctx, defaultReadTimeout)
	if diags.Append(tdiags...); diags.HasError() {
		return ctx, func() {}, diags
	}
	ctx, cancel := context.WithTimeout(maskSecrets(ctx, secrets), readTimeout)
	return ctx, cancel, diags
}

// finishState returns the encoded state, or a diagnostic if encoding failed.
func finishState(e *stateEncoder, diags diag.Diagnostics) ([]byte, diag.Diagnostics) {
	state, err := e.bytes()
	if err != nil {
		diags.AddError("Cannot encode state", "This is a bug in the provider; please report it: "+err.Error())
		return nil, diags
	}
	return state, diags
}
