package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/swr"
)

// hints says, per kind of failure, what the user should do; each data
// source fills it in with its cloud's arguments and variables.
type hints map[apierror.Kind]string

// callHints are the hints of the calls a data source makes to another
// service than its own, by call: they replace the data source's hints,
// which name its own endpoint. A hint is thus a function of the kind of
// failure and the call that failed (see hintsFor).
var callHints = map[string]hints{
	swr.CallIAMProjects: iamHints,
}

// hintsFor is the table for a failure of call: the call's own when it has
// one, else h, the data source's.
func hintsFor(call string, h hints) hints {
	if own, ok := callHints[call]; ok {
		return own
	}
	return h
}

// iamSkip ends every IAM hint: the lookup is needed only without a project ID.
const iamSkip = " Setting project_id / " + envHWProjectID + " skips this lookup."

// iamHints are for the project lookup SWR's AK/SK requests need when no
// project_id is given: IAM has its own endpoint and permission.
var iamHints = hints{
	apierror.KindAuth: "IAM refused the credentials while looking up the region's project: check access_key / " + envHWAccessKey +
		" and secret_key / " + envHWSecretKey + " (for temporary credentials also security_token / " + envHWSecurityToken + ")." + iamSkip,
	apierror.KindPermission: "The credentials are valid but may not list IAM projects: grant the IAM user permission to list projects." + iamSkip,
	apierror.KindNotFound: "IAM's project API was not found: check that iam_endpoint / " + envHWIAMEndpoint +
		" is the IAM base URL, such as " + swr.DefaultIAMEndpoint + "." + iamSkip,
	apierror.KindBadRequest: "IAM rejected the project lookup: check region / " + envHWRegion + "." + iamSkip,
	apierror.KindTransport: "Check iam_endpoint / " + envHWIAMEndpoint + " (default " + swr.DefaultIAMEndpoint +
		"), the network, and request_timeout / REGISTRY_REQUEST_TIMEOUT." + iamSkip,
	apierror.KindDecode: "IAM's answer could not be read; check that iam_endpoint / " + envHWIAMEndpoint +
		" points at the IAM API, such as " + swr.DefaultIAMEndpoint + "." + iamSkip,
	apierror.KindConfig: "Check region / " + envHWRegion + " and iam_endpoint / " + envHWIAMEndpoint +
		": without a project ID the provider looks up the one IAM project named after the region." + iamSkip,
}

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
	hint := hintsFor(e.Call, h)[e.Kind]
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
