package provider

import (
	"cmp"
	"context"
	"maps"
	"strconv"
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
	"github.com/registry-tools/terraform-provider-registry/internal/fieldtable"
	"github.com/registry-tools/terraform-provider-registry/internal/ppio"
	"github.com/registry-tools/terraform-provider-registry/internal/swr"
	"github.com/registry-tools/terraform-provider-registry/internal/tagkind"
	"github.com/registry-tools/terraform-provider-registry/internal/ucloud"
)

// TestListingStateDecodesAgainstTheSchema reads each listing data source
// over the protocol through NewServer (the direct path) and through the
// plain framework server (fieldtable.FrameworkRead): the state decodes against the
// schema's type either way, the two are the same value, the list is not
// empty and the timeouts block is echoed. Both routes run the same
// ReadState, so this proves the state fits the schema and that the
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

// The framework's own models of the UCloud and PPIO data sources' state,
// written out by hand, independent of the field tables: what
// tfsdk.State.Set makes of them is what Terraform must get from the direct
// path. (SWR's tag, whose attributes change most, has no such copy: its
// state is held to the table writer, TFValue, and to the checks of what
// its getters derive.)
type (
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
	ucloudAPI := ucloudImageModel{ImageName: str("api"), RepoName: str("shop"), PullCount: types.Int64Value(42), CreateTime: str("2024-05-01T02:00:00Z"),
		UpdateTime: str("2024-05-02T09:30:15Z"), LatestTag: str("v2"), LatestPath: str("uhub.service.ucloud.cn/shop/api:v2")}
	ppioTorch := ppioImageModel{ID: str("i2"), Name: str("torch"), Image: str("reg.example.com/ns/torch"), Type: str("private"), Status: str("normal"),
		StatusError: null, StatusMessage: null, CreatedAt: str("2024-05-02T09:30:15Z"), Tags: []ppioImageTagModel{
			{ID: str("t1"), Tag: str("latest"), OwnerID: str("o"), FullImageName: str("reg.example.com/ns/torch:latest")},
			{ID: str("t2"), Tag: str("2.1"), OwnerID: str("o"), FullImageName: str("reg.example.com/ns/torch:2.1")},
		}}

	tfStr, tfNull := tfString, tftypes.NewValue(tftypes.String, nil)
	swrFill := func(total int64, tags []swr.Tag) func(*testing.T, tftypes.Value) ([]byte, tftypes.Value) {
		return func(t *testing.T, config tftypes.Value) ([]byte, tftypes.Value) {
			return encodeFixture(t, ctx, swrTagsTable, config, func(s *swrTagsState) { s.total, s.tags = total, swrTagList{held: tags} })
		}
	}
	cases := []struct {
		name  string
		ds    datasource.DataSource
		model any // the whole state written by hand, its arguments the configuration; or nil: see args
		// Without a model: the arguments given (the others null); what
		// the getters derive from other values, by attrAt path; and the
		// tag latest is, by path ("" for null).
		args   map[string]tftypes.Value
		check  map[string]tftypes.Value
		latest string
		state  func(t *testing.T, config tftypes.Value) (state []byte, fromTable tftypes.Value)
	}{
		{name: "swr with manifests", ds: &swrTagsDataSource{}, args: map[string]tftypes.Value{
			"namespace": tfStr("team"), "repository": tfStr("web"), "tag": tfStr("v"), "tag_regex": tfStr("^v[01]$"),
			"include_manifest": tftypes.NewValue(tftypes.Bool, true),
			"timeouts": tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"read": tftypes.String}},
				map[string]tftypes.Value{"read": tfStr("3m")}),
		}, check: map[string]tftypes.Value{
			"id":                 tfStr("team/web?tag=v&tag_regex=^v[01]$&include_manifest=true"),
			"tags.0.manifest":    tfStr(`{"schemaVersion":2}`),
			"tags.1.manifest":    tfNull,
			"tags.0.created":     tfStr("2024-05-01T02:00:00Z"),
			"tags.0.deleted":     tfNull,
			"tags.1.deleted":     tfStr("2024-05-02T09:30:15Z"),
			"tags.0.pinned_path": tfStr("swr.cn-north-4.myhuaweicloud.com/team/web@sha256:aa"),
			"tags.1.pinned_path": tfNull, "tags.1.digest": tfNull, "tags.1.internal_path": tfNull, "tags.1.domain_id": tfNull,
			"tags.0.kind": tfStr("index"), "tags.0.artifact_type": tfNull,
			"tags.1.kind": tfStr("helm_chart"), "tags.1.artifact_type": tfStr("application/vnd.cncf.helm.config.v1+json"),
			"tags.1.platforms":               tftypes.NewValue(swrPlatformType(ctx), nil),
			"tags.0.platforms.0.pinned_path": tfStr("swr.cn-north-4.myhuaweicloud.com/team/web@sha256:bb"),
			"tags.0.platforms.0.os_version":  tfNull,
			"tags.0.platforms.1.variant":     tfNull,
			"tags.0.platforms.1.media_type":  tfNull,
			"tags.0.platforms.1.pinned_path": tfStr("swr.cn-north-4.myhuaweicloud.com/team/web@sha256:cc"),
		}, latest: "tags.0", state: swrFill(3, []swr.Tag{swrTagV1, swrTagV0})},
		{name: "swr without manifests", ds: &swrTagsDataSource{}, args: map[string]tftypes.Value{
			"namespace": tfStr("team"), "repository": tfStr("web"),
		}, check: map[string]tftypes.Value{
			"id": tfStr("team/web"), "tags.0.manifest": tfNull, "tags.1.manifest": tfNull, "latest.manifest": tfNull,
		}, latest: "tags.0", state: swrFill(2, []swr.Tag{swrTagV1, swrTagV0})},
		{name: "swr: latest is the first tag that is not an artifact", ds: &swrTagsDataSource{}, args: map[string]tftypes.Value{
			"namespace": tfStr("team"), "repository": tfStr("web"),
		}, check: map[string]tftypes.Value{"id": tfStr("team/web")}, latest: "tags.1", state: swrFill(2, []swr.Tag{swrTagV0, swrTagV1})},
		{name: "swr with no tags", ds: &swrTagsDataSource{}, args: map[string]tftypes.Value{
			"namespace": tfStr("team"), "repository": tfStr("web"), "include_manifest": tftypes.NewValue(tftypes.Bool, true),
		}, check: map[string]tftypes.Value{
			"id": tfStr("team/web?include_manifest=true"), "tags": tftypes.NewValue(tftypes.List{ElementType: swrTagType(ctx)}, []tftypes.Value{}),
		}, latest: "", state: swrFill(0, []swr.Tag{})},
		{name: "ucloud", ds: &ucloudRepoImagesDataSource{}, model: &ucloudRepoImagesStateModel{
			ID: str("org-1/shop?name_regex=^a"), RepoName: str("shop"), ProjectID: str("org-1"), NameRegex: str("^a"),
			TotalCount: types.Int64Value(5), Timeouts: readIn3m, Latest: &ucloudAPI,
			Images: []ucloudImageModel{
				ucloudAPI,
				{ImageName: str("admin"), RepoName: str("shop"), PullCount: types.Int64Value(0), CreateTime: null,
					UpdateTime: null, LatestTag: null, LatestPath: null},
			},
		}, state: func(t *testing.T, config tftypes.Value) ([]byte, tftypes.Value) {
			return encodeFixture(t, ctx, ucloudRepoImagesTable, config, func(s *ucloudRepoImagesState) {
				s.total = 5
				s.images = []ucloud.Image{
					{ImageName: "api", RepoName: "shop", PullCount: 42, CreateTime: may1, UpdateTime: may2, LatestTag: "v2"},
					{ImageName: "admin", RepoName: "shop"},
				}
			})
		}},
		{name: "ppio", ds: &ppioImagesDataSource{}, model: &ppioImagesStateModel{
			ID: str("ppio-images?type=private&name_regex=torch"), Type: str("private"), Name: str(""), NameRegex: str("torch"), Timeouts: nullTimeouts(),
			Latest: &ppioTorch,
			Images: []ppioImageModel{
				ppioTorch,
				{ID: str("i1"), Name: str("torch-old"), Image: str("reg.example.com/ns/torch-old"), Type: str("private"), Status: str("disable"),
					StatusError: str("IMAGE_PULL_FAILED"), StatusMessage: str("gone"), CreatedAt: null, Tags: []ppioImageTagModel{}},
			},
		}, state: func(t *testing.T, config tftypes.Value) ([]byte, tftypes.Value) {
			return encodeFixture(t, ctx, ppioImagesTable, config, func(s *ppioImagesState) {
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
			var want *tfsdk.State
			var config tftypes.Value
			if c.model != nil {
				want = &tfsdk.State{Schema: sch.Schema}
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
				config = tftypes.NewValue(stateType, attrs)
			} else {
				attrs := map[string]tftypes.Value{}
				for name, at := range stateType.(tftypes.Object).AttributeTypes {
					attrs[name] = tftypes.NewValue(at, nil)
					if v, ok := c.args[name]; ok {
						attrs[name] = v
					}
				}
				config = tftypes.NewValue(stateType, attrs)
			}

			state, fromTable := c.state(t, config)
			got, err := (&tfprotov6.DynamicValue{MsgPack: state}).Unmarshal(stateType)
			if err != nil {
				t.Fatalf("the state does not decode against the schema: %v", err)
			}
			if !got.Equal(fromTable) {
				diffs, _ := got.Diff(fromTable)
				t.Fatalf("the state differs from the table writer's (TFValue):\n%v", diffs)
			}
			if want != nil && !got.Equal(want.Raw) {
				diffs, _ := got.Diff(want.Raw)
				t.Fatalf("the state differs from the framework's:\n%v", diffs)
			}
			if want != nil {
				return
			}
			for path, v := range c.check {
				if a := attrAt(t, got, path); !a.Equal(v) {
					t.Errorf("%s = %v, want %v", path, a, v)
				}
			}
			latest := attrAt(t, got, "latest")
			if c.latest == "" && !latest.IsNull() || c.latest != "" && !latest.Equal(attrAt(t, got, c.latest)) {
				t.Errorf("latest = %v, want %s", latest, cmp.Or(c.latest, "null"))
			}
		})
	}
}

// attrAt is the value at path in v: attribute names and list indexes
// joined with '.', such as "tags.0.platforms.1.variant".
func attrAt(t *testing.T, v tftypes.Value, path string) tftypes.Value {
	t.Helper()
	p := tftypes.NewAttributePath()
	for _, step := range strings.Split(path, ".") {
		if i, err := strconv.Atoi(step); err == nil {
			p = p.WithElementKeyInt(i)
		} else {
			p = p.WithAttributeName(step)
		}
	}
	got, _, err := tftypes.WalkAttributePath(v, p)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return got.(tftypes.Value)
}

// swrTagType is the type of one SWR tag object, and swrPlatformType of
// its platforms, from the schema.
func swrTagType(ctx context.Context) tftypes.Type {
	return swrTagsTable.Schema(ctx, "").Type().TerraformType(ctx).(tftypes.Object).AttributeTypes["latest"]
}

func swrPlatformType(ctx context.Context) tftypes.Type {
	return swrTagType(ctx).(tftypes.Object).AttributeTypes["platforms"]
}

// encodeFixture decodes config's arguments into a state through obj, lets
// fill add the listing's result, and encodes it; fromTable is the same
// state as the table writer (TFValue) writes it.
func encodeFixture[S any](t *testing.T, ctx context.Context, obj *fieldtable.Object[S], config tftypes.Value, fill func(*S)) (state []byte, fromTable tftypes.Value) {
	t.Helper()
	var s S
	if diags := obj.DecodeArguments(ctx, config, &s); diags.HasError() {
		t.Fatalf("decode: %v", diags)
	}
	fill(&s)
	state, diags := encodeState(ctx, obj, &s, 0, nil)
	if diags.HasError() {
		t.Fatalf("encode: %v", diags)
	}
	fromTable, err := obj.TFValue(ctx, &s, 0, config.Type())
	if err != nil {
		t.Fatalf("TFValue: %v", err)
	}
	return state, fromTable
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
