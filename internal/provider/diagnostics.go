package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
)

// hints says, per kind of failure, what the user should do; each data
// source fills it in with its cloud's arguments and variables.
type hints map[apierror.Kind]string

// Generic advice shared by every cloud.
const (
	hintRetryLater   = "The service kept failing; try again later, or raise max_retries (REGISTRY_MAX_RETRIES)."
	hintThrottled    = "The service kept throttling the requests; try again later, raise max_retries (REGISTRY_MAX_RETRIES) or lower max_concurrency (REGISTRY_MAX_CONCURRENCY)."
	hintInconsistent = "The listing changed while it was read, so the result would be incomplete; run again."
	hintTimeout      = "Reading took longer than allowed; raise timeouts { read } in the data source, or request_timeout (REGISTRY_REQUEST_TIMEOUT) in the provider."
)

// readError turns a client error into one diagnostic naming the cloud, the
// call, the status/code, the request ID and what to do.
func readError(ctx context.Context, err error, h hints) diag.Diagnostic {
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
		return diag.NewErrorDiagnostic("Read timed out", fmt.Sprintf("%v.\n\n%s", err, hintTimeout))
	}
	if errors.Is(err, context.Canceled) {
		return diag.NewErrorDiagnostic("Read cancelled", err.Error())
	}
	e, ok := apierror.As(err)
	if !ok {
		return diag.NewErrorDiagnostic("Read failed", err.Error())
	}
	hint := h[e.Kind]
	if hint == "" {
		switch e.Kind {
		case apierror.KindThrottled:
			hint = hintThrottled
		case apierror.KindServer:
			hint = hintRetryLater
		case apierror.KindInconsistent:
			hint = hintInconsistent
		case apierror.KindTransport:
			if errors.Is(err, context.DeadlineExceeded) {
				hint = hintTimeout
			}
		}
	}
	detail := e.Detail() + "."
	if hint != "" {
		detail += "\n\n" + hint
	}
	return diag.NewErrorDiagnostic(fmt.Sprintf("%s %s failed", e.Cloud, e.Call), detail)
}
