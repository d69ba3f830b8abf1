package provider

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/fieldtable"
	"github.com/registry-tools/terraform-provider-registry/internal/tagchoice"
	"github.com/registry-tools/terraform-provider-registry/internal/tagkind"
)

// The arguments that choose one tag, shared by registry_swr_tag and
// registry_ucloud_image_tag: one declaration, one meaning (see tagchoice).

// choice is the choice arguments of one read, and the tag chosen.
type choice struct {
	tag, tagRegex, versionConstraint, orderBy types.String
	includePrerelease, includeArtifacts       types.Bool
	allowMissing                              types.Bool

	chosen  string // the tag given or chosen, written back as `tag`
	missing bool   // allow_missing turned "not there" into exists = false
}

// absent records, when allow_missing is set, that the repository, image or
// tag does not exist or no tag is a candidate, and says whether it did:
// the read then writes exists = false and null tag attributes instead of
// failing.
func (c *choice) absent() bool {
	c.missing = c.allowMissing.ValueBool()
	return c.missing
}

// choiceDescription is the part of a singular data source's description
// that says how it chooses.
const choiceDescription = "Give `tag` for that exact tag, answered with one request. Otherwise the data source chooses: " +
	"the most recently updated tag (`order_by = \"updated\"`, the default) or the highest version (`order_by = \"version\"`) " +
	"among the tags that match `tag_regex` and `version_constraint`. Tags updated in the same second are ordered by name in " +
	"descending natural order (runs of digits compare as numbers: `v14.0.0` before `v13.0.0`, `v1.10` before `v1.9`). " +
	"Only tags a machine can pull are chosen (`kind` `image`, `index` or `unknown`): signatures, attestations, SBOMs, Helm charts " +
	"and other artifacts, usually pushed after the image they belong to, are left out unless `include_artifacts` is true; an exact " +
	"`tag` is returned whatever it holds. " +
	"No matching tag, or an exact `tag` that does not exist, is an error that names the repository and the filters."

// choiceFields are the choice arguments of a data source whose state is T.
func choiceFields[T any](get func(*T) *choice) []fieldtable.Field[T] {
	others := []path.Expression{
		path.MatchRoot("tag_regex"), path.MatchRoot("version_constraint"),
		path.MatchRoot("order_by"), path.MatchRoot("include_prerelease"),
	}
	// Optional and computed: the state holds the tag read, not the null
	// of the configuration; when nothing was found (allow_missing), what
	// was configured.
	tag := fieldtable.Argument("tag", schema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "The exact tag to read, answered with one request; it conflicts with every choice argument. " +
			"When left out, the tag chosen.",
		Validators: []validator.String{stringvalidator.LengthBetween(1, 128), stringvalidator.ConflictsWith(others...)},
	}, func(v *T) *types.String { return &get(v).tag }).ComputedFrom(func(v *T) (tftypes.Value, bool) {
		return tftypes.NewValue(tftypes.String, get(v).chosen), !get(v).missing
	})
	return []fieldtable.Field[T]{
		tag,
		fieldtable.Argument("tag_regex", schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "RE2 regular expression the tag name must match, such as `^main-` or `^v[0-9]+\\.[0-9]+\\.[0-9]+$`.",
			Validators:          []validator.String{re2Validator{}},
		}, func(v *T) *types.String { return &get(v).tagRegex }),
		fieldtable.Argument("version_constraint", schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "A version constraint in Terraform's own syntax, such as `~> 2.1` or `>= 1.2, < 2.0`. " +
				"Only tags that read as versions (`1.4.2`, `v1.4.2`, `1.4`) and meet it are candidates; " +
				"pre-releases (`1.4.0-rc1`) only with `include_prerelease`.",
			Validators: []validator.String{versionConstraintValidator{}},
		}, func(v *T) *types.String { return &get(v).versionConstraint }),
		fieldtable.Argument("order_by", schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "`updated` (the default): the most recently updated candidate. " +
				"`version`: the highest version among the tags that read as versions; equal versions by update time, then name.",
			Validators: []validator.String{stringvalidator.OneOf(tagchoice.Orders...)},
		}, func(v *T) *types.String { return &get(v).orderBy }),
		fieldtable.Argument("include_prerelease", schema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "Whether pre-release versions (`2.12.0-rc1`) can be chosen when tags are read as versions " +
				"(`order_by = \"version\"` or `version_constraint`). A pre-release meets `version_constraint` when its version " +
				"without the pre-release part does. Default `false`.",
		}, func(v *T) *types.Bool { return &get(v).includePrerelease }),
		fieldtable.Argument("include_artifacts", schema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "Whether the choice may return any kind of tag: signatures, attestations, SBOMs, Helm charts and " +
				"other artifacts too. Default `false`: only `image`, `index` and `unknown` tags are chosen. An exact `tag` is " +
				"returned whatever its kind.",
		}, func(v *T) *types.Bool { return &get(v).includeArtifacts }),
		fieldtable.Argument("allow_missing", schema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "Whether a repository, image or exact `tag` that does not exist, or no matching tag, gives " +
				"`exists = false` (every tag attribute null, `tag` as configured) instead of an error: for a module that must " +
				"plan before the first image is pushed. Wrong credentials, permissions, throttling and malformed answers stay " +
				"errors. Default `false`.",
		}, func(v *T) *types.Bool { return &get(v).allowMissing }),
		fieldtable.Bool("exists", "Whether a tag was found. Always true without `allow_missing`, where finding none is an error.",
			func(v *T) bool { return !get(v).missing }),
	}
}

// exact says whether an exact tag was given.
func (c *choice) exact() bool { return !c.tag.IsNull() }

// byVersion says whether the highest version is wanted, which needs every tag.
func (c *choice) byVersion() bool { return c.orderBy.ValueString() == string(tagchoice.ByVersion) }

// rules are the choice arguments as tagchoice takes them; the schema
// validated the regex and the constraint at plan time.
func (c *choice) rules() (tagchoice.Rules, error) {
	r := tagchoice.Rules{
		Order:             tagchoice.ByUpdated,
		IncludePrerelease: c.includePrerelease.ValueBool(),
	}
	if !c.orderBy.IsNull() {
		r.Order = tagchoice.Order(c.orderBy.ValueString())
	}
	if !c.tagRegex.IsNull() {
		re, err := regexp.Compile(c.tagRegex.ValueString())
		if err != nil {
			return r, err
		}
		r.Regex = re
	}
	if !c.versionConstraint.IsNull() {
		vc, err := tagchoice.ParseConstraint(c.versionConstraint.ValueString())
		if err != nil {
			return r, err
		}
		r.Constraint = vc
	}
	return r, nil
}

// idFilters are the choice arguments in an id, in schema order.
func (c *choice) idFilters() []idFilter {
	return []idFilter{
		ifSet("tag", c.tag),
		ifSet("tag_regex", c.tagRegex),
		ifSet("version_constraint", c.versionConstraint),
		ifSet("order_by", c.orderBy),
		{key: "include_prerelease", value: strconv.FormatBool(c.includePrerelease.ValueBool()), set: !c.includePrerelease.IsNull()},
		ifTrue("include_artifacts", c.includeArtifacts),
	}
}

// filters says in words what the user asked for, for the no-candidate error.
func (c *choice) filters() string {
	var parts []string
	if !c.tagRegex.IsNull() {
		parts = append(parts, fmt.Sprintf("tag_regex = %q", c.tagRegex.ValueString()))
	}
	if !c.versionConstraint.IsNull() {
		parts = append(parts, fmt.Sprintf("version_constraint = %q", c.versionConstraint.ValueString()))
	}
	if c.byVersion() {
		parts = append(parts, `order_by = "version" (tags that read as versions)`)
	}
	if (c.byVersion() || !c.versionConstraint.IsNull()) && !c.includePrerelease.ValueBool() {
		parts = append(parts, "no pre-releases (include_prerelease = false)")
	}
	if len(parts) == 0 {
		return "no filter"
	}
	return strings.Join(parts, ", ")
}

// noCandidate is the error of a choice that found nothing: how many tags
// were seen and how many were left out by kind, refusedAs saying why
// ("as artifacts", or the platform wanted).
func noCandidate(where string, c *choice, seen, refused int, refusedAs string) (string, string) {
	if seen == 0 {
		return "No tag matches", fmt.Sprintf("%s has no tags. Push a tag, or check the repository's name.", where)
	}
	left := ""
	if refused > 0 {
		left = fmt.Sprintf(", %d of them left out %s", refused, refusedAs)
	}
	return "No tag matches",
		fmt.Sprintf("No tag of %s matches %s: %d tags seen%s. Check tag_regex, version_constraint, include_prerelease "+
			"and include_artifacts, or push a tag that matches.", where, c.filters(), seen, left)
}

// artifactsLeftOut is noCandidate's refusedAs for the kind rule.
const artifactsLeftOut = "as artifacts (signatures, attestations, SBOMs, Helm charts; include_artifacts = true takes them)"

// unknownTag is the error of an exact tag that does not exist, on the tag
// argument, with the cloud's answer (cloud, call, status, request ID) as
// every diagnostic has.
func unknownTag(where, tag string, e *apierror.Error) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("tag"), "Tag not found",
		fmt.Sprintf("Tag %q does not exist in %s. Check tag, or leave it out to choose the newest tag.\n\n%s %s: %s.",
			tag, where, e.Cloud, e.Call, e.Detail()))
}

// versionConstraintValidator checks a constraint at plan time, with the
// parser the read uses.
type versionConstraintValidator struct{}

func (versionConstraintValidator) Description(context.Context) string {
	return `must be a version constraint in Terraform's syntax, such as "~> 1.4" or ">= 1.2, < 2.0"`
}

func (v versionConstraintValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (versionConstraintValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := tagchoice.ParseConstraint(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid version constraint", err.Error()+".")
	}
}

// latestDescription is the latest attribute of the two tag lists.
const latestDescription = "The first of `tags` whose `kind` is `image`, `index` or `unknown`: the newest tag a machine can pull, " +
	"never a signature, attestation, SBOM, Helm chart or other artifact pushed after it. Null when there is none."

// firstRunnable is the first of tags whose kind a machine can pull; nil
// when there is none.
func firstRunnable[E any](tags []E, kind func(*E) tagkind.Kind) *E {
	for i := range tags {
		if kind(&tags[i]).Runnable() {
			return &tags[i]
		}
	}
	return nil
}

// sortTags orders tags newest first, tags of the same time by descending
// natural order of the name (tagchoice.CompareNewest); by index, like
// sortNewestFirst, so no element is copied to the heap.
func sortTags[E any](tags []E, name func(*E) string, updated func(*E) time.Time) {
	sort.Slice(tags, func(i, j int) bool {
		a, b := &tags[i], &tags[j]
		return tagchoice.CompareNewest(name(a), updated(a), name(b), updated(b)) < 0
	})
}

// chooseFrom is a chooser built from c, reading an item's name, update
// time and kind; unless include_artifacts, only kinds a machine can pull
// are candidates.
func chooseFrom[E any](c *choice, name func(*E) string, updated func(*E) time.Time, kind func(*E) tagkind.Kind) (*tagchoice.Chooser[E], error) {
	rules, err := c.rules()
	if err != nil {
		return nil, err
	}
	ch := tagchoice.NewChooser(rules, name, updated)
	if !c.includeArtifacts.ValueBool() {
		ch.Admit(func(t *E) bool { return kind(t).Runnable() })
	}
	return ch, nil
}
