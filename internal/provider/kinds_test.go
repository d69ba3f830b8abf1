package provider

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
)

// Signed and multi-platform repositories: the choice skips what a machine
// does not pull, and platform pins the image of one platform.

var signedBase = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

const swrRegistry = "swr.cn-north-4.myhuaweicloud.com"

// kindsHarness is a configured provider over a fake that holds the signed
// SWR repository team/signed (fakecloud.SWR.SeedSigned) and the signed UHub
// image shop/signed (fakecloud.UHub.SeedSigned).
type kindsHarness struct {
	*harness
	fc          *fakecloud.Cloud
	indexDigest string
	uhubSigned  fakecloud.UHubTag
}

func newKindsHarness(t *testing.T) *kindsHarness {
	fc, url := startFake(t)
	k := &kindsHarness{fc: fc}
	k.indexDigest = fc.SWR.SeedSigned("team", "signed", signedBase)
	k.uhubSigned = fc.UHub.SeedSigned("shop", "signed", signedBase)
	k.harness = newHarness(t, context.Background(), NewServer("test", WithGetenv(noEnv)))
	k.configure(k.fakeBlocks(url))
	return k
}

// str is a string attribute; "<null>" when null.
func str(tb testing.TB, v tftypes.Value) string {
	tb.Helper()
	if v.IsNull() {
		return "<null>"
	}
	var s string
	if err := v.As(&s); err != nil {
		tb.Fatal(err)
	}
	return s
}

func withArgs(base map[string]tftypes.Value, more map[string]tftypes.Value) map[string]tftypes.Value {
	out := map[string]tftypes.Value{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range more {
		out[k] = v
	}
	return out
}

var tfTrue = tftypes.NewValue(tftypes.Bool, true)

func TestSWRTagSkipsArtifacts(t *testing.T) {
	t.Parallel()
	k := newKindsHarness(t)
	signed := map[string]tftypes.Value{"namespace": tfString("team"), "repository": tfString("signed")}
	sig := fakecloud.CosignTag(k.indexDigest, "sig")

	cases := []struct {
		name             string
		args             map[string]tftypes.Value
		tag, kind, media string
	}{
		{"newest skips the signature, attestations, notation signature and chart", nil, "v1.1.0", "index", "application/vnd.oci.image.index.v1+json"},
		{"include_artifacts takes the newest of any kind", map[string]tftypes.Value{"include_artifacts": tfTrue}, sig, "signature", "application/vnd.oci.image.manifest.v1+json"},
		{"an exact tag is returned whatever it is", map[string]tftypes.Value{"tag": tfString("chart-1.4.2")}, "chart-1.4.2", "helm_chart", "application/vnd.oci.image.manifest.v1+json"},
		{"an exact notation signature", map[string]tftypes.Value{"tag": tfString("notation-v1.1.0")}, "notation-v1.1.0", "signature", "application/vnd.oci.image.manifest.v1+json"},
		{"a regex that only artifacts match, with include_artifacts", map[string]tftypes.Value{"tag_regex": tfString(`\.att$`), "include_artifacts": tfTrue},
			fakecloud.CosignTag(k.indexDigest, "att"), "attestation", "application/vnd.oci.image.manifest.v1+json"},
		{"highest version skips nothing it should not", map[string]tftypes.Value{"order_by": tfString("version")}, "v1.1.0", "index", "application/vnd.oci.image.index.v1+json"},
	}
	for _, c := range cases {
		got := attrsOf(t, k.harness, "registry_swr_tag", withArgs(signed, c.args))
		if g := str(t, got["tag"]); g != c.tag || str(t, got["kind"]) != c.kind || str(t, got["media_type"]) != c.media {
			t.Errorf("%s: tag %q kind %q media type %q; want %q, %q, %q", c.name, g, str(t, got["kind"]), str(t, got["media_type"]), c.tag, c.kind, c.media)
		}
	}
	chart := attrsOf(t, k.harness, "registry_swr_tag", withArgs(signed, map[string]tftypes.Value{"tag": tfString("chart-1.4.2")}))
	if at := str(t, chart["artifact_type"]); at != "application/vnd.cncf.helm.config.v1+json" {
		t.Errorf("chart artifact_type %q", at)
	}
	if !chart["platforms"].IsNull() || !chart["platform_digest"].IsNull() {
		t.Errorf("a chart has platforms %v, platform_digest %v; want both null", chart["platforms"], chart["platform_digest"])
	}

	// Only artifacts match: the error counts them.
	msg := errorsOf(t, k.harness, "registry_swr_tag", withArgs(signed, map[string]tftypes.Value{"tag_regex": tfString(`\.(sig|att)$|^notation`)}))
	for _, want := range []string{"No tag matches", "6 tags seen, 4 of them left out as artifacts", "include_artifacts = true takes them"} {
		if !strings.Contains(msg, want) {
			t.Errorf("no-candidate error %q does not say %q", msg, want)
		}
	}
}

func TestSWRTagPlatform(t *testing.T) {
	t.Parallel()
	k := newKindsHarness(t)
	signed := map[string]tftypes.Value{"namespace": tfString("team"), "repository": tfString("signed")}
	seed := "team/signed:v1.1.0"
	arm64 := fakecloud.PlatformDigest(seed, fakecloud.IndexPlatform{OS: "linux", Architecture: "arm64"})
	armv7 := fakecloud.PlatformDigest(seed, fakecloud.IndexPlatform{OS: "linux", Architecture: "arm", Variant: "v7"})

	for _, c := range []struct {
		platform, tag, digest string
	}{
		{"linux/arm64", "", arm64},
		{"linux/aarch64", "", arm64},
		{"linux/arm64/v8", "", arm64},
		{"linux/arm/v7", "", armv7},
		{"linux/arm64", "v1.1.0", arm64},
	} {
		args := withArgs(signed, map[string]tftypes.Value{"platform": tfString(c.platform)})
		if c.tag != "" {
			args["tag"] = tfString(c.tag)
		}
		got := attrsOf(t, k.harness, "registry_swr_tag", args)
		if str(t, got["tag"]) != "v1.1.0" || str(t, got["platform_digest"]) != c.digest ||
			str(t, got["platform_pinned_path"]) != swrRegistry+"/team/signed@"+c.digest {
			t.Errorf("platform %s tag %q: chose %s, platform_digest %s, platform_pinned_path %s; want v1.1.0 at %s",
				c.platform, c.tag, str(t, got["tag"]), str(t, got["platform_digest"]), str(t, got["platform_pinned_path"]), c.digest)
		}
		if str(t, got["digest"]) != k.indexDigest {
			t.Errorf("platform %s: digest %s, want the index's %s", c.platform, str(t, got["digest"]), k.indexDigest)
		}
	}
	// Without platform, the platform attributes are null and platforms
	// lists the three images, not buildx's attestation manifests.
	got := attrsOf(t, k.harness, "registry_swr_tag", signed)
	if !got["platform_digest"].IsNull() || !got["platform_pinned_path"].IsNull() {
		t.Errorf("platform attributes %v %v without platform", got["platform_digest"], got["platform_pinned_path"])
	}
	var platforms []tftypes.Value
	if err := got["platforms"].As(&platforms); err != nil || len(platforms) != 3 {
		t.Fatalf("platforms %v (%v), want 3 entries", got["platforms"], err)
	}
	var p map[string]tftypes.Value
	if err := platforms[2].As(&p); err != nil {
		t.Fatal(err)
	}
	if str(t, p["os"]) != "linux" || str(t, p["architecture"]) != "arm" || str(t, p["variant"]) != "v7" || str(t, p["os_version"]) != "<null>" ||
		str(t, p["digest"]) != armv7 || str(t, p["pinned_path"]) != swrRegistry+"/team/signed@"+armv7 ||
		str(t, p["media_type"]) != "application/vnd.oci.image.manifest.v1+json" {
		t.Errorf("third platform %v", p)
	}

	for _, c := range []struct {
		name string
		args map[string]tftypes.Value
		want []string
	}{
		{"no index offers the platform", map[string]tftypes.Value{"platform": tfString("linux/arm/v6")},
			[]string{"No tag matches", "6 tags seen, 6 of them left out as not multi-platform tags holding linux/arm/v6"}},
		{"an exact image is no index", map[string]tftypes.Value{"platform": tfString("linux/amd64"), "tag": tfString("v1.0.0")},
			[]string{"Tag has no image for the platform", `Tag "v1.0.0" of team/signed is of kind "image" and holds images for: none`}},
		{"an exact index without the platform", map[string]tftypes.Value{"platform": tfString("linux/s390x"), "tag": tfString("v1.1.0")},
			[]string{`Tag "v1.1.0" of team/signed is of kind "index" and holds images for: linux/amd64, linux/arm64, linux/arm/v7; it has none for linux/s390x`}},
	} {
		msg := errorsOf(t, k.harness, "registry_swr_tag", withArgs(signed, c.args))
		for _, want := range c.want {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: %q does not say %q", c.name, msg, want)
			}
		}
	}

	// An unparsable platform is refused at plan time, by the validator.
	for _, bad := range []string{"linux", "arm64", "linux/", "linux/arm64/v8/extra", "linux/amd 64"} {
		resp, err := k.server.ValidateDataResourceConfig(k.ctx, &tfprotov6.ValidateDataResourceConfigRequest{
			TypeName: "registry_swr_tag", Config: k.dataSourceConfig("registry_swr_tag", withArgs(signed, map[string]tftypes.Value{"platform": tfString(bad)})),
		})
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(diagnosticsText(resp.Diagnostics), "\n")
		if !strings.Contains(text, "Invalid platform") || !strings.Contains(text, "os/architecture[/variant]") {
			t.Errorf("platform %q at plan time: %q, want an error saying how to write one", bad, text)
		}
	}
}

func TestTagListsLatestSkipsArtifacts(t *testing.T) {
	t.Parallel()
	k := newKindsHarness(t)
	swrList := attrsOf(t, k.harness, "registry_swr_tags", map[string]tftypes.Value{"namespace": tfString("team"), "repository": tfString("signed")})
	var tags []tftypes.Value
	if err := swrList["tags"].As(&tags); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, tv := range tags {
		var m map[string]tftypes.Value
		if err := tv.As(&m); err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, str(t, m["kind"]))
	}
	if got := strings.Join(kinds, ","); got != "signature,signature,attestation,helm_chart,index,image" {
		t.Errorf("registry_swr_tags kinds newest first: %s", got)
	}
	var latest map[string]tftypes.Value
	if err := swrList["latest"].As(&latest); err != nil {
		t.Fatal(err)
	}
	if str(t, latest["tag"]) != "v1.1.0" {
		t.Errorf("registry_swr_tags latest is %s, want v1.1.0 (the signatures and the chart are newer)", str(t, latest["tag"]))
	}

	image := map[string]tftypes.Value{"repo_name": tfString("shop"), "image_name": tfString("signed")}
	uhubList := attrsOf(t, k.harness, "registry_ucloud_image_tags", image)
	if err := uhubList["latest"].As(&latest); err != nil {
		t.Fatal(err)
	}
	if str(t, latest["tag"]) != "v1.1.0" || str(t, latest["kind"]) != "image" || str(t, latest["digest"]) != k.uhubSigned.Digest {
		t.Errorf("registry_ucloud_image_tags latest %v, want v1.1.0", latest)
	}
	if err := uhubList["tags"].As(&tags); err != nil {
		t.Fatal(err)
	}
	var first map[string]tftypes.Value
	if err := tags[0].As(&first); err != nil {
		t.Fatal(err)
	}
	if str(t, first["kind"]) != "signature" {
		t.Errorf("the newest UHub tag %s is of kind %s, want signature (from its name)", str(t, first["tag"]), str(t, first["kind"]))
	}

	one := attrsOf(t, k.harness, "registry_ucloud_image_tag", image)
	if str(t, one["tag"]) != "v1.1.0" || str(t, one["kind"]) != "image" {
		t.Errorf("registry_ucloud_image_tag chose %s (%s), want v1.1.0", str(t, one["tag"]), str(t, one["kind"]))
	}
	all := attrsOf(t, k.harness, "registry_ucloud_image_tag", withArgs(image, map[string]tftypes.Value{"include_artifacts": tfTrue}))
	if want := fakecloud.CosignTag(k.uhubSigned.Digest, "sig"); str(t, all["tag"]) != want || str(t, all["kind"]) != "signature" {
		t.Errorf("with include_artifacts chose %s (%s), want %s", str(t, all["tag"]), str(t, all["kind"]), want)
	}
	msg := errorsOf(t, k.harness, "registry_ucloud_image_tag", withArgs(image, map[string]tftypes.Value{"tag_regex": tfString(`^sha256-`)}))
	if !strings.Contains(msg, "4 tags seen, 2 of them left out as artifacts") {
		t.Errorf("UHub no-candidate error %q does not count the artifacts", msg)
	}
}

// TestSigningLeavesThePinAlone is the story users care about: a deploy
// pinned to the newest image and to its arm64 digest; signing the image
// again (a newer .sig tag, a new notation signature) plans nothing; a new
// image moves both pins.
func TestSigningLeavesThePinAlone(t *testing.T) {
	t.Parallel()
	fc, url := startFake(t)
	index := fc.SWR.SeedSigned("team", "signed", signedBase)
	config := swrTagConfig(url, `
  namespace  = "team"
  repository = "signed"
  platform   = "linux/arm64"`) + testDataBlock("registry_swr_tags", `
  namespace  = "team"
  repository = "signed"`) + `
resource "terraform_data" "deploy" {
  input = {
    image = data.registry_swr_tag.test.pinned_path
    arm64 = data.registry_swr_tag.test.platform_pinned_path
    list  = data.registry_swr_tags.test.latest.pinned_path
  }
}
`
	arm64 := func(seed string) string {
		return swrRegistry + "/team/signed@" + fakecloud.PlatformDigest(seed, fakecloud.IndexPlatform{OS: "linux", Architecture: "arm64"})
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(nil),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("terraform_data.deploy", tfjsonpath.New("output"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"image": knownvalue.StringExact(swrRegistry + "/team/signed@" + index),
						"arm64": knownvalue.StringExact(arm64("team/signed:v1.1.0")),
						"list":  knownvalue.StringExact(swrRegistry + "/team/signed@" + index),
					})),
				},
			},
			{
				PreConfig: func() {
					fc.SWR.PushManifest("team", "signed", fakecloud.CosignTag(index, "sig"), fakecloud.CosignSignatureManifest(index+"/again"), signedBase.Add(time.Hour))
					fc.SWR.PushManifest("team", "signed", "notation-v1.1.0-2", fakecloud.NotationSignatureManifest(index), signedBase.Add(2*time.Hour))
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				PreConfig: func() {
					fc.SWR.PushManifest("team", "signed", "v1.2.0", fakecloud.IndexManifest("team/signed:v1.2.0",
						fakecloud.IndexPlatform{OS: "linux", Architecture: "amd64"}, fakecloud.IndexPlatform{OS: "linux", Architecture: "arm64"}),
						signedBase.Add(3*time.Hour))
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("terraform_data.deploy", plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("terraform_data.deploy", tfjsonpath.New("output").AtMapKey("arm64"),
						knownvalue.StringExact(arm64("team/signed:v1.2.0"))),
				},
			},
		},
	})
}

// TestEveryKindRuleThroughTheFake: each rule of the SPEC's kind table, with
// the manifest the tool that pushes it writes (internal/tagkind/testdata),
// pushed to the fake and read back through registry_swr_tags.
func TestEveryKindRuleThroughTheFake(t *testing.T) {
	t.Parallel()
	fc, url := startFake(t)
	hex64 := strings.Repeat("ab", 32)
	cases := []struct{ tag, file, kind string }{
		{"sha256-" + hex64 + ".sig", "cosign-signature.json", "signature"},     // 1
		{"sha256-" + hex64 + ".att", "cosign-attestation.json", "attestation"}, // 1
		{"sha256-" + hex64 + ".sbom", "cosign-sbom.json", "sbom"},              // 1
		{"sha256-" + hex64, "oci-image.json", "artifact"},                      // 1: referrers tag
		{"notation", "notation-signature.json", "signature"},                   // 2
		{"bundle", "cosign-bundle-referrer.json", "attestation"},               // 2
		{"cyclonedx", "oras-sbom-referrer.json", "sbom"},                       // 2
		{"policy", "oras-artifact.json", "artifact"},                           // 2
		{"chart-1.4.2", "helm-chart.json", "helm_chart"},                       // 3
		{"signed-copy", "cosign-signature.json", "signature"},                  // 4
		{"v2.0.0", "buildx-index.json", "index"},                               // 5
		{"v1.9.0", "docker-manifest-list.json", "index"},                       // 5
		{"v2.0.0-att", "attestations-only-index.json", "attestation"},          // 5
		{"v1.2.3", "docker-v2-image.json", "image"},                            // 6
		{"sha-ad132f5", "oci-image.json", "image"},                             // 6: not a digest name
		{"v0.9", "docker-schema1.json", "image"},                               // 6
		{"wasm", "wasm-artifact.json", "artifact"},                             // 7
		{"broken", "", "unknown"},                                              // 8: not JSON
	}
	for i, c := range cases {
		manifest := "{not json"
		if c.file != "" {
			b, err := os.ReadFile(filepath.Join("..", "tagkind", "testdata", c.file))
			if err != nil {
				t.Fatal(err)
			}
			manifest = string(b)
		}
		fc.SWR.PushManifest("team", "kinds", c.tag, manifest, signedBase.Add(time.Duration(i)*time.Minute))
	}
	h := newHarness(t, context.Background(), NewServer("test", WithGetenv(noEnv)))
	h.configure(h.fakeBlocks(url))
	var tags []tftypes.Value
	if err := attrsOf(t, h, "registry_swr_tags", map[string]tftypes.Value{"namespace": tfString("team"), "repository": tfString("kinds")})["tags"].As(&tags); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, tv := range tags {
		var m map[string]tftypes.Value
		if err := tv.As(&m); err != nil {
			t.Fatal(err)
		}
		got[str(t, m["tag"])] = str(t, m["kind"])
	}
	for _, c := range cases {
		if got[c.tag] != c.kind {
			t.Errorf("%s (%s): kind %q, want %q", c.tag, c.file, got[c.tag], c.kind)
		}
	}
}
