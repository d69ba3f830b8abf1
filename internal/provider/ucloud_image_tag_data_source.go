package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/fieldtable"
	"github.com/registry-tools/terraform-provider-registry/internal/ucloud"
)

var (
	_ datasource.DataSource              = &ucloudImageTagDataSource{}
	_ datasource.DataSourceWithConfigure = &ucloudImageTagDataSource{}
	_ fieldtable.DataSource              = &ucloudImageTagDataSource{}
)

// NewUCloudImageTagDataSource is registry_ucloud_image_tag.
func NewUCloudImageTagDataSource() datasource.DataSource { return &ucloudImageTagDataSource{} }

type ucloudImageTagDataSource struct{ configured }

// ucloudImageTagState is one read: the arguments and the tag read.
type ucloudImageTagState struct {
	repoName, imageName, projectID types.String
	choice                         choice
	timeouts                       timeouts.Value

	tag uhubTag
}

// ucloudImageTagTable is the data source's top level: the arguments, then the
// tag's attributes as registry_ucloud_image_tags writes each of its tags,
// its name as the argument tag.
var ucloudImageTagTable = fieldtable.New("registry_ucloud_image_tag", append(append([]fieldtable.Field[ucloudImageTagState]{
	fieldtable.String("id", "`<repo_name>/<image_name>`, prefixed with `<project_id>/` when this data source sets `project_id`, "+
		"followed by the choice arguments when given, such as `shop/api?version_constraint=~> 1.4`; derived from the arguments only.",
		ucloudImageTagID),
	fieldtable.Argument("repo_name", ucloudRepoNameAttribute(), func(s *ucloudImageTagState) *types.String { return &s.repoName }),
	fieldtable.Argument("image_name", ucloudImageNameAttribute(), func(s *ucloudImageTagState) *types.String { return &s.imageName }),
	fieldtable.Argument("project_id", ucloudProjectIDAttribute(), func(s *ucloudImageTagState) *types.String { return &s.projectID }),
	fieldtable.Timeouts(readTimeoutsBlock, func(s *ucloudImageTagState) *timeouts.Value { return &s.timeouts }),
}, choiceFields(func(s *ucloudImageTagState) *choice { return &s.choice })...),
	fieldtable.Embed(ucloudImageTagObject, func(s *ucloudImageTagState) *uhubTag { return &s.tag }, nil, "tag")...)...,
)

func (d *ucloudImageTagDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ucloud_image_tag"
}

func (d *ucloudImageTagDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = ucloudImageTagTable.Schema(ctx, "One tag of a UCloud UHub image and its digest. "+
		choiceDescription+" Pin `pinned_path` (image@digest) in module inputs so that `terraform plan` shows when the tag is pushed again; "+
		"`digest` and `pinned_path` are null for a tag UHub reports without a digest.\n\n"+
		"Requests: an exact `tag` is one `GetImageTag` request. Otherwise every page of the image's `GetImageTag` listing is read, "+
		"the pages after the first concurrently: UHub lists tags in no documented order, so no page can be skipped.\n\n"+
		"UHub's API sends no manifest, so `kind` comes from the tag name only, and there is no `platform` choice as "+
		"`registry_swr_tag` has: a multi-platform tag's `digest` is its index's.")
}

func (d *ucloudImageTagDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	fieldtable.FrameworkRead(ctx, d, req, resp)
}

func (d *ucloudImageTagDataSource) ReadState(ctx context.Context, config tftypes.Value) ([]byte, diag.Diagnostics) {
	var s ucloudImageTagState
	ctx, client, cancel, diags := openRead(ctx, config, ucloudImageTagTable, &s, d.providerData().ucloud)
	defer cancel()
	if diags.HasError() {
		return nil, diags
	}
	found, fdiags := findUHubTag(ctx, client, &s)
	diags.Append(fdiags...)
	if diags.HasError() {
		return nil, diags
	}
	if !found {
		return encodeStateNulls(ctx, ucloudImageTagTable, &s, ucloudImageTagAbsent, 512, diags)
	}
	s.choice.chosen = s.tag.TagName
	return encodeState(ctx, ucloudImageTagTable, &s, 1024, diags)
}

// ucloudImageTagAbsent are the attributes written as null when
// allow_missing finds nothing: every attribute of the tag.
var ucloudImageTagAbsent = ucloudImageTagTable.ComputedExcept("id", "exists")

// findUHubTag reads the tag the arguments name or choose into s.tag. found
// is false, without an error, only when allow_missing turns "not there"
// into exists = false.
func findUHubTag(ctx context.Context, client *ucloud.Client, s *ucloudImageTagState) (found bool, diags diag.Diagnostics) {
	repo, image := s.repoName.ValueString(), s.imageName.ValueString()
	where := repo + "/" + image
	if s.choice.exact() {
		t, err := client.ImageTag(ctx, ucloud.ImageTagInput{
			RepoName: repo, ImageName: image, TagName: s.choice.tag.ValueString(), ProjectID: s.projectID.ValueString(),
		})
		if err != nil {
			if apierror.IsMissing(err) && s.choice.absent() {
				return false, nil
			}
			if tagNotFound(err) {
				e, _ := apierror.As(err)
				diags.Append(unknownTag(where, s.choice.tag.ValueString(), e))
				return false, diags
			}
			diags.Append(ucloudTagReadError(ctx, err))
			return false, diags
		}
		s.tag = uhubTag{ImageTag: *t, repo: repo, image: image}
		return true, diags
	}
	ch, err := chooseFrom(&s.choice, (*uhubTag).name, (*uhubTag).updated, (*uhubTag).kind)
	if err != nil {
		diags.AddError("Invalid choice arguments", err.Error())
		return false, diags
	}
	// UHub has no server-side order: every tag is read before choosing.
	list, err := client.ListImageTags(ctx, ucloud.ListImageTagsInput{RepoName: repo, ImageName: image, ProjectID: s.projectID.ValueString()})
	if err != nil {
		if apierror.IsMissing(err) && s.choice.absent() {
			return false, nil
		}
		diags.Append(ucloudTagReadError(ctx, err))
		return false, diags
	}
	ch.Offer(uhubTags(repo, image, list.Tags))
	best, ok := ch.Choice()
	if !ok {
		if s.choice.absent() {
			return false, nil
		}
		diags.AddError(noCandidate(where, &s.choice, ch.Seen(), ch.Refused(), artifactsLeftOut))
		return false, diags
	}
	s.tag = best
	return true, diags
}

// tagNotFound says whether err is the client's answer for a tag the image
// does not have: kind NotFound from a successful answer, with no RetCode.
// An unknown project is NotFound too, but carries RetCode 292; an HTTP 404
// from a gateway carries its status.
func tagNotFound(err error) bool {
	e, ok := apierror.As(err)
	return ok && e.Kind == apierror.KindNotFound && e.Code == "" && e.HTTPStatus < 400
}

// ucloudImageTagID is the image's path and the choice arguments given.
func ucloudImageTagID(s *ucloudImageTagState) string {
	return listingID(ucloudImagePath(s.projectID, s.repoName, s.imageName), s.choice.idFilters()...)
}
