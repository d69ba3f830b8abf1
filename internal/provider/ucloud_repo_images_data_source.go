package provider

import (
	"context"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"maps"
	"regexp"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/fieldtable"
	"github.com/registry-tools/terraform-provider-registry/internal/ucloud"
)

var (
	_ datasource.DataSource              = &ucloudRepoImagesDataSource{}
	_ datasource.DataSourceWithConfigure = &ucloudRepoImagesDataSource{}
	_ fieldtable.DataSource              = &ucloudRepoImagesDataSource{}
)

// NewUCloudRepoImagesDataSource is registry_ucloud_repo_images.
func NewUCloudRepoImagesDataSource() datasource.DataSource { return &ucloudRepoImagesDataSource{} }

type ucloudRepoImagesDataSource struct{ configured }

// ucloudRepoImagesState is one read: the arguments, decoded from the
// configuration by ucloudRepoImagesTable' table, and what the listing found.
type ucloudRepoImagesState struct {
	repoName, projectID, nameRegex types.String
	timeouts                       timeouts.Value

	total  int64
	images []ucloud.Image // filtered and sorted
}

// uhubRegistryHost is where UHub images are pulled from.
const uhubRegistryHost = "uhub.service.ucloud.cn"

// uhubRepoNameRule is what repo_name must look like. UCloud documents no
// rule for repository names (GetRepoImage and CreateRepo say only "镜像仓库名称");
// the name is one path segment of uhub.service.ucloud.cn/<repo>/<image>,
// so no '/' and no whitespace.
var uhubRepoNameRule = regexp.MustCompile(`^[^/\s]+$`)

// ucloudRepoNameAttribute is the repo_name argument of every UHub data source.
func ucloudRepoNameAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Required:            true,
		MarkdownDescription: "UHub repository (the namespace in `" + uhubRegistryHost + "/<repo_name>/<image>`).",
		Validators: []validator.String{nameValidator{maxLen: 128, rule: uhubRepoNameRule,
			ruleText: "must be one repository name, without '/' or whitespace"}},
	}
}

// ucloudProjectIDAttribute is the project_id argument of every UHub data source.
func ucloudProjectIDAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "UCloud project of the repository, such as `org-xxxx`; overrides the provider's `project_id`. " +
			"When neither is set, UHub uses the account's default project (sub-accounts must give one).",
		Validators: []validator.String{nameValidator{rule: regexp.MustCompile(`^\S+$`),
			ruleText: "must be a project ID such as org-xxxx, without whitespace"}},
	}
}

// ucloudImageObject is one image of images.
var ucloudImageObject = fieldtable.New("UHub image",
	fieldtable.String("image_name", "Image name within the repository.", func(im *ucloud.Image) string { return im.ImageName }),
	fieldtable.String("repo_name", "Repository name, as UHub reports it.", func(im *ucloud.Image) string { return im.RepoName }),
	fieldtable.Int64("pull_count", "How many times the image has been pulled.", func(im *ucloud.Image) int64 { return im.PullCount }),
	fieldtable.NullableTime("create_time", "Creation time, RFC 3339 in UTC (UHub sends unix seconds or a date-time string); "+
		"null only if UHub sent none.", func(im *ucloud.Image) time.Time { return im.CreateTime }),
	fieldtable.NullableTime("update_time", "Time of the last push, RFC 3339 in UTC; null only if UHub sent none.",
		func(im *ucloud.Image) time.Time { return im.UpdateTime }),
	fieldtable.NullableString("latest_tag", "The most recently pushed tag; null when UHub reports none.",
		fieldtable.Given(func(im *ucloud.Image) string { return im.LatestTag })),
	fieldtable.NullableString("latest_path", "Pull address of the most recently pushed tag, `"+uhubRegistryHost+"/<repo_name>/<image_name>:<latest_tag>`; "+
		"null when the image has no `latest_tag`, since an address without a tag would silently mean `:latest`.", uhubLatestPath),
)

// ucloudRepoImagesTable is the data source's top level.
var ucloudRepoImagesTable = fieldtable.New("registry_ucloud_repo_images",
	fieldtable.String("id", "`<repo_name>`, prefixed with `<project_id>/` when this data source sets `project_id`, "+
		"followed by `?name_regex=<name_regex>` when given, such as `org-xxxx/shop?name_regex=^api$`; derived from the arguments only.",
		ucloudRepoImagesID),
	fieldtable.Argument("repo_name", ucloudRepoNameAttribute(), func(s *ucloudRepoImagesState) *types.String { return &s.repoName }),
	fieldtable.Argument("project_id", ucloudProjectIDAttribute(), func(s *ucloudRepoImagesState) *types.String { return &s.projectID }),
	fieldtable.Argument("name_regex", schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "RE2 regular expression the `image_name` must match, applied after the listing, such as `^api(-server)?$`.",
		Validators:          []validator.String{re2Validator{}},
	}, func(s *ucloudRepoImagesState) *types.String { return &s.nameRegex }),
	fieldtable.Int64("total_count", "Number of images UHub reports in the repository, before `name_regex`.",
		func(s *ucloudRepoImagesState) int64 { return s.total }),
	fieldtable.List("images", "The images, ordered by `update_time` newest first, then by `image_name`; "+
		"an empty list when the repository has none or none match.", ucloudImageObject,
		func(s *ucloudRepoImagesState) []ucloud.Image { return s.images }),
	fieldtable.Single("latest", "The first of `images`: the most recently pushed image. Null when there are none.", ucloudImageObject,
		func(s *ucloudRepoImagesState) *ucloud.Image {
			if len(s.images) == 0 {
				return nil
			}
			return &s.images[0]
		}),
	fieldtable.Timeouts(readTimeoutsBlock, func(s *ucloudRepoImagesState) *timeouts.Value { return &s.timeouts }),
)

func (d *ucloudRepoImagesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ucloud_repo_images"
}

func (d *ucloudRepoImagesDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = ucloudRepoImagesTable.Schema(ctx, "Every image of a UCloud UHub repository, most recently pushed first, with `latest` the newest one. "+
		"Pass `latest.latest_path` to a module input so that `terraform plan` shows when a new tag is pushed; "+
		"`latest` is null when no image matches, so guard it (`lifecycle { postcondition }`, `try()`).")
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
	fieldtable.FrameworkRead(ctx, d, req, resp)
}

func (d *ucloudRepoImagesDataSource) ReadState(ctx context.Context, config tftypes.Value) ([]byte, diag.Diagnostics) {
	var s ucloudRepoImagesState
	ctx, client, cancel, diags := openRead(ctx, config, ucloudRepoImagesTable, &s, d.providerData().ucloud)
	defer cancel()
	if diags.HasError() {
		return nil, diags
	}
	list, err := client.ListRepoImages(ctx, ucloud.ListRepoImagesInput{
		RepoName:  s.repoName.ValueString(),
		ProjectID: s.projectID.ValueString(),
	})
	if err != nil {
		diags.Append(ucloudReadError(ctx, err))
		return nil, diags
	}
	s.total = int64(list.TotalCount)
	s.images = matching(list.Images, s.nameRegex, func(im *ucloud.Image) string { return im.ImageName })
	sortNewestFirst(s.images, func(im *ucloud.Image) time.Time { return im.UpdateTime }, func(im *ucloud.Image) string { return im.ImageName })
	return encodeState(ctx, ucloudRepoImagesTable, &s, len(s.images)*400, diags)
}

// ucloudRepoImagesID is "[<project_id>/]<repo_name>[?name_regex=…]", from the
// data source's own arguments: the provider's project is not part of it.
func ucloudRepoImagesID(s *ucloudRepoImagesState) string {
	base := s.repoName.ValueString()
	if s.projectID.ValueString() != "" {
		base = s.projectID.ValueString() + "/" + base
	}
	return listingID(base, ifSet("name_regex", s.nameRegex))
}

// uhubLatestPath is the pull address of an image's latest tag; ok is false
// when there is no tag to pull.
func uhubLatestPath(im *ucloud.Image) (path string, ok bool) {
	if im.LatestTag == "" {
		return "", false
	}
	return uhubRegistryHost + "/" + im.RepoName + "/" + im.ImageName + ":" + im.LatestTag, true
}
