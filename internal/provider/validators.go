package provider

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Validators that say exactly what they check; each runs at plan time.

// regionValidator accepts Huawei Cloud region names such as cn-north-4 or ap-southeast-1.
var regionValidator = stringvalidator.RegexMatches(regexp.MustCompile(`^[a-z]{2,}(-[a-z0-9]+)+$`),
	"must be a region name such as cn-north-4")

// re2Validator rejects a pattern Go's RE2 engine cannot compile.
type re2Validator struct{}

func (re2Validator) Description(context.Context) string {
	return "must be a valid RE2 regular expression"
}
func (v re2Validator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (re2Validator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid regular expression",
			fmt.Sprintf("%q is not a valid RE2 regular expression: %v. See https://github.com/google/re2/wiki/Syntax for the syntax.", req.ConfigValue.ValueString(), err))
	}
}

// durationValidator accepts a positive Go duration such as "30s".
type durationValidator struct{}

func (durationValidator) Description(context.Context) string {
	return `must be a positive duration such as "30s" or "2m"`
}
func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, ok := positiveDuration(req.ConfigValue.ValueString()); !ok {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%q %s", req.ConfigValue.ValueString(), durationAdvice))
	}
}

// durationAdvice follows a value positiveDuration refused.
const durationAdvice = `is not a positive duration; write it like "30s", "1m30s" or "2m".`

// positiveDuration is the one rule for durations, in HCL and in the
// environment: a Go duration above zero.
func positiveDuration(s string) (time.Duration, bool) {
	d, err := time.ParseDuration(s)
	return d, err == nil && d > 0
}

// httpURLValidator accepts an absolute http or https URL.
type httpURLValidator struct{}

func (httpURLValidator) Description(context.Context) string {
	return "must be an absolute http:// or https:// URL"
}
func (v httpURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (httpURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	u, err := url.Parse(req.ConfigValue.ValueString())
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL",
			fmt.Sprintf("%q is not an absolute http:// or https:// URL such as \"https://api.example.com\".", req.ConfigValue.ValueString()))
	}
}
