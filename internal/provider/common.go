package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/registry-tools/terraform-provider-registry/internal/apitime"
)

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

// optionalTime is null for the zero time, else RFC 3339 in UTC.
func optionalTime(t time.Time) types.String {
	if t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(apitime.Format(t))
}
