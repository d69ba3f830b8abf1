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
	"github.com/registry-tools/terraform-provider-registry/internal/ppio"
)

var (
	_ datasource.DataSource              = &ppioImagesDataSource{}
	_ datasource.DataSourceWithConfigure = &ppioImagesDataSource{}
	_ listingDataSource                  = &ppioImagesDataSource{}
)

// NewPPIOImagesDataSource is registry_ppio_images.
func NewPPIOImagesDataSource() datasource.DataSource { return &ppioImagesDataSource{} }

type ppioImagesDataSource struct{ configured }

// ppioImagesModel is the data source's configuration; the computed
// attributes are written by readState's stateEncoder.
type ppioImagesModel struct {
	ID        types.String   `tfsdk:"id"`
	Type      types.String   `tfsdk:"type"`
	Name      types.String   `tfsdk:"name"`
	NameRegex types.String   `tfsdk:"name_regex"`
	Images    types.List     `tfsdk:"images"`
	Timeouts  timeouts.Value `tfsdk:"timeouts"`
}

// ppioImageTypes are the values of type the API takes.
var ppioImageTypes = []string{"base", "community", "private"}

func ppioImageAttributes() map[string]schema.Attribute {
	s := func(d string) schema.Attribute { return schema.StringAttribute{Computed: true, MarkdownDescription: d} }
	return map[string]schema.Attribute{
		"id":    s("Image ID."),
		"name":  s("Image name."),
		"image": s("Image address in the registry, without a tag, such as `<registry>/<namespace>/<name>`; append `:<tag>` to pull, or use a tag's `full_image_name`."),
		"type":  s("`base`, `community` or `private`."),
		"status": s("Image status: `normal` when the image can be used; otherwise `unknown`, `hide`, `disable`, " +
			"`creating` or `deleting` as PPIO reports it."),
		"status_error":   s("Error code or type of the status, such as `IMAGE_PULL_FAILED`; an empty string (never null) when PPIO reports none."),
		"status_message": s("Note or error message of the status; an empty string (never null) when PPIO reports none."),
		"created_at":     s("Creation time, RFC 3339 in UTC (PPIO sends unix seconds); null only if PPIO sent none."),
		"tags": schema.ListNestedAttribute{
			Computed:            true,
			MarkdownDescription: "The image's tags, in the order PPIO lists them; an empty list when it has none.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"id":              s("Tag ID."),
				"tag":             s("Tag name, such as `latest`."),
				"owner_id":        s("ID of the account that owns the tag."),
				"full_image_name": s("Pull address with the tag, `<image>:<tag>`."),
			}},
		},
	}
}

func (d *ppioImagesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ppio_images"
}

func (d *ppioImagesDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every PPIO GPU image the filters select, newest first. " +
			"Filter by `type` and `name` on the server and by `name_regex` here, then pass the first image's `image` " +
			"(or a tag's `full_image_name`) to a module input so that `terraform plan` shows when a newer image is pushed.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "`ppio-images`, followed by the filters when given, such as `ppio-images?type=private&name=pytorch`; " +
					"derived from the arguments only.",
			},
			"type": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Server-side filter: only images of this type, `base`, `community` or `private`. All types when left out.",
				Validators:          []validator.String{stringvalidator.OneOf(ppioImageTypes...)},
			},
			"name": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Server-side filter on the image name, matched by PPIO (up to 255 characters). " +
					"An empty string does not filter. Use `name_regex` for an exact match.",
				Validators: []validator.String{stringvalidator.LengthBetween(0, 255)},
			},
			"name_regex": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "RE2 regular expression the image `name` must match, applied after the listing, such as `^pytorch-2\\.[0-9]+$`.",
				Validators:          []validator.String{re2Validator{}},
			},
			"images": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "The images, ordered by `created_at` newest first, then by `id`; an empty list when none match. " +
					"Filter on `status == \"normal\"` to keep only usable images.",
				NestedObject: schema.NestedAttributeObject{Attributes: ppioImageAttributes()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx),
		},
	}
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
	readListing(ctx, d, req, resp)
}

func (d *ppioImagesDataSource) readState(ctx context.Context, config tfsdk.Config) ([]byte, diag.Diagnostics) {
	var m ppioImagesModel
	diags := config.Get(ctx, &m)
	if diags.HasError() {
		return nil, diags
	}
	data := d.providerData()
	ctx, cancel, sdiags := startRead(ctx, m.Timeouts, ppio.CloudName, data.ppio != nil, data.ppioMissing, data.ppioSecrets)
	defer cancel()
	if diags.Append(sdiags...); diags.HasError() {
		return nil, diags
	}

	list, err := data.ppio.ListImages(ctx, ppio.ListImagesInput{
		Type: m.Type.ValueString(),
		Name: m.Name.ValueString(),
	})
	if err != nil {
		diags.Append(readError(ctx, err, ppioHints))
		return nil, diags
	}
	images := list.Images
	if !m.NameRegex.IsNull() {
		nameRegex := regexp.MustCompile(m.NameRegex.ValueString()) // validated at plan time
		images = slices.DeleteFunc(images, func(img ppio.Image) bool { return !nameRegex.MatchString(img.Name) })
	}
	sortPPIOImages(images)

	e := newStateEncoder(len(images) * 600)
	e.object(6)
	e.echo(config.Raw, "type", "name", "name_regex", "timeouts")
	e.str("id", ppioImagesID(m))
	e.key("images")
	e.list(len(images))
	for i := range images {
		encodePPIOImage(e, &images[i])
	}
	return finishState(e, diags)
}

// sortPPIOImages orders by created_at, newest first, then by id, so that an
// unchanged account always yields the same list.
func sortPPIOImages(images []ppio.Image) {
	slices.SortFunc(images, func(a, b ppio.Image) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// ppioImagesID is "ppio-images" followed by the filters that filter: an
// empty name selects what no name does, so it leaves the id alone.
func ppioImagesID(m ppioImagesModel) string {
	id := "ppio-images"
	var q []string
	if m.Type.ValueString() != "" {
		q = append(q, "type="+m.Type.ValueString())
	}
	if m.Name.ValueString() != "" {
		q = append(q, "name="+m.Name.ValueString())
	}
	if !m.NameRegex.IsNull() {
		q = append(q, "name_regex="+m.NameRegex.ValueString())
	}
	if len(q) > 0 {
		id += "?" + strings.Join(q, "&")
	}
	return id
}

// encodePPIOImage writes one image object; its attributes are
// ppioImageAttributes'.
func encodePPIOImage(e *stateEncoder, img *ppio.Image) {
	e.object(9)
	e.str("id", img.ID)
	e.str("name", img.Name)
	e.str("image", img.Image)
	e.str("type", img.Type)
	e.str("status", img.Status)
	e.str("status_error", img.StatusError)
	e.str("status_message", img.StatusMessage)
	e.strOrNull("created_at", apitime.Format(img.CreatedAt), img.CreatedAt.IsZero())
	e.key("tags")
	e.list(len(img.Tags))
	for _, t := range img.Tags {
		e.object(4)
		e.str("id", t.ID)
		e.str("tag", t.Tag)
		e.str("owner_id", t.OwnerID)
		e.str("full_image_name", t.FullImageName)
	}
}
