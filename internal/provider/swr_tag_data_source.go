package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/fieldtable"
	"github.com/registry-tools/terraform-provider-registry/internal/swr"
	"github.com/registry-tools/terraform-provider-registry/internal/tagchoice"
	"github.com/registry-tools/terraform-provider-registry/internal/tagkind"
)

var (
	_ datasource.DataSource              = &swrTagDataSource{}
	_ datasource.DataSourceWithConfigure = &swrTagDataSource{}
	_ fieldtable.DataSource              = &swrTagDataSource{}
)

// NewSWRTagDataSource is registry_swr_tag.
func NewSWRTagDataSource() datasource.DataSource { return &swrTagDataSource{} }

type swrTagDataSource struct{ configured }

// swrTagState is one read: the arguments and the tag read.
type swrTagState struct {
	namespace, repository types.String
	includeManifest       types.Bool
	platform              types.String
	choice                choice
	timeouts              timeouts.Value

	tag   swr.Tag
	entry *tagkind.Platform // the entry of platform, when set
}

// swrTagPlatformEntry is the chosen tag's entry for platform; nil when
// platform is not set.
func swrTagPlatformEntry(s *swrTagState) (string, string, bool) {
	if s.entry == nil {
		return "", "", false
	}
	return s.entry.Digest, pinnedPath(s.tag.Path, s.tag.Tag, s.entry.Digest), true
}

// swrTagTable is the data source's top level: the arguments, then the tag's
// attributes as registry_swr_tags writes each of its tags, its id as
// tag_id and its name as the argument tag.
var swrTagTable = fieldtable.New("registry_swr_tag", append(append([]fieldtable.Field[swrTagState]{
	fieldtable.String("id", "`<namespace>/<repository>`, followed by the choice arguments when given; derived from the arguments only.", swrTagID),
	fieldtable.Argument("namespace", swrNamespaceAttribute(), func(s *swrTagState) *types.String { return &s.namespace }),
	fieldtable.Argument("repository", swrRepositoryAttribute(), func(s *swrTagState) *types.String { return &s.repository }),
	fieldtable.Argument("include_manifest", schema.BoolAttribute{
		Optional:            true,
		MarkdownDescription: "Whether to keep the tag's `manifest` in state. Default `false`.",
	}, func(s *swrTagState) *types.Bool { return &s.includeManifest }),
	fieldtable.NullableString("manifest", "Image manifest (JSON). Null unless `include_manifest` is true, or when SWR gives none.",
		func(s *swrTagState) (string, bool) {
			return s.tag.Manifest, s.includeManifest.ValueBool() && s.tag.Manifest != ""
		}),
	fieldtable.Timeouts(readTimeoutsBlock, func(s *swrTagState) *timeouts.Value { return &s.timeouts }),
	fieldtable.Argument("platform", schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "A platform, `os/architecture[/variant]` such as `linux/arm64` or `linux/arm/v7`, read as containerd " +
			"reads it (`linux/aarch64` is `linux/arm64`, `linux/x86_64` is `linux/amd64`). The candidates are then the multi-platform " +
			"tags (`kind = \"index\"`) that hold an image for it, and `platform_digest` and `platform_pinned_path` are that image's. " +
			"An exact `tag` that is not an index, or does not hold the platform, is an error naming the platforms it has.",
		Validators: []validator.String{platformValidator{}},
	}, func(s *swrTagState) *types.String { return &s.platform }),
	fieldtable.NullableString("platform_digest", "Digest of the image of `platform` in the chosen index, the digest a machine of that platform "+
		"pulls; null when `platform` is not set.", func(s *swrTagState) (string, bool) { d, _, ok := swrTagPlatformEntry(s); return d, ok }),
	fieldtable.NullableString("platform_pinned_path", "Pull address of the image of `platform`, `<repository path>@<platform_digest>`; null when "+
		"`platform` is not set.", func(s *swrTagState) (string, bool) { _, p, ok := swrTagPlatformEntry(s); return p, ok }),
}, choiceFields(func(s *swrTagState) *choice { return &s.choice })...),
	fieldtable.Embed(swrTagObject, func(s *swrTagState) *swr.Tag { return &s.tag }, map[string]string{"id": "tag_id"}, "tag", "manifest")...)...,
)

func (d *swrTagDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_swr_tag"
}

func (d *swrTagDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = swrTagTable.Schema(ctx, "One tag of a Huawei Cloud SWR repository and its digest, in as few requests as SWR allows. "+
		choiceDescription+" Pin `pinned_path` (repository@digest) in module inputs so that `terraform plan` shows when the tag moves.\n\n"+
		"Requests: an exact `tag` is one `ShowRepoTag` request. The newest tag reads SWR's newest-first listing page by page "+
		"(1,000 tags a page) and stops as soon as no later page can change the choice: one page in the usual case, however many "+
		"tags the repository has. `order_by = \"version\"` reads every page, the pages after the first concurrently. "+
		"Without `project_id`, the provider's first SWR read also looks up the IAM project.\n\n"+
		"Signed repositories: signing and attesting tools push their results as tags after the image, so the newest tag is often a "+
		"signature. The choice leaves those out (see `kind`), and `platform` pins the image of one platform of a multi-platform tag.")
}

func (d *swrTagDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	fieldtable.FrameworkRead(ctx, d, req, resp)
}

func (d *swrTagDataSource) ReadState(ctx context.Context, config tftypes.Value) ([]byte, diag.Diagnostics) {
	var s swrTagState
	ctx, client, cancel, diags := openRead(ctx, config, swrTagTable, &s, d.providerData().swr)
	defer cancel()
	if diags.HasError() {
		return nil, diags
	}
	found, fdiags := findSWRTag(ctx, client, &s)
	diags.Append(fdiags...)
	if diags.HasError() {
		return nil, diags
	}
	if !found {
		return encodeStateNulls(ctx, swrTagTable, &s, swrTagAbsent, 1024, diags)
	}
	s.choice.chosen = s.tag.Tag
	return encodeState(ctx, swrTagTable, &s, 2048+len(s.tag.Manifest), diags)
}

// swrTagAbsent are the attributes written as null when allow_missing finds
// nothing: every attribute of the tag.
var swrTagAbsent = swrTagTable.ComputedExcept("id", "exists")

// findSWRTag reads the tag the arguments name or choose into s.tag (and its
// platform's entry into s.entry). found is false, without an error, only
// when allow_missing turns "not there" into exists = false.
func findSWRTag(ctx context.Context, client *swr.Client, s *swrTagState) (found bool, diags diag.Diagnostics) {
	where := s.namespace.ValueString() + "/" + s.repository.ValueString()
	var want *ocispec.Platform
	if !s.platform.IsNull() {
		p, err := tagkind.ParsePlatform(s.platform.ValueString()) // validated at plan time
		if err != nil {
			diags.AddAttributeError(path.Root("platform"), "Invalid platform", err.Error())
			return false, diags
		}
		want = &p
	}
	if s.choice.exact() {
		t, err := client.ShowTag(ctx, swr.ShowTagInput{
			Namespace: s.namespace.ValueString(), Repository: s.repository.ValueString(),
			Tag: s.choice.tag.ValueString(), IncludeManifest: s.includeManifest.ValueBool(),
		})
		if err != nil {
			if apierror.IsMissing(err) && s.choice.absent() {
				return false, nil
			}
			if e, ok := apierror.As(err); ok && e.Kind == apierror.KindNotFound &&
				e.Code != swr.CodeNamespaceNotFound && e.Code != swr.CodeRepositoryNotFound {
				diags.Append(unknownTag(where, s.choice.tag.ValueString(), e))
				return false, diags
			}
			diags.Append(readError(ctx, err, swrHints))
			return false, diags
		}
		s.tag = *t
		if want != nil {
			entry, ok := tagkind.Find(s.tag.Platforms, *want)
			if !ok {
				diags.AddAttributeError(path.Root("platform"), "Tag has no image for the platform",
					fmt.Sprintf("Tag %q of %s is of kind %q and holds images for: %s; it has none for %s. Choose one of those "+
						"platforms, or leave out tag to choose the newest index that has %s.",
						s.tag.Tag, where, s.tag.Kind, tagkind.Names(s.tag.Platforms), s.platform.ValueString(), s.platform.ValueString()))
				return false, diags
			}
			s.entry = entry
		}
		return true, diags
	}
	ch, err := chooseFrom(&s.choice, func(t *swr.Tag) string { return t.Tag }, func(t *swr.Tag) time.Time { return t.Updated },
		func(t *swr.Tag) tagkind.Kind { return t.Kind })
	if err != nil {
		diags.AddError("Invalid choice arguments", err.Error())
		return false, diags
	}
	refusedAs := artifactsLeftOut
	if want != nil {
		ch.Admit(func(t *swr.Tag) bool {
			_, ok := tagkind.Find(t.Platforms, *want)
			return ok
		})
		refusedAs = "as not multi-platform tags holding " + s.platform.ValueString()
	}
	if err := readSWRChoice(ctx, client, s, ch); err != nil {
		if apierror.IsMissing(err) && s.choice.absent() {
			return false, nil
		}
		diags.Append(readError(ctx, err, swrHints))
		return false, diags
	}
	best, ok := ch.Choice()
	if !ok {
		if s.choice.absent() {
			return false, nil
		}
		diags.AddError(noCandidate(where, &s.choice, ch.Seen(), ch.Refused(), refusedAs))
		return false, diags
	}
	s.tag = best
	if want != nil {
		s.entry, _ = tagkind.Find(s.tag.Platforms, *want)
	}
	return true, diags
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
		append(s.choice.idFilters(), ifTrue("include_manifest", s.includeManifest), ifSet("platform", s.platform))...)
}
