package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/swr"
	"github.com/registry-tools/terraform-provider-registry/internal/tagchoice"
)

var (
	_ datasource.DataSource              = &swrTagDataSource{}
	_ datasource.DataSourceWithConfigure = &swrTagDataSource{}
	_ listingDataSource                  = &swrTagDataSource{}
)

// NewSWRTagDataSource is registry_swr_tag.
func NewSWRTagDataSource() datasource.DataSource { return &swrTagDataSource{} }

type swrTagDataSource struct{ configured }

// swrTagState is one read: the arguments and the tag read.
type swrTagState struct {
	namespace, repository types.String
	includeManifest       types.Bool
	choice                choice
	timeouts              timeouts.Value

	tag swr.Tag
}

// swrTagOne is the data source's top level: the arguments, then the tag's
// attributes as registry_swr_tags writes each of its tags, its id as
// tag_id and its name as the argument tag.
var swrTagOne = newObject("registry_swr_tag", append(append([]field[swrTagState]{
	stringField("id", "`<namespace>/<repository>`, followed by the choice arguments when given; derived from the arguments only.", swrTagID),
	argument("namespace", swrNamespaceAttribute(), func(s *swrTagState) *types.String { return &s.namespace }),
	argument("repository", swrRepositoryAttribute(), func(s *swrTagState) *types.String { return &s.repository }),
	argument("include_manifest", schema.BoolAttribute{
		Optional:            true,
		MarkdownDescription: "Whether to keep the tag's `manifest` in state. Default `false`.",
	}, func(s *swrTagState) *types.Bool { return &s.includeManifest }),
	nullableString("manifest", "Image manifest (JSON). Null unless `include_manifest` is true, or when SWR gives none.",
		func(s *swrTagState) (string, bool) {
			return s.tag.Manifest, s.includeManifest.ValueBool() && s.tag.Manifest != ""
		}),
	timeoutsField(func(s *swrTagState) *timeouts.Value { return &s.timeouts }),
}, choiceFields(func(s *swrTagState) *choice { return &s.choice })...),
	embed(swrTag, func(s *swrTagState) *swr.Tag { return &s.tag }, map[string]string{"id": "tag_id"}, "tag", "manifest")...)...,
)

func (d *swrTagDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_swr_tag"
}

func (d *swrTagDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = swrTagOne.schema(ctx, "One tag of a Huawei Cloud SWR repository and its digest, in as few requests as SWR allows. "+
		choiceDescription+" Pin `pinned_path` (repository@digest) in module inputs so that `terraform plan` shows when the tag moves.\n\n"+
		"Requests: an exact `tag` is one `ShowRepoTag` request. The newest tag reads SWR's newest-first listing page by page "+
		"(1,000 tags a page) and stops as soon as no later page can change the choice: one page in the usual case, however many "+
		"tags the repository has. `order_by = \"version\"` reads every page, the pages after the first concurrently. "+
		"Without `project_id`, the provider's first SWR read also looks up the IAM project.")
}

func (d *swrTagDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	readListing(ctx, d, req, resp)
}

func (d *swrTagDataSource) readState(ctx context.Context, config tftypes.Value) ([]byte, diag.Diagnostics) {
	var s swrTagState
	ctx, client, cancel, diags := openRead(ctx, config, swrTagOne, &s, d.providerData().swr)
	defer cancel()
	if diags.HasError() {
		return nil, diags
	}
	where := s.namespace.ValueString() + "/" + s.repository.ValueString()
	if s.choice.exact() {
		t, err := client.ShowTag(ctx, swr.ShowTagInput{
			Namespace: s.namespace.ValueString(), Repository: s.repository.ValueString(),
			Tag: s.choice.tag.ValueString(), IncludeManifest: s.includeManifest.ValueBool(),
		})
		if err != nil {
			if e, ok := apierror.As(err); ok && e.Kind == apierror.KindNotFound &&
				e.Code != swr.CodeNamespaceNotFound && e.Code != swr.CodeRepositoryNotFound {
				diags.Append(unknownTag(where, s.choice.tag.ValueString(), e))
				return nil, diags
			}
			diags.Append(readError(ctx, err, swrHints))
			return nil, diags
		}
		s.tag = *t
	} else {
		ch, err := chooseFrom(&s.choice, func(t *swr.Tag) string { return t.Tag }, func(t *swr.Tag) time.Time { return t.Updated })
		if err != nil {
			diags.AddError("Invalid choice arguments", err.Error())
			return nil, diags
		}
		if err := readSWRChoice(ctx, client, &s, ch); err != nil {
			diags.Append(readError(ctx, err, swrHints))
			return nil, diags
		}
		best, ok := ch.Choice()
		if !ok {
			diags.AddError(noCandidate(where, &s.choice, ch.Seen()))
			return nil, diags
		}
		s.tag = best
	}
	s.choice.chosen = s.tag.Tag
	return encodeState(ctx, swrTagOne, &s, 2048+len(s.tag.Manifest), diags)
}

// readSWRChoice offers the repository's tags to ch: for the newest, the
// newest-first listing page by page until the choice is certain; for the
// highest version, every page.
func readSWRChoice(ctx context.Context, client *swr.Client, s *swrTagState, ch *tagchoice.Chooser[swr.Tag]) error {
	in := swr.ListTagsInput{
		Namespace: s.namespace.ValueString(), Repository: s.repository.ValueString(),
		IncludeManifest: s.includeManifest.ValueBool(),
	}
	if s.choice.byVersion() {
		list, err := client.ListTags(ctx, in)
		if err != nil {
			return err
		}
		ch.Offer(list.Tags)
		return nil
	}
	_, err := client.WalkTags(ctx, in, func(page []swr.Tag) bool {
		ch.Offer(page)
		return !ch.Certain()
	})
	return err
}

// swrTagID is "<namespace>/<repository>" and the choice arguments given.
func swrTagID(s *swrTagState) string {
	return listingID(s.namespace.ValueString()+"/"+s.repository.ValueString(),
		append(s.choice.idFilters(), ifTrue("include_manifest", s.includeManifest))...)
}
