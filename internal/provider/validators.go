package provider

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/registry-tools/terraform-provider-registry/internal/tagkind"
)

// Validators that say exactly what they check; each runs at plan time.

// regionValidator accepts Huawei Cloud region names such as cn-north-4 or ap-southeast-1.
var regionValidator = stringvalidator.RegexMatches(regexp.MustCompile(`^[a-z]{2,}(-[a-z0-9]+)+$`),
	"must be a region name such as cn-north-4")

// nameValidator checks a name argument and reports one mistake once:
// stringvalidator.LengthBetween and RegexMatches side by side would both
// report an empty value. An empty value is told first, then a value over
// maxLen (0: no bound), then one that breaks the rule.
type nameValidator struct {
	maxLen   int
	rule     *regexp.Regexp
	ruleText string // what the rule requires, "must …"
}

func (v nameValidator) Description(context.Context) string {
	if v.maxLen > 0 {
		return fmt.Sprintf("must be 1 to %d characters long and %s", v.maxLen, v.ruleText)
	}
	return "must not be empty and " + v.ruleText
}
func (v nameValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v nameValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if req.ConfigValue.ValueString() == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value",
			fmt.Sprintf("Attribute %s must not be empty: it %s.", req.Path, v.ruleText))
		return
	}
	if v.maxLen > 0 {
		errs := resp.Diagnostics.ErrorsCount()
		stringvalidator.LengthBetween(1, v.maxLen).ValidateString(ctx, req, resp)
		if resp.Diagnostics.ErrorsCount() > errs {
			return
		}
	}
	stringvalidator.RegexMatches(v.rule, v.ruleText).ValidateString(ctx, req, resp)
}

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

// positiveTimeoutValidator refuses a timeouts block's duration that parses
// but is not above zero ("0s", "-1m"); a value that does not parse is left
// to the timeouts library's own validator, so it is reported once.
type positiveTimeoutValidator struct{}

func (positiveTimeoutValidator) Description(context.Context) string {
	return `must be a positive duration such as "30s" or "2m"`
}
func (v positiveTimeoutValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (positiveTimeoutValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	if d, err := time.ParseDuration(s); err == nil && d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%s = %q %s A time limit of zero or less would fail every read at once.", req.Path, s, durationAdvice))
	}
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

// platformValidator checks a platform at plan time, with the parser the
// read uses.
type platformValidator struct{}

func (platformValidator) Description(context.Context) string {
	return `must be a platform os/architecture[/variant], such as "linux/amd64" or "linux/arm/v7"`
}

func (v platformValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (platformValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := tagkind.ParsePlatform(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid platform", err.Error()+".")
	}
}

// readTimeoutsBlock is the library's timeouts { read } block with read
// also refused at plan time when it is zero or negative: the library only
// checks that it parses, and such a read would then fail at once.
func readTimeoutsBlock(ctx context.Context) schema.Block {
	b := timeouts.BlockWithOpts(ctx, timeouts.Opts{
		ReadDescription: "Time limit of the whole read, every page and retry included, as a positive Go duration such as `30s` or `2m`. Default `5m`.",
	}).(schema.SingleNestedBlock)
	read := b.Attributes["read"].(schema.StringAttribute)
	read.Validators = append(slices.Clone(read.Validators), positiveTimeoutValidator{})
	b.Attributes = map[string]schema.Attribute{"read": read}
	return b
}
