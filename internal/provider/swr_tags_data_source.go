package provider

import (
	"cmp"
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/apitime"
	"github.com/registry-tools/terraform-provider-registry/internal/swr"
)

var (
	_ datasource.DataSource              = &swrTagsDataSource{}
	_ datasource.DataSourceWithConfigure = &swrTagsDataSource{}
	_ listingDataSource                  = &swrTagsDataSource{}
)

// NewSWRTagsDataSource is registry_swr_tags.
func NewSWRTagsDataSource() datasource.DataSource { return &swrTagsDataSource{} }

type swrTagsDataSource struct{ configured }

// swrTagsModel is the data source's configuration; the computed
// attributes are written by readState's stateEncoder.
type swrTagsModel struct {
	ID              types.String   `tfsdk:"id"`
	Namespace       types.String   `tfsdk:"namespace"`
	Repository      types.String   `tfsdk:"repository"`
	Tag             types.String   `tfsdk:"tag"`
	TagRegex        types.String   `tfsdk:"tag_regex"`
	IncludeManifest types.Bool     `tfsdk:"include_manifest"`
	TotalCount      types.Int64    `tfsdk:"total_count"`
	Tags            types.List     `tfsdk:"tags"`
	Latest          types.Object   `tfsdk:"latest"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

// swrNamespaceRule is SWR's organization-name rule: a lower-case letter
// first, then lower-case letters and digits, single '.', '-' or '_' (or
// '__') between them, a letter or digit last.
var swrNamespaceRule = regexp.MustCompile(`^[a-z](?:[a-z0-9]|[.\-][a-z0-9]|__?[a-z0-9])*$`)

// swrRepositoryRule is SWR's image-name rule, '/' allowed between parts.
var swrRepositoryRule = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9]|[._-][a-z0-9]|__[a-z0-9])*(?:/[a-z0-9](?:[a-z0-9]|[._-][a-z0-9]|__[a-z0-9])*)*$`)

func swrTagAttributes() map[string]schema.Attribute {
	s := func(d string) schema.Attribute { return schema.StringAttribute{Computed: true, MarkdownDescription: d} }
	i := func(d string) schema.Attribute { return schema.Int64Attribute{Computed: true, MarkdownDescription: d} }
	b := func(d string) schema.Attribute { return schema.BoolAttribute{Computed: true, MarkdownDescription: d} }
	return map[string]schema.Attribute{
		"id":            i("Tag ID."),
		"repo_id":       i("Repository ID."),
		"tag":           s("Tag name."),
		"image_id":      s("Image ID."),
		"digest":        s("Manifest digest, such as `sha256:…`; it changes when the tag moves."),
		"manifest":      s("Image manifest (JSON). Null unless `include_manifest` is true."),
		"schema":        i("Docker manifest schema version, 1 or 2."),
		"path":          s("Pull address, `swr.<region>.myhuaweicloud.com/<namespace>/<repository>:<tag>`."),
		"internal_path": s("Pull address inside a CCE cluster."),
		"pinned_path":   s("Pull address pinned to the digest, `<path without :tag>@<digest>`: it never moves."),
		"size":          i("Image size in bytes."),
		"is_trusted":    b("Whether the image is trusted."),
		"created":       s("Creation time, RFC 3339 in UTC."),
		"updated":       s("Last update time, RFC 3339 in UTC."),
		"deleted":       s("Deletion time, RFC 3339 in UTC; null unless deleted."),
		"domain_id":     s("Account (domain) ID."),
		"scanned":       b("Whether the image has been scanned."),
		"tag_type":      i("`0` for an image manifest, `1` for a manifest list."),
	}
}

func (d *swrTagsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_swr_tags"
}

func (d *swrTagsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every tag of a Huawei Cloud SWR repository, newest first, with `latest` the newest one. " +
			"Pin `latest.pinned_path` (repository@digest) in module inputs so that `terraform plan` shows when the tag moves.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<namespace>/<repository>`, followed by the filters when given; derived from the arguments only.",
			},
			"namespace": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "SWR organization (namespace).",
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 64),
					stringvalidator.RegexMatches(swrNamespaceRule, "must follow SWR's organization-name rule: start with a lower-case letter, "+
						"then lower-case letters, digits and single '.', '-' or '_' (at most two '_' in a row) between them, and end with a letter or digit"),
				},
			},
			"repository": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Repository (image) name; it may contain `/`, such as `apps/web`.",
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 128),
					stringvalidator.RegexMatches(swrRepositoryRule, "must be lower-case letters and digits, with single '.', '-' or '_' between them, and '/' between parts"),
				},
			},
			"tag": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Server-side filter: only tags whose name contains this string.",
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 128)},
			},
			"tag_regex": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "RE2 regular expression the tag name must match, applied after the listing.",
				Validators:          []validator.String{re2Validator{}},
			},
			"include_manifest": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Whether to keep each tag's `manifest` in state. Default `false`: manifests are large.",
			},
			"total_count": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Number of tags SWR reports for the repository (after `tag`, before `tag_regex`).",
			},
			"tags": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The tags, ordered by `updated` newest first, then by `tag`.",
				NestedObject:        schema.NestedAttributeObject{Attributes: swrTagAttributes()},
			},
			"latest": schema.SingleNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The first of `tags`: the most recently updated tag. Null when there are none.",
				Attributes:          swrTagAttributes(),
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx),
		},
	}
}

var swrHints = hints{
	apierror.KindAuth: "Huawei Cloud refused the credentials: check access_key / " + envHWAccessKey + " and secret_key / " + envHWSecretKey +
		" (for temporary credentials also security_token / " + envHWSecurityToken + "), or auth_token / " + envHWAuthToken + ".",
	apierror.KindPermission: "The credentials are valid but may not list SWR tags: grant the IAM user SWR read access in this region.",
	apierror.KindNotFound:   "Check namespace and repository, and that region / " + envHWRegion + " (or project_id / " + envHWProjectID + ") is where they live.",
	apierror.KindBadRequest: "SWR rejected a parameter: check namespace, repository and tag.",
	apierror.KindTransport:  "Check swr endpoint / " + envHWSWREndpoint + " (or region / " + envHWRegion + "), the network, and request_timeout / REGISTRY_REQUEST_TIMEOUT.",
	apierror.KindDecode:     "SWR's answer could not be read; check that endpoint / " + envHWSWREndpoint + " points at the SWR API.",
	apierror.KindConfig: "Check region / " + envHWRegion + ", or set project_id / " + envHWProjectID +
		": without a project ID the provider looks up the one IAM project named after the region.",
}

func (d *swrTagsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	readListing(ctx, d, req, resp)
}

func (d *swrTagsDataSource) readState(ctx context.Context, config tfsdk.Config) ([]byte, diag.Diagnostics) {
	var m swrTagsModel
	diags := config.Get(ctx, &m)
	if diags.HasError() {
		return nil, diags
	}
	data := d.providerData()
	ctx, cancel, sdiags := startRead(ctx, m.Timeouts, swr.CloudName, data.swr != nil, data.swrMissing, data.swrSecrets)
	defer cancel()
	if diags.Append(sdiags...); diags.HasError() {
		return nil, diags
	}

	includeManifest := m.IncludeManifest.ValueBool()
	list, err := data.swr.ListTags(ctx, swr.ListTagsInput{
		Namespace:       m.Namespace.ValueString(),
		Repository:      m.Repository.ValueString(),
		Tag:             m.Tag.ValueString(),
		IncludeManifest: includeManifest,
	})
	if err != nil {
		diags.Append(readError(ctx, err, swrHints))
		return nil, diags
	}
	tags := list.Tags
	if !m.TagRegex.IsNull() {
		tagRegex := regexp.MustCompile(m.TagRegex.ValueString()) // validated at plan time
		tags = slices.DeleteFunc(tags, func(t swr.Tag) bool { return !tagRegex.MatchString(t.Tag) })
	}
	sortSWRTags(tags)

	e := newStateEncoder(len(tags) * 700)
	e.object(10)
	e.echo(config.Raw, "namespace", "repository", "tag", "tag_regex", "include_manifest", "timeouts")
	e.str("id", swrTagsID(m))
	e.int("total_count", int64(list.Total))
	e.key("tags")
	e.list(len(tags))
	for i := range tags {
		encodeSWRTag(e, &tags[i], includeManifest)
	}
	if len(tags) == 0 {
		e.null("latest")
	} else {
		e.key("latest")
		encodeSWRTag(e, &tags[0], includeManifest)
	}
	return finishState(e, diags)
}

// sortSWRTags orders by updated, newest first, then by tag name, so that an
// unchanged repository always yields the same list.
func sortSWRTags(tags []swr.Tag) {
	slices.SortFunc(tags, func(a, b swr.Tag) int {
		if c := b.Updated.Compare(a.Updated); c != 0 {
			return c
		}
		return cmp.Compare(a.Tag, b.Tag)
	})
}

func swrTagsID(m swrTagsModel) string {
	id := m.Namespace.ValueString() + "/" + m.Repository.ValueString()
	var q []string
	if !m.Tag.IsNull() {
		q = append(q, "tag="+m.Tag.ValueString())
	}
	if !m.TagRegex.IsNull() {
		q = append(q, "tag_regex="+m.TagRegex.ValueString())
	}
	if m.IncludeManifest.ValueBool() {
		q = append(q, "include_manifest=true")
	}
	if len(q) > 0 {
		id += "?" + strings.Join(q, "&")
	}
	return id
}

// pinnedPath replaces the ":tag" of a pull address with "@digest".
func pinnedPath(path, tag, digest string) string {
	if digest == "" || path == "" {
		return ""
	}
	repo := strings.TrimSuffix(path, ":"+tag)
	if repo == path {
		if i := strings.LastIndexByte(path, ':'); i > strings.LastIndexByte(path, '/') {
			repo = path[:i]
		}
	}
	return repo + "@" + digest
}

// encodeSWRTag writes one tag object; its attributes are swrTagAttributes'.
func encodeSWRTag(e *stateEncoder, t *swr.Tag, includeManifest bool) {
	e.object(18)
	e.int("id", t.ID)
	e.int("repo_id", t.RepoID)
	e.str("tag", t.Tag)
	e.str("image_id", t.ImageID)
	e.str("digest", t.Digest)
	e.strOrNull("manifest", t.Manifest, !includeManifest)
	e.int("schema", t.Schema)
	e.str("path", t.Path)
	e.str("internal_path", t.InternalPath)
	e.str("pinned_path", pinnedPath(t.Path, t.Tag, t.Digest))
	e.int("size", t.Size)
	e.bool("is_trusted", t.IsTrusted)
	e.str("created", apitime.Format(t.Created))
	e.str("updated", apitime.Format(t.Updated))
	e.strOrNull("deleted", apitime.Format(t.Deleted), t.Deleted.IsZero())
	e.str("domain_id", t.DomainID)
	e.bool("scanned", t.Scanned)
	e.int("tag_type", t.TagType)
}
