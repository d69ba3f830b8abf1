package provider

import (
	"context"
	"maps"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/fieldtable"
	"github.com/registry-tools/terraform-provider-registry/internal/tagkind"
	"github.com/registry-tools/terraform-provider-registry/internal/ucloud"
)

var (
	_ datasource.DataSource              = &ucloudImageTagsDataSource{}
	_ datasource.DataSourceWithConfigure = &ucloudImageTagsDataSource{}
	_ fieldtable.DataSource              = &ucloudImageTagsDataSource{}
)

// NewUCloudImageTagsDataSource is registry_ucloud_image_tags.
func NewUCloudImageTagsDataSource() datasource.DataSource { return &ucloudImageTagsDataSource{} }

type ucloudImageTagsDataSource struct{ configured }

// ucloudImageTagsState is one read: the arguments, decoded from the
// configuration by ucloudImageTagsTable' table, and what the listing found.
type ucloudImageTagsState struct {
	repoName, imageName, projectID, tagRegex types.String
	timeouts                                 timeouts.Value

	total int64
	tags  []uhubTag // filtered and sorted
}

// uhubTag is one tag with the image it belongs to: GetImageTag's items do
// not name it, and the tag's pull addresses need it.
type uhubTag struct {
	ucloud.ImageTag
	repo, image string
}

func (t *uhubTag) name() string       { return t.TagName }
func (t *uhubTag) updated() time.Time { return t.UpdateTime }

// kind is the tag's kind from its name: UHub sends no manifest.
func (t *uhubTag) kind() tagkind.Kind { return tagkind.FromNameOnly(t.TagName) }

// uhubTags are the tags of one image, each knowing it.
func uhubTags(repo, image string, tags []ucloud.ImageTag) []uhubTag {
	out := make([]uhubTag, len(tags))
	for i := range tags {
		out[i] = uhubTag{ImageTag: tags[i], repo: repo, image: image}
	}
	return out
}

// uhubImageNameRule is what image_name must look like. UCloud documents no
// rule; the name sits between "<repo>/" and ":<tag>" or "@<digest>" in a
// pull address, so ':', '@' and whitespace would make another address.
var uhubImageNameRule = regexp.MustCompile(`^[^\s:@]+$`)

// ucloudImageNameAttribute is the image_name argument of the UHub tag data sources.
func ucloudImageNameAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Required:            true,
		MarkdownDescription: "Image in the repository (the `<image_name>` in `" + uhubRegistryHost + "/<repo_name>/<image_name>:<tag>`).",
		Validators: []validator.String{nameValidator{maxLen: 128, rule: uhubImageNameRule,
			ruleText: "must be one image name, without ':', '@' or whitespace (a tag or digest is not part of it)"}},
	}
}

// ucloudImageTagObject is one tag: an element of registry_ucloud_image_tags'
// tags and latest, and the top level of registry_ucloud_image_tag.
var ucloudImageTagObject = fieldtable.New("UHub tag",
	fieldtable.String("tag", "Tag name.", func(t *uhubTag) string { return t.TagName }),
	fieldtable.NullableString("digest", "Content digest, such as `sha256:…`; it changes when the tag is pushed again. "+
		"Null when UHub reports none for the tag.", func(t *uhubTag) (string, bool) { return t.Digest, t.Digest != "" }),
	fieldtable.NullableTime("update_time", "Time of the tag's last push, RFC 3339 in UTC (UHub sends unix seconds or a date-time string); "+
		"null only if UHub sent none.", (*uhubTag).updated),
	fieldtable.String("path", "Pull address, `"+uhubRegistryHost+"/<repo_name>/<image_name>:<tag>`.", uhubTagPath),
	fieldtable.NullableString("pinned_path", "Pull address pinned to the digest, `"+uhubRegistryHost+"/<repo_name>/<image_name>@<digest>`: "+
		"it never moves. Null when `digest` is null.", uhubTagPinnedPath),
	fieldtable.String("kind", kindDescription+" From the tag name only: UHub's API sends no manifest, so a tag named as cosign names "+
		"its signatures (`sha256-<digest>.sig`, `.att`, `.sbom`) is a `signature`, `attestation` or `sbom`, `sha256-<digest>` an "+
		"`artifact`, and every other tag an `image`.", func(t *uhubTag) string { return string(t.kind()) }),
)

// uhubTagPath is the pull address of a tag.
func uhubTagPath(t *uhubTag) string {
	return uhubRegistryHost + "/" + t.repo + "/" + t.image + ":" + t.TagName
}

// uhubTagPinnedPath is the pull address pinned to the tag's digest; ok is
// false when UHub gave no digest, since an address without one is no pin.
func uhubTagPinnedPath(t *uhubTag) (path string, ok bool) {
	if t.Digest == "" {
		return "", false
	}
	return uhubRegistryHost + "/" + t.repo + "/" + t.image + "@" + t.Digest, true
}

// ucloudImageTagsTable is the data source's top level.
var ucloudImageTagsTable = fieldtable.New("registry_ucloud_image_tags",
	fieldtable.String("id", "`<repo_name>/<image_name>`, prefixed with `<project_id>/` when this data source sets `project_id`, "+
		"followed by `?tag_regex=<tag_regex>` when given, such as `org-xxxx/shop/api?tag_regex=^v`; derived from the arguments only.",
		ucloudImageTagsID),
	fieldtable.Argument("repo_name", ucloudRepoNameAttribute(), func(s *ucloudImageTagsState) *types.String { return &s.repoName }),
	fieldtable.Argument("image_name", ucloudImageNameAttribute(), func(s *ucloudImageTagsState) *types.String { return &s.imageName }),
	fieldtable.Argument("project_id", ucloudProjectIDAttribute(), func(s *ucloudImageTagsState) *types.String { return &s.projectID }),
	fieldtable.Argument("tag_regex", schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "RE2 regular expression the tag name must match, applied after the listing, such as `^v[0-9]+\\.[0-9]+\\.[0-9]+$`.",
		Validators:          []validator.String{re2Validator{}},
	}, func(s *ucloudImageTagsState) *types.String { return &s.tagRegex }),
	fieldtable.Int64("total_count", "Number of tags UHub reports for the image, before `tag_regex`.",
		func(s *ucloudImageTagsState) int64 { return s.total }),
	fieldtable.List("tags", "The tags, ordered by `update_time` newest first; tags updated in the same second by name in descending "+
		"natural order (`v14.0.0` before `v13.0.0`, `v1.10` before `v1.9`). An empty list when the image has none or none match.",
		ucloudImageTagObject, func(s *ucloudImageTagsState) []uhubTag { return s.tags }),
	fieldtable.Single("latest", latestDescription, ucloudImageTagObject,
		func(s *ucloudImageTagsState) *uhubTag { return firstRunnable(s.tags, (*uhubTag).kind) }),
	fieldtable.Timeouts(readTimeoutsBlock, func(s *ucloudImageTagsState) *timeouts.Value { return &s.timeouts }),
)

func (d *ucloudImageTagsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ucloud_image_tags"
}

func (d *ucloudImageTagsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = ucloudImageTagsTable.Schema(ctx, "Every tag of a UCloud UHub image with its digest, newest first, with `latest` the newest one. "+
		"Pin `latest.pinned_path` (image@digest) in module inputs so that `terraform plan` shows when a tag is pushed again.")
}

// ucloudTagHints are ucloudHints for GetImageTag, whose parameters include
// the image: UHub rejects an unknown repository or image alike.
var ucloudTagHints = func() hints {
	h := maps.Clone(ucloudHints)
	h[apierror.KindBadRequest] = "UHub rejected a parameter: check repo_name and image_name (both must exist) and " + ucloudProjectHint + "."
	return h
}()

// ucloudTagReadError is ucloudReadError for GetImageTag: a rejected
// parameter names image_name too. The RetCodes ucloudReadError makes
// specific (ucloudRetCodeHints) are none of them rejected parameters.
func ucloudTagReadError(ctx context.Context, err error) diag.Diagnostic {
	if e, ok := apierror.As(err); ok && e.Kind == apierror.KindBadRequest {
		return readError(ctx, err, ucloudTagHints)
	}
	return ucloudReadError(ctx, err)
}

func (d *ucloudImageTagsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	fieldtable.FrameworkRead(ctx, d, req, resp)
}

func (d *ucloudImageTagsDataSource) ReadState(ctx context.Context, config tftypes.Value) ([]byte, diag.Diagnostics) {
	var s ucloudImageTagsState
	ctx, client, cancel, diags := openRead(ctx, config, ucloudImageTagsTable, &s, d.providerData().ucloud)
	defer cancel()
	if diags.HasError() {
		return nil, diags
	}
	list, err := client.ListImageTags(ctx, ucloud.ListImageTagsInput{
		RepoName:  s.repoName.ValueString(),
		ImageName: s.imageName.ValueString(),
		ProjectID: s.projectID.ValueString(),
	})
	if err != nil {
		diags.Append(ucloudTagReadError(ctx, err))
		return nil, diags
	}
	s.total = int64(list.TotalCount)
	s.tags = matching(uhubTags(s.repoName.ValueString(), s.imageName.ValueString(), list.Tags), s.tagRegex, (*uhubTag).name)
	sortTags(s.tags, (*uhubTag).name, (*uhubTag).updated)
	return encodeState(ctx, ucloudImageTagsTable, &s, len(s.tags)*400, diags)
}

// ucloudImagePath is "[<project_id>/]<repo_name>/<image_name>", from the
// data source's own arguments: the provider's project is not part of it.
func ucloudImagePath(projectID, repoName, imageName types.String) string {
	base := repoName.ValueString() + "/" + imageName.ValueString()
	if projectID.ValueString() != "" {
		base = projectID.ValueString() + "/" + base
	}
	return base
}

// ucloudImageTagsID is the image's path and the filter given.
func ucloudImageTagsID(s *ucloudImageTagsState) string {
	return listingID(ucloudImagePath(s.projectID, s.repoName, s.imageName), ifSet("tag_regex", s.tagRegex))
}
