package provider

import (
	"context"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/fieldtable"
	"github.com/registry-tools/terraform-provider-registry/internal/ppio"
)

var (
	_ datasource.DataSource              = &ppioImagesDataSource{}
	_ datasource.DataSourceWithConfigure = &ppioImagesDataSource{}
	_ fieldtable.DataSource              = &ppioImagesDataSource{}
)

// NewPPIOImagesDataSource is registry_ppio_images.
func NewPPIOImagesDataSource() datasource.DataSource { return &ppioImagesDataSource{} }

type ppioImagesDataSource struct{ configured }

// ppioImagesState is one read: the arguments, decoded from the
// configuration by ppioImagesTable' table, and what the listing found.
type ppioImagesState struct {
	imageType, name, nameRegex types.String
	timeouts                   timeouts.Value

	images []ppio.Image // filtered and sorted
}

// ppioImageTypes are the values of type the API takes.
var ppioImageTypes = []string{"base", "community", "private"}

// ppioImageTagObject is one tag of an image.
var ppioImageTagObject = fieldtable.New("PPIO image tag",
	fieldtable.String("id", "Tag ID.", func(t *ppio.Tag) string { return t.ID }),
	fieldtable.String("tag", "Tag name, such as `latest`.", func(t *ppio.Tag) string { return t.Tag }),
	fieldtable.String("owner_id", "ID of the account that owns the tag.", func(t *ppio.Tag) string { return t.OwnerID }),
	fieldtable.String("full_image_name", "Pull address with the tag, `<image>:<tag>`.", func(t *ppio.Tag) string { return t.FullImageName }),
)

// ppioImageObject is one image of images.
var ppioImageObject = fieldtable.New("PPIO image",
	fieldtable.String("id", "Image ID.", func(img *ppio.Image) string { return img.ID }),
	fieldtable.String("name", "Image name.", func(img *ppio.Image) string { return img.Name }),
	fieldtable.String("image", "Image address in the registry, without a tag, such as `<registry>/<namespace>/<name>`; "+
		"append `:<tag>` to pull, or use a tag's `full_image_name`.", func(img *ppio.Image) string { return img.Image }),
	fieldtable.String("type", "`base`, `community` or `private`.", func(img *ppio.Image) string { return img.Type }),
	fieldtable.NullableString("status", "Image status: `normal` when the image can be used; otherwise `unknown`, `hide`, `disable`, "+
		"`creating` or `deleting` as PPIO reports it. Null when PPIO reports none.", fieldtable.Given(func(img *ppio.Image) string { return img.Status })),
	fieldtable.NullableString("status_error", "Error code or type of the status, such as `IMAGE_PULL_FAILED`; null when PPIO reports none.",
		fieldtable.Given(func(img *ppio.Image) string { return img.StatusError })),
	fieldtable.NullableString("status_message", "Note or error message of the status; null when PPIO reports none.",
		fieldtable.Given(func(img *ppio.Image) string { return img.StatusMessage })),
	fieldtable.NullableTime("created_at", "Creation time, RFC 3339 in UTC (PPIO sends unix seconds); null only if PPIO sent none.",
		func(img *ppio.Image) time.Time { return img.CreatedAt }),
	fieldtable.List("tags", "The image's tags, in the order PPIO lists them; an empty list when it has none.", ppioImageTagObject,
		func(img *ppio.Image) []ppio.Tag { return img.Tags }),
)

// ppioImagesTable is the data source's top level.
var ppioImagesTable = fieldtable.New("registry_ppio_images",
	fieldtable.String("id", "`ppio-images`, followed by the filters when given, such as `ppio-images?type=private&name=pytorch`; "+
		"derived from the arguments only.", ppioImagesID),
	fieldtable.Argument("type", schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Server-side filter: only images of this type, `base`, `community` or `private`. All types when left out.",
		Validators:          []validator.String{stringvalidator.OneOf(ppioImageTypes...)},
	}, func(s *ppioImagesState) *types.String { return &s.imageType }),
	fieldtable.Argument("name", schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "Server-side filter on the image name, matched by PPIO (up to 255 characters). " +
			"An empty string does not filter. Use `name_regex` for an exact match.",
		Validators: []validator.String{stringvalidator.LengthBetween(0, 255)},
	}, func(s *ppioImagesState) *types.String { return &s.name }),
	fieldtable.Argument("name_regex", schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "RE2 regular expression the image `name` must match, applied after the listing, such as `^pytorch-2\\.[0-9]+$`.",
		Validators:          []validator.String{re2Validator{}},
	}, func(s *ppioImagesState) *types.String { return &s.nameRegex }),
	fieldtable.List("images", "The images, ordered by `created_at` newest first, then by `id`; an empty list when none match. "+
		"Filter on `status == \"normal\"` to keep only usable images.", ppioImageObject,
		func(s *ppioImagesState) []ppio.Image { return s.images }),
	fieldtable.Single("latest", "The first of `images`: the most recently created image. Null when there are none.", ppioImageObject,
		func(s *ppioImagesState) *ppio.Image {
			if len(s.images) == 0 {
				return nil
			}
			return &s.images[0]
		}),
	fieldtable.Timeouts(readTimeoutsBlock, func(s *ppioImagesState) *timeouts.Value { return &s.timeouts }),
)

func (d *ppioImagesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ppio_images"
}

func (d *ppioImagesDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = ppioImagesTable.Schema(ctx, "Every PPIO GPU image the filters select, newest first, with `latest` the newest one. "+
		"Filter by `type` and `name` on the server and by `name_regex` here, then pass a tag's `full_image_name` of `latest` "+
		"to a module input so that `terraform plan` shows when a newer image is pushed; "+
		"`latest` is null when no image matches, so guard it (`lifecycle { postcondition }`, `try()`).")
}

var ppioHints = hints{
	apierror.KindAuth:       "PPIO refused the API key: check api_key / " + envPPIOAPIKey + ", and that the key has not been revoked.",
	apierror.KindPermission: "The API key is valid but may not list images: check the key's permissions in the PPIO console.",
	apierror.KindNotFound:   "The image API was not found: check that endpoint / " + envPPIOEndpoint + " is the PPIO API base URL, such as " + defaultPPIOEndpoint + ".",
	apierror.KindBadRequest: "PPIO rejected a parameter: check type and name.",
	apierror.KindTransport:  "Check ppio endpoint / " + envPPIOEndpoint + ", the network, and request_timeout / REGISTRY_REQUEST_TIMEOUT.",
	apierror.KindDecode:     "PPIO's answer could not be read; check that endpoint / " + envPPIOEndpoint + " points at the PPIO API.",
	apierror.KindConfig:     "Check ppio endpoint / " + envPPIOEndpoint + ": it must be an absolute URL such as " + defaultPPIOEndpoint + ".",
}

func (d *ppioImagesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	fieldtable.FrameworkRead(ctx, d, req, resp)
}

func (d *ppioImagesDataSource) ReadState(ctx context.Context, config tftypes.Value) ([]byte, diag.Diagnostics) {
	var s ppioImagesState
	ctx, client, cancel, diags := openRead(ctx, config, ppioImagesTable, &s, d.providerData().ppio)
	defer cancel()
	if diags.HasError() {
		return nil, diags
	}
	list, err := client.ListImages(ctx, ppio.ListImagesInput{
		Type: s.imageType.ValueString(),
		Name: s.name.ValueString(),
	})
	if err != nil {
		diags.Append(readError(ctx, err, ppioHints))
		return nil, diags
	}
	s.images = matching(list.Images, s.nameRegex, func(img *ppio.Image) string { return img.Name })
	sortNewestFirst(s.images, func(img *ppio.Image) time.Time { return img.CreatedAt }, func(img *ppio.Image) string { return img.ID })
	return encodeState(ctx, ppioImagesTable, &s, len(s.images)*600, diags)
}

// ppioImagesID is "ppio-images" followed by the filters that filter: an
// empty name selects what no name does, so it leaves the id alone.
func ppioImagesID(s *ppioImagesState) string {
	return listingID("ppio-images", ifNotEmpty("type", s.imageType), ifNotEmpty("name", s.name), ifSet("name_regex", s.nameRegex))
}
