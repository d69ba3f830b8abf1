package provider

import (
	"cmp"
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/ppio"
)

var (
	_ datasource.DataSource              = &ppioImagesDataSource{}
	_ datasource.DataSourceWithConfigure = &ppioImagesDataSource{}
)

// NewPPIOImagesDataSource is registry_ppio_images.
func NewPPIOImagesDataSource() datasource.DataSource { return &ppioImagesDataSource{} }

type ppioImagesDataSource struct{ data *providerData }

// ppioImagesModel is the data source's configuration and state. The
// computed list is built as attr.Values directly (see ppioImageValue), as
// for registry_swr_tags.
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

var ppioTagAttrTypes = map[string]attr.Type{
	"id":              types.StringType,
	"tag":             types.StringType,
	"owner_id":        types.StringType,
	"full_image_name": types.StringType,
}

var ppioTagObjectType = types.ObjectType{AttrTypes: ppioTagAttrTypes}

var ppioImageAttrTypes = map[string]attr.Type{
	"id":             types.StringType,
	"name":           types.StringType,
	"image":          types.StringType,
	"type":           types.StringType,
	"status":         types.StringType,
	"status_error":   types.StringType,
	"status_message": types.StringType,
	"created_at":     types.StringType,
	"tags":           types.ListType{ElemType: ppioTagObjectType},
}

var ppioImageObjectType = types.ObjectType{AttrTypes: ppioImageAttrTypes}

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

func (d *ppioImagesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data", "This is a bug in the provider; please report it.")
		return
	}
	d.data = data
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
	var m ppioImagesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.data == nil || d.data.ppio == nil {
		detail := "The provider is not configured."
		if d.data != nil {
			detail = d.data.ppioMissing
		}
		resp.Diagnostics.AddError("PPIO credentials missing", detail)
		return
	}
	readTimeout, diags := m.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(maskSecrets(ctx, d.data.ppioSecrets), readTimeout)
	defer cancel()

	var nameRegex *regexp.Regexp
	if !m.NameRegex.IsNull() {
		nameRegex = regexp.MustCompile(m.NameRegex.ValueString()) // validated at plan time
	}
	list, err := d.data.ppio.ListImages(ctx, ppio.ListImagesInput{
		Type: m.Type.ValueString(),
		Name: m.Name.ValueString(),
	})
	if err != nil {
		resp.Diagnostics.Append(readError(ctx, err, ppioHints))
		return
	}

	images := list.Images
	if nameRegex != nil {
		images = slices.DeleteFunc(images, func(img ppio.Image) bool { return !nameRegex.MatchString(img.Name) })
	}
	sortPPIOImages(images)

	elems := make([]attr.Value, len(images))
	for i := range images {
		elems[i] = ppioImageValue(&images[i])
	}
	m.ID = types.StringValue(ppioImagesID(m))
	m.Images = basetypes.NewListValueMust(ppioImageObjectType, elems)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
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

func ppioImageValue(img *ppio.Image) types.Object {
	tags := make([]attr.Value, len(img.Tags))
	for i, t := range img.Tags {
		tags[i] = basetypes.NewObjectValueMust(ppioTagAttrTypes, map[string]attr.Value{
			"id":              types.StringValue(t.ID),
			"tag":             types.StringValue(t.Tag),
			"owner_id":        types.StringValue(t.OwnerID),
			"full_image_name": types.StringValue(t.FullImageName),
		})
	}
	return basetypes.NewObjectValueMust(ppioImageAttrTypes, map[string]attr.Value{
		"id":             types.StringValue(img.ID),
		"name":           types.StringValue(img.Name),
		"image":          types.StringValue(img.Image),
		"type":           types.StringValue(img.Type),
		"status":         types.StringValue(img.Status),
		"status_error":   types.StringValue(img.StatusError),
		"status_message": types.StringValue(img.StatusMessage),
		"created_at":     optionalTime(img.CreatedAt),
		"tags":           basetypes.NewListValueMust(ppioTagObjectType, tags),
	})
}
