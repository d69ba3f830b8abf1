package provider

import (
	"cmp"
	"context"
	"maps"
	"regexp"
	"slices"
	"strconv"

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
	"github.com/registry-tools/terraform-provider-registry/internal/ucloud"
)

var (
	_ datasource.DataSource              = &ucloudRepoImagesDataSource{}
	_ datasource.DataSourceWithConfigure = &ucloudRepoImagesDataSource{}
	_ listingDataSource                  = &ucloudRepoImagesDataSource{}
)

// NewUCloudRepoImagesDataSource is registry_ucloud_repo_images.
func NewUCloudRepoImagesDataSource() datasource.DataSource { return &ucloudRepoImagesDataSource{} }

type ucloudRepoImagesDataSource struct{ configured }

// ucloudRepoImagesModel is the data source's configuration; the computed
// attributes are written by readState's stateEncoder.
type ucloudRepoImagesModel struct {
	ID         types.String   `tfsdk:"id"`
	RepoName   types.String   `tfsdk:"repo_name"`
	ProjectID  types.String   `tfsdk:"project_id"`
	NameRegex  types.String   `tfsdk:"name_regex"`
	TotalCount types.Int64    `tfsdk:"total_count"`
	Images     types.List     `tfsdk:"images"`
	Timeouts   timeouts.Value `tfsdk:"timeouts"`
}

// uhubRegistryHost is where UHub images are pulled from.
const uhubRegistryHost = "uhub.service.ucloud.cn"

// uhubRepoNameRule is what repo_name must look like. UCloud documents no
// rule for repository names (GetRepoImage and CreateRepo say only "镜像仓库名称");
// the name is one path segment of uhub.service.ucloud.cn/<repo>/<image>,
// so no '/' and no whitespace.
var uhubRepoNameRule = regexp.MustCompile(`^[^/\s]+$`)

func ucloudImageAttributes() map[string]schema.Attribute {
	s := func(d string) schema.Attribute { return schema.StringAttribute{Computed: true, MarkdownDescription: d} }
	return map[string]schema.Attribute{
		"image_name": s("Image name within the repository."),
		"repo_name":  s("Repository name, as UHub reports it."),
		"pull_count": schema.Int64Attribute{Computed: true, MarkdownDescription: "How many times the image has been pulled."},
		"create_time": s("Creation time, RFC 3339 in UTC (UHub sends unix seconds or a date-time string); " +
			"null only if UHub sent none."),
		"update_time": s("Time of the last push, RFC 3339 in UTC; null only if UHub sent none."),
		"latest_tag":  s("The most recently pushed tag; an empty string when UHub reports none."),
		"latest_path": s("Pull address of the most recently pushed tag, `" + uhubRegistryHost + "/<repo_name>/<image_name>:<latest_tag>`; " +
			"null when the image has no `latest_tag`, since an address without a tag would silently mean `:latest`."),
	}
}

func (d *ucloudRepoImagesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ucloud_repo_images"
}

func (d *ucloudRepoImagesDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every image of a UCloud UHub repository, most recently pushed first. " +
			"Pass the first image's `latest_path` to a module input so that `terraform plan` shows when a new tag is pushed.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "`<repo_name>`, prefixed with `<project_id>/` when this data source sets `project_id`, " +
					"followed by `?name_regex=<name_regex>` when given, such as `org-xxxx/shop?name_regex=^api$`; derived from the arguments only.",
			},
			"repo_name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "UHub repository (the namespace in `" + uhubRegistryHost + "/<repo_name>/<image>`).",
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 128),
					stringvalidator.RegexMatches(uhubRepoNameRule, "must be one repository name, without '/' or whitespace"),
				},
			},
			"project_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "UCloud project of the repository, such as `org-xxxx`; overrides the provider's `project_id`. " +
					"When neither is set, UHub uses the account's default project (sub-accounts must give one).",
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.RegexMatches(regexp.MustCompile(`^\S+$`), "must be a project ID such as org-xxxx, without whitespace"),
				},
			},
			"name_regex": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "RE2 regular expression the `image_name` must match, applied after the listing, such as `^api(-server)?$`.",
				Validators:          []validator.String{re2Validator{}},
			},
			"total_count": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Number of images UHub reports in the repository, before `name_regex`.",
			},
			"images": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "The images, ordered by `update_time` newest first, then by `image_name`; " +
					"an empty list when the repository has none or none match.",
				NestedObject: schema.NestedAttributeObject{Attributes: ucloudImageAttributes()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx),
		},
	}
}

const ucloudProjectHint = "project_id (in this data source, which overrides the provider's ucloud project_id / " + envUCloudProjectID + ")"

var ucloudHints = hints{
	apierror.KindAuth: "UCloud refused the key pair: check public_key / " + envUCloudPublicKey + " and private_key / " + envUCloudPrivateKey +
		"; they must be the two halves of one API key pair from the UCloud console.",
	apierror.KindPermission: "The key pair is valid but may not list UHub images: grant it UHub read access, and check " + ucloudProjectHint + ".",
	apierror.KindNotFound:   "Check repo_name, and " + ucloudProjectHint + ": the repository must exist in that project.",
	apierror.KindBadRequest: "UHub rejected a parameter: check repo_name (the repository must exist) and " + ucloudProjectHint + ".",
	apierror.KindTransport:  "Check ucloud endpoint / " + envUCloudEndpoint + ", the network, and request_timeout / REGISTRY_REQUEST_TIMEOUT.",
	apierror.KindDecode:     "UHub's answer could not be read; check that ucloud endpoint / " + envUCloudEndpoint + " points at the UCloud API, such as " + defaultUCloudEndpoint + ".",
	apierror.KindConfig:     "Check ucloud endpoint / " + envUCloudEndpoint + ": it must be an absolute URL such as " + defaultUCloudEndpoint + ".",
}

// ucloudRetCodeHints replace ucloudHints' advice for the RetCodes that say
// exactly which credential or setting is wrong.
var ucloudRetCodeHints = map[int]string{
	ucloud.RetCodeBadSignature: "Check private_key / " + envUCloudPrivateKey + ": it is not the one paired with the public key; " +
		"copy both halves of one API key pair from the UCloud console.",
	ucloud.RetCodeNoSuchUser: "Check public_key / " + envUCloudPublicKey + ": no UCloud account has it; copy it from the UCloud console's API keys, " +
		"together with its private_key / " + envUCloudPrivateKey + ".",
	ucloud.RetCodeNoSuchProject: "Check project_id / " + envUCloudProjectID + ": this data source's project_id, when set, overrides the provider's; " +
		"leave both unset to use the account's default project.",
	ucloud.RetCodePermissionDenied: "The key may not read UHub in this project: sub-accounts need UHub read access granted in the UCloud console, " +
		"and a project_id / " + envUCloudProjectID + " (this data source's overrides the provider's).",
}

// ucloudReadError is readError with ucloudHints, made specific to the
// RetCode where UHub says exactly what is wrong.
func ucloudReadError(ctx context.Context, err error) diag.Diagnostic {
	h := ucloudHints
	if e, ok := apierror.As(err); ok {
		if code, cerr := strconv.Atoi(e.Code); cerr == nil && ucloudRetCodeHints[code] != "" {
			h = maps.Clone(ucloudHints)
			h[e.Kind] = ucloudRetCodeHints[code]
		}
	}
	return readError(ctx, err, h)
}

func (d *ucloudRepoImagesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	readListing(ctx, d, req, resp)
}

func (d *ucloudRepoImagesDataSource) readState(ctx context.Context, config tfsdk.Config) ([]byte, diag.Diagnostics) {
	var m ucloudRepoImagesModel
	diags := config.Get(ctx, &m)
	if diags.HasError() {
		return nil, diags
	}
	data := d.providerData()
	ctx, cancel, sdiags := startRead(ctx, m.Timeouts, ucloud.CloudName, data.ucloud != nil, data.ucloudMissing, data.ucloudSecrets)
	defer cancel()
	if diags.Append(sdiags...); diags.HasError() {
		return nil, diags
	}

	list, err := data.ucloud.ListRepoImages(ctx, ucloud.ListRepoImagesInput{
		RepoName:  m.RepoName.ValueString(),
		ProjectID: m.ProjectID.ValueString(),
	})
	if err != nil {
		diags.Append(ucloudReadError(ctx, err))
		return nil, diags
	}
	images := list.Images
	if !m.NameRegex.IsNull() {
		nameRegex := regexp.MustCompile(m.NameRegex.ValueString()) // validated at plan time
		images = slices.DeleteFunc(images, func(im ucloud.Image) bool { return !nameRegex.MatchString(im.ImageName) })
	}
	sortUCloudImages(images)

	e := newStateEncoder(len(images) * 400)
	e.object(7)
	e.echo(config.Raw, "repo_name", "project_id", "name_regex", "timeouts")
	e.str("id", ucloudRepoImagesID(m))
	e.int("total_count", int64(list.TotalCount))
	e.key("images")
	e.list(len(images))
	for i := range images {
		encodeUCloudImage(e, &images[i])
	}
	return finishState(e, diags)
}

// sortUCloudImages orders by update_time, newest first, then by image_name,
// so that an unchanged repository always yields the same list.
func sortUCloudImages(images []ucloud.Image) {
	slices.SortFunc(images, func(a, b ucloud.Image) int {
		if c := b.UpdateTime.Compare(a.UpdateTime); c != 0 {
			return c
		}
		return cmp.Compare(a.ImageName, b.ImageName)
	})
}

// ucloudRepoImagesID is "[<project_id>/]<repo_name>[?name_regex=…]", from the
// data source's own arguments: the provider's project is not part of it.
func ucloudRepoImagesID(m ucloudRepoImagesModel) string {
	id := m.RepoName.ValueString()
	if m.ProjectID.ValueString() != "" {
		id = m.ProjectID.ValueString() + "/" + id
	}
	if !m.NameRegex.IsNull() {
		id += "?name_regex=" + m.NameRegex.ValueString()
	}
	return id
}

// uhubLatestPath is the pull address of an image's latest tag; ok is false
// when there is no tag to pull.
func uhubLatestPath(im *ucloud.Image) (path string, ok bool) {
	if im.LatestTag == "" {
		return "", false
	}
	return uhubRegistryHost + "/" + im.RepoName + "/" + im.ImageName + ":" + im.LatestTag, true
}

// encodeUCloudImage writes one image object; its attributes are
// ucloudImageAttributes'.
func encodeUCloudImage(e *stateEncoder, im *ucloud.Image) {
	e.object(7)
	e.str("image_name", im.ImageName)
	e.str("repo_name", im.RepoName)
	e.int("pull_count", im.PullCount)
	e.strOrNull("create_time", apitime.Format(im.CreateTime), im.CreateTime.IsZero())
	e.strOrNull("update_time", apitime.Format(im.UpdateTime), im.UpdateTime.IsZero())
	e.str("latest_tag", im.LatestTag)
	latest, ok := uhubLatestPath(im)
	e.strOrNull("latest_path", latest, !ok)
}
