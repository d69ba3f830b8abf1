package provider

import (
	"context"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
	"github.com/registry-tools/terraform-provider-registry/internal/ppio"
	"github.com/registry-tools/terraform-provider-registry/internal/swr"
	"github.com/registry-tools/terraform-provider-registry/internal/tagkind"
	"github.com/registry-tools/terraform-provider-registry/internal/ucloud"
)

// TestListingStateDecodesAgainstTheSchema reads each listing data source
// over the protocol through NewServer (the direct path) and through the
// plain framework server (readListing): the state decodes against the
// schema's type either way, the two are the same value, the list is not
// empty and the timeouts block is echoed. Both routes run the same
// readState, so this proves the state fits the schema and that the
// framework route adds nothing; TestStateEqualsFrameworkStateSet checks
// the values themselves.
func TestListingStateDecodesAgainstTheSchema(t *testing.T) {
	t.Parallel()
	fc, srv := fakecloud.Start(t)
	fc.SWR.GenerateTags("team", "web", 1100)
	fc.UHub.GenerateImages("shop", 45)
	fc.PPIO.GenerateImages(60)
	ctx := context.Background()

	direct := newHarness(t, ctx, NewServer("test", WithGetenv(noEnv)))
	framework := newHarness(t, ctx, frameworkServer("test", WithGetenv(noEnv)))
	for _, h := range []*harness{direct, framework} {
		h.configure(h.fakeBlocks(srv.URL))
	}

	timeouts := func(dt tftypes.Object) tftypes.Value {
		return tftypes.NewValue(dt.AttributeTypes["timeouts"], map[string]tftypes.Value{"read": tfString("3m")})
	}
	reads := []struct {
		typeName, list string
		attrs          func(dt tftypes.Object) map[string]tftypes.Value
	}{
		{"registry_swr_tags", "tags", func(dt tftypes.Object) map[string]tftypes.Value {
			return map[string]tftypes.Value{"namespace": tfString("team"), "repository": tfString("web"), "tag_regex": tfString("^v1"),
				"include_manifest": tftypes.NewValue(tftypes.Bool, true), "timeouts": timeouts(dt)}
		}},
		{"registry_ucloud_repo_images", "images", func(dt tftypes.Object) map[string]tftypes.Value {
			return map[string]tftypes.Value{"repo_name": tfString("shop"), "name_regex": tfString("0[0-3]$"), "timeouts": timeouts(dt)}
		}},
		{"registry_ppio_images", "images", func(dt tftypes.Object) map[string]tftypes.Value {
			return map[string]tftypes.Value{"name": tfString("torch"), "timeouts": timeouts(dt)}
		}},
	}
	for _, r := range reads {
		t.Run(r.typeName, func(t *testing.T) {
			dt := direct.dataSourceType(r.typeName)
			config := direct.dataSourceConfig(r.typeName, r.attrs(dt))
			state := direct.readState(r.typeName, config)
			if fstate := framework.readState(r.typeName, config); !state.Equal(fstate) {
				diffs, _ := state.Diff(fstate)
				t.Fatalf("the direct and framework states differ: %v", diffs)
			}
			var top map[string]tftypes.Value
			if err := state.As(&top); err != nil {
				t.Fatal(err)
			}
			var list []tftypes.Value
			if err := top[r.list].As(&list); err != nil || len(list) == 0 {
				t.Fatalf("%s is empty (%v): the comparison proves nothing", r.list, err)
			}
			if !top["timeouts"].Equal(r.attrs(dt)["timeouts"]) {
				t.Fatalf("timeouts not echoed from the configuration: %v", top["timeouts"])
			}
		})
	}
}

// TestDirectReadReportsABadConfigurationAsADiagnostic sends a configuration
// that is not of the schema's type: Terraform must get an error diagnostic,
// not a failed RPC.
func TestDirectReadReportsABadConfigurationAsADiagnostic(t *testing.T) {
	t.Parallel()
	h := newHarness(t, context.Background(), NewServer("test", WithGetenv(noEnv)))
	wrong, err := tfprotov6.NewDynamicValue(tftypes.String, tfString("not an object"))
	if err != nil {
		t.Fatal(err)
	}
	resp := h.read("registry_swr_tags", &wrong)
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityError ||
		resp.Diagnostics[0].Summary != "Cannot read configuration" || resp.State != nil {
		t.Fatalf("want one error diagnostic and no state, got %v, state %v", diagnosticsText(resp.Diagnostics), resp.State)
	}
}

// The framework's own models of the three data sources' state, written out
// by hand, independent of the field tables: what tfsdk.State.Set makes of
// them is what Terraform must get from the direct path.
type (
	swrTagsStateModel struct {
		ID              types.String   `tfsdk:"id"`
		Namespace       types.String   `tfsdk:"namespace"`
		Repository      types.String   `tfsdk:"repository"`
		Tag             types.String   `tfsdk:"tag"`
		TagRegex        types.String   `tfsdk:"tag_regex"`
		IncludeManifest types.Bool     `tfsdk:"include_manifest"`
		TotalCount      types.Int64    `tfsdk:"total_count"`
		Tags            []swrTagModel  `tfsdk:"tags"`
		Latest          *swrTagModel   `tfsdk:"latest"`
		Timeouts        timeouts.Value `tfsdk:"timeouts"`
	}
	swrTagModel struct {
		ID           types.Int64        `tfsdk:"id"`
		RepoID       types.Int64        `tfsdk:"repo_id"`
		Tag          types.String       `tfsdk:"tag"`
		ImageID      types.String       `tfsdk:"image_id"`
		Digest       types.String       `tfsdk:"digest"`
		Manifest     types.String       `tfsdk:"manifest"`
		Schema       types.Int64        `tfsdk:"schema"`
		Path         types.String       `tfsdk:"path"`
		InternalPath types.String       `tfsdk:"internal_path"`
		PinnedPath   types.String       `tfsdk:"pinned_path"`
		Size         types.Int64        `tfsdk:"size"`
		IsTrusted    types.Bool         `tfsdk:"is_trusted"`
		Created      types.String       `tfsdk:"created"`
		Updated      types.String       `tfsdk:"updated"`
		Deleted      types.String       `tfsdk:"deleted"`
		DomainID     types.String       `tfsdk:"domain_id"`
		Scanned      types.Bool         `tfsdk:"scanned"`
		TagType      types.Int64        `tfsdk:"tag_type"`
		Kind         types.String       `tfsdk:"kind"`
		MediaType    types.String       `tfsdk:"media_type"`
		ArtifactType types.String       `tfsdk:"artifact_type"`
		Platforms    []swrPlatformModel `tfsdk:"platforms"`
	}
	swrPlatformModel struct {
		OS           types.String `tfsdk:"os"`
		Architecture types.String `tfsdk:"architecture"`
		Variant      types.String `tfsdk:"variant"`
		OSVersion    types.String `tfsdk:"os_version"`
		Digest       types.String `tfsdk:"digest"`
		MediaType    types.String `tfsdk:"media_type"`
		PinnedPath   types.String `tfsdk:"pinned_path"`
	}
	ucloudRepoImagesStateModel struct {
		ID         types.String       `tfsdk:"id"`
		RepoName   types.String       `tfsdk:"repo_name"`
		ProjectID  types.String       `tfsdk:"project_id"`
		NameRegex  types.String       `tfsdk:"name_regex"`
		TotalCount types.Int64        `tfsdk:"total_count"`
		Images     []ucloudImageModel `tfsdk:"images"`
		Latest     *ucloudImageModel  `tfsdk:"latest"`
		Timeouts   timeouts.Value     `tfsdk:"timeouts"`
	}
	ucloudImageModel struct {
		ImageName  types.String `tfsdk:"image_name"`
		RepoName   types.String `tfsdk:"repo_name"`
		PullCount  types.Int64  `tfsdk:"pull_count"`
		CreateTime types.String `tfsdk:"create_time"`
		UpdateTime types.String `tfsdk:"update_time"`
		LatestTag  types.String `tfsdk:"latest_tag"`
		LatestPath types.String `tfsdk:"latest_path"`
	}
	ppioImagesStateModel struct {
		ID        types.String     `tfsdk:"id"`
		Type      types.String     `tfsdk:"type"`
		Name      types.String     `tfsdk:"name"`
		NameRegex types.String     `tfsdk:"name_regex"`
		Images    []ppioImageModel `tfsdk:"images"`
		Latest    *ppioImageModel  `tfsdk:"latest"`
		Timeouts  timeouts.Value   `tfsdk:"timeouts"`
	}
	ppioImageModel struct {
		ID            types.String        `tfsdk:"id"`
		Name          types.String        `tfsdk:"name"`
		Image         types.String        `tfsdk:"image"`
		Type          types.String        `tfsdk:"type"`
		Status        types.String        `tfsdk:"status"`
		StatusError   types.String        `tfsdk:"status_error"`
		StatusMessage types.String        `tfsdk:"status_message"`
		CreatedAt     types.String        `tfsdk:"created_at"`
		Tags          []ppioImageTagModel `tfsdk:"tags"`
	}
	ppioImageTagModel struct {
		ID            types.String `tfsdk:"id"`
		Tag           types.String `tfsdk:"tag"`
		OwnerID       types.String `tfsdk:"owner_id"`
		FullImageName types.String `tfsdk:"full_image_name"`
	}
)

// TestStateEqualsFrameworkStateSet checks the field tables against the
// framework: for small fixtures covering every kind of attribute (null and
// not, empty and nested lists, a null object, echoed arguments), the
// configuration is decoded through the table, the listing's result is
// encoded through it, and the state must decode against the schema and
// equal what tfsdk.State.Set makes of the model written out by hand.
func TestStateEqualsFrameworkStateSet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	may1 := time.Date(2024, 5, 1, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)) // 02:00 UTC
	may2 := time.Date(2024, 5, 2, 9, 30, 15, 0, time.UTC)
	readIn3m := readTimeouts("3m")
	str, null := types.StringValue, types.StringNull()

	swrTagV1 := swr.Tag{ID: 11, RepoID: 7, Tag: "v1", ImageID: "img1", Digest: "sha256:aa", Manifest: `{"schemaVersion":2}`, Schema: 2,
		Path: "swr.cn-north-4.myhuaweicloud.com/team/web:v1", InternalPath: "10.0.0.1:20202/team/web:v1", Size: 1024,
		IsTrusted: true, Created: may1, Updated: may2, DomainID: "dom", Scanned: true, TagType: 1,
		Info: tagkind.Info{Kind: tagkind.Index, MediaType: "application/vnd.oci.image.index.v1+json", Platforms: []tagkind.Platform{
			{OS: "linux", Architecture: "arm", Variant: "v7", Digest: "sha256:bb", MediaType: "application/vnd.oci.image.manifest.v1+json"},
			{OS: "windows", Architecture: "amd64", OSVersion: "10.0.17763.5458", Digest: "sha256:cc"},
		}}}
	swrTagV0 := swr.Tag{ID: 10, RepoID: 7, Tag: "v0", ImageID: "img0", Schema: 1,
		Path: "swr.cn-north-4.myhuaweicloud.com/team/web:v0", Created: may1, Updated: may1, Deleted: may2,
		Info: tagkind.Info{Kind: tagkind.HelmChart, MediaType: "application/vnd.oci.image.manifest.v1+json", ArtifactType: "application/vnd.cncf.helm.config.v1+json"}}
	swrV1 := swrTagModel{ID: types.Int64Value(11), RepoID: types.Int64Value(7), Tag: str("v1"), ImageID: str("img1"),
		Digest: str("sha256:aa"), Manifest: str(`{"schemaVersion":2}`), Schema: types.Int64Value(2),
		Path: str("swr.cn-north-4.myhuaweicloud.com/team/web:v1"), InternalPath: str("10.0.0.1:20202/team/web:v1"),
		PinnedPath: str("swr.cn-north-4.myhuaweicloud.com/team/web@sha256:aa"), Size: types.Int64Value(1024), IsTrusted: types.BoolValue(true),
		Created: str("2024-05-01T02:00:00Z"), Updated: str("2024-05-02T09:30:15Z"), Deleted: null, DomainID: str("dom"),
		Scanned: types.BoolValue(true), TagType: types.Int64Value(1),
		Kind: str("index"), MediaType: str("application/vnd.oci.image.index.v1+json"), ArtifactType: null, Platforms: []swrPlatformModel{
			{OS: str("linux"), Architecture: str("arm"), Variant: str("v7"), OSVersion: null, Digest: str("sha256:bb"),
				MediaType: str("application/vnd.oci.image.manifest.v1+json"), PinnedPath: str("swr.cn-north-4.myhuaweicloud.com/team/web@sha256:bb")},
			{OS: str("windows"), Architecture: str("amd64"), Variant: null, OSVersion: str("10.0.17763.5458"), Digest: str("sha256:cc"),
				MediaType: null, PinnedPath: str("swr.cn-north-4.myhuaweicloud.com/team/web@sha256:cc")},
		}}
	swrV0 := swrTagModel{ID: types.Int64Value(10), RepoID: types.Int64Value(7), Tag: str("v0"), ImageID: str("img0"),
		Digest: null, Manifest: null, Schema: types.Int64Value(1),
		Path: str("swr.cn-north-4.myhuaweicloud.com/team/web:v0"), InternalPath: null, PinnedPath: null,
		Size: types.Int64Value(0), IsTrusted: types.BoolValue(false), Created: str("2024-05-01T02:00:00Z"), Updated: str("2024-05-01T02:00:00Z"),
		Deleted: str("2024-05-02T09:30:15Z"), DomainID: null, Scanned: types.BoolValue(false), TagType: types.Int64Value(0),
		Kind: str("helm_chart"), MediaType: str("application/vnd.oci.image.manifest.v1+json"),
		ArtifactType: str("application/vnd.cncf.helm.config.v1+json"), Platforms: nil}
	swrV1NoManifest, swrV0NoManifest := swrV1, swrV0
	swrV1NoManifest.Manifest, swrV0NoManifest.Manifest = null, null

	ucloudAPI := ucloudImageModel{ImageName: str("api"), RepoName: str("shop"), PullCount: types.Int64Value(42), CreateTime: str("2024-05-01T02:00:00Z"),
		UpdateTime: str("2024-05-02T09:30:15Z"), LatestTag: str("v2"), LatestPath: str("uhub.service.ucloud.cn/shop/api:v2")}
	ppioTorch := ppioImageModel{ID: str("i2"), Name: str("torch"), Image: str("reg.example.com/ns/torch"), Type: str("private"), Status: str("normal"),
		StatusError: null, StatusMessage: null, CreatedAt: str("2024-05-02T09:30:15Z"), Tags: []ppioImageTagModel{
			{ID: str("t1"), Tag: str("latest"), OwnerID: str("o"), FullImageName: str("reg.example.com/ns/torch:latest")},
			{ID: str("t2"), Tag: str("2.1"), OwnerID: str("o"), FullImageName: str("reg.example.com/ns/torch:2.1")},
		}}

	cases := []struct {
		name  string
		ds    datasource.DataSource
		model any // the whole state; its arguments are the configuration
		state func(t *testing.T, config tftypes.Value) []byte
	}{
		{"swr with manifests", &swrTagsDataSource{}, &swrTagsStateModel{
			ID: str("team/web?tag=v&tag_regex=^v[01]$&include_manifest=true"), Namespace: str("team"), Repository: str("web"),
			Tag: str("v"), TagRegex: str("^v[01]$"), IncludeManifest: types.BoolValue(true), TotalCount: types.Int64Value(3),
			Tags: []swrTagModel{swrV1, swrV0}, Latest: &swrV1, Timeouts: readIn3m,
		}, func(t *testing.T, config tftypes.Value) []byte {
			return encodeFixture(t, ctx, swrTags, config, func(s *swrTagsState) { s.total = 3; s.tags = []swr.Tag{swrTagV1, swrTagV0} })
		}},
		{"swr without manifests", &swrTagsDataSource{}, &swrTagsStateModel{
			ID: str("team/web"), Namespace: str("team"), Repository: str("web"), Tag: null, TagRegex: null,
			IncludeManifest: types.BoolNull(), TotalCount: types.Int64Value(2),
			Tags: []swrTagModel{swrV1NoManifest, swrV0NoManifest}, Latest: &swrV1NoManifest, Timeouts: nullTimeouts(),
		}, func(t *testing.T, config tftypes.Value) []byte {
			return encodeFixture(t, ctx, swrTags, config, func(s *swrTagsState) { s.total = 2; s.tags = []swr.Tag{swrTagV1, swrTagV0} })
		}},
		{"swr: latest is the first tag that is not an artifact", &swrTagsDataSource{}, &swrTagsStateModel{
			ID: str("team/web"), Namespace: str("team"), Repository: str("web"), Tag: null, TagRegex: null,
			IncludeManifest: types.BoolNull(), TotalCount: types.Int64Value(2),
			Tags: []swrTagModel{swrV0NoManifest, swrV1NoManifest}, Latest: &swrV1NoManifest, Timeouts: nullTimeouts(),
		}, func(t *testing.T, config tftypes.Value) []byte {
			return encodeFixture(t, ctx, swrTags, config, func(s *swrTagsState) { s.total = 2; s.tags = []swr.Tag{swrTagV0, swrTagV1} })
		}},
		{"swr with no tags", &swrTagsDataSource{}, &swrTagsStateModel{
			ID: str("team/web?include_manifest=true"), Namespace: str("team"), Repository: str("web"), Tag: null, TagRegex: null,
			IncludeManifest: types.BoolValue(true), TotalCount: types.Int64Value(0),
			Tags: []swrTagModel{}, Latest: nil, Timeouts: nullTimeouts(),
		}, func(t *testing.T, config tftypes.Value) []byte {
			return encodeFixture(t, ctx, swrTags, config, func(s *swrTagsState) { s.tags = []swr.Tag{} })
		}},
		{"ucloud", &ucloudRepoImagesDataSource{}, &ucloudRepoImagesStateModel{
			ID: str("org-1/shop?name_regex=^a"), RepoName: str("shop"), ProjectID: str("org-1"), NameRegex: str("^a"),
			TotalCount: types.Int64Value(5), Timeouts: readIn3m, Latest: &ucloudAPI,
			Images: []ucloudImageModel{
				ucloudAPI,
				{ImageName: str("admin"), RepoName: str("shop"), PullCount: types.Int64Value(0), CreateTime: null,
					UpdateTime: null, LatestTag: null, LatestPath: null},
			},
		}, func(t *testing.T, config tftypes.Value) []byte {
			return encodeFixture(t, ctx, ucloudRepoImages, config, func(s *ucloudRepoImagesState) {
				s.total = 5
				s.images = []ucloud.Image{
					{ImageName: "api", RepoName: "shop", PullCount: 42, CreateTime: may1, UpdateTime: may2, LatestTag: "v2"},
					{ImageName: "admin", RepoName: "shop"},
				}
			})
		}},
		{"ppio", &ppioImagesDataSource{}, &ppioImagesStateModel{
			ID: str("ppio-images?type=private&name_regex=torch"), Type: str("private"), Name: str(""), NameRegex: str("torch"), Timeouts: nullTimeouts(),
			Latest: &ppioTorch,
			Images: []ppioImageModel{
				ppioTorch,
				{ID: str("i1"), Name: str("torch-old"), Image: str("reg.example.com/ns/torch-old"), Type: str("private"), Status: str("disable"),
					StatusError: str("IMAGE_PULL_FAILED"), StatusMessage: str("gone"), CreatedAt: null, Tags: []ppioImageTagModel{}},
			},
		}, func(t *testing.T, config tftypes.Value) []byte {
			return encodeFixture(t, ctx, ppioImages, config, func(s *ppioImagesState) {
				s.images = []ppio.Image{
					{ID: "i2", Name: "torch", Image: "reg.example.com/ns/torch", Type: "private", Status: "normal", CreatedAt: may2, Tags: []ppio.Tag{
						{ID: "t1", Tag: "latest", OwnerID: "o", FullImageName: "reg.example.com/ns/torch:latest"},
						{ID: "t2", Tag: "2.1", OwnerID: "o", FullImageName: "reg.example.com/ns/torch:2.1"},
					}},
					{ID: "i1", Name: "torch-old", Image: "reg.example.com/ns/torch-old", Type: "private", Status: "disable",
						StatusError: "IMAGE_PULL_FAILED", StatusMessage: "gone", Tags: []ppio.Tag{}},
				}
			})
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var sch datasource.SchemaResponse
			c.ds.Schema(ctx, datasource.SchemaRequest{}, &sch)
			stateType := sch.Schema.Type().TerraformType(ctx)
			want := tfsdk.State{Schema: sch.Schema}
			if diags := want.Set(ctx, c.model); diags.HasError() {
				t.Fatalf("the framework cannot set the model: %v", diags)
			}
			// The configuration is the state with every computed attribute null.
			var stateAttrs map[string]tftypes.Value
			if err := want.Raw.As(&stateAttrs); err != nil {
				t.Fatal(err)
			}
			attrs := maps.Clone(stateAttrs) // As shares the value's own map
			for name, a := range sch.Schema.Attributes {
				if a.IsComputed() && !a.IsOptional() {
					attrs[name] = tftypes.NewValue(a.GetType().TerraformType(ctx), nil)
				}
			}
			config := tftypes.NewValue(stateType, attrs)

			got, err := (&tfprotov6.DynamicValue{MsgPack: c.state(t, config)}).Unmarshal(stateType)
			if err != nil {
				t.Fatalf("the state does not decode against the schema: %v", err)
			}
			if !got.Equal(want.Raw) {
				diffs, _ := got.Diff(want.Raw)
				t.Fatalf("the state differs from the framework's:\n%v", diffs)
			}
		})
	}
}

// encodeFixture decodes config's arguments into a state through obj, lets
// fill add the listing's result, and encodes it.
func encodeFixture[S any](t *testing.T, ctx context.Context, obj *object[S], config tftypes.Value, fill func(*S)) []byte {
	t.Helper()
	var s S
	if diags := obj.decodeArguments(ctx, config, &s); diags.HasError() {
		t.Fatalf("decode: %v", diags)
	}
	fill(&s)
	state, diags := encodeState(ctx, obj, &s, 0, nil)
	if diags.HasError() {
		t.Fatalf("encode: %v", diags)
	}
	return state
}

// readTimeouts is a timeouts block with read set.
func readTimeouts(read string) timeouts.Value {
	return timeouts.Value{Object: types.ObjectValueMust(map[string]attr.Type{"read": types.StringType},
		map[string]attr.Value{"read": types.StringValue(read)})}
}

// nullTimeouts is an absent timeouts block.
func nullTimeouts() timeouts.Value {
	return timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"read": types.StringType})}
}

// TestEncoderNamesAnObjectWithTheWrongNumberOfAttributes: a writer that
// gives an object more or fewer attributes than it announced fails the read
// with a provider-bug diagnostic naming that object.
func TestEncoderNamesAnObjectWithTheWrongNumberOfAttributes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	type item struct{}
	for _, c := range []struct {
		name string
		keys int
	}{{"fewer", 1}, {"more", 3}} {
		t.Run(c.name, func(t *testing.T) {
			broken := field[item]{name: "broken", kind: kindNested, nested: func(_ context.Context, e *stateEncoder, _ *item, _ fieldSet) {
				e.beginObject("registry_test broken", 2)
				for i := range c.keys {
					e.key([]byte{0xa1, 'a' + byte(i)})
					e.string("x")
				}
				e.endObject()
			}}
			obj := newObject("registry_test", stringField("id", "", func(*item) string { return "x" }), broken)
			state, diags := encodeState(ctx, obj, &item{}, 0, nil)
			if state != nil || !diags.HasError() || len(diags) != 1 {
				t.Fatalf("want one error and no state, got %v", diags)
			}
			if d := diags[0]; d.Summary() != "Cannot encode state" || !strings.Contains(d.Detail(), "This is a bug in the provider") ||
				!strings.Contains(d.Detail(), "object registry_test broken announced 2 attributes but got") {
				t.Fatalf("the diagnostic does not name the object: %s: %s", d.Summary(), d.Detail())
			}
		})
	}
}
