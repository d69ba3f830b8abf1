package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
)

const ucloudImageTagsAddr = "data.registry_ucloud_image_tags.test"

// uhubFakePageCap is the most tags the fake UHub answers a page with,
// whatever Limit asks for: listings of more tags take several pages.
const uhubFakePageCap = 20

func ucloudImageTagsConfig(url, body string) string {
	return ucloudProviderConfig(url, fakecloud.DefaultUCloudPrivateKey) + testDataBlock("registry_ucloud_image_tags", body)
}

// uhubTagOf is the fake's stored tag of that name.
func uhubTagOf(t *testing.T, fc *fakecloud.Cloud, repo, image, name string) fakecloud.UHubTag {
	t.Helper()
	for _, tag := range fc.UHub.ImageTags(repo, image) {
		if tag.TagName == name {
			return tag
		}
	}
	t.Fatalf("fake has no tag %s in %s/%s", name, repo, image)
	return fakecloud.UHubTag{}
}

// uhubTagAttrs are the attributes both data sources must write for a tag
// the fake stores: digest and pinned_path null when it has no digest.
func uhubTagAttrs(repo, image string, tag fakecloud.UHubTag) map[string]knownvalue.Check {
	var digest, pinned knownvalue.Check = knownvalue.Null(), knownvalue.Null()
	if tag.Digest != "" {
		digest = knownvalue.StringExact(tag.Digest)
		pinned = knownvalue.StringExact("uhub.service.ucloud.cn/" + repo + "/" + image + "@" + tag.Digest)
	}
	return map[string]knownvalue.Check{
		"tag":         knownvalue.StringExact(tag.TagName),
		"digest":      digest,
		"update_time": knownvalue.StringExact(tag.UpdateTime.UTC().Format(time.RFC3339)),
		"path":        knownvalue.StringExact("uhub.service.ucloud.cn/" + repo + "/" + image + ":" + tag.TagName),
		"pinned_path": pinned,
		"kind":        knownvalue.StringExact("image"), // the fake's tags are named as images are
	}
}

// expectUHubTags is the list the data source must write for these tags of
// the fake, in this order, every attribute included.
func expectUHubTags(t *testing.T, fc *fakecloud.Cloud, repo, image string, names ...string) knownvalue.Check {
	t.Helper()
	checks := make([]knownvalue.Check, len(names))
	for i, name := range names {
		checks[i] = knownvalue.ObjectExact(uhubTagAttrs(repo, image, uhubTagOf(t, fc, repo, image, name)))
	}
	return knownvalue.ListExact(checks)
}

// generatedTagNames are the names GenerateImageTags gives tags from..to-1,
// newest first: tag i is updated at minute i, or in the second of tag i-1
// when i%4 == 3, and such ties go to the higher i, the later name in
// natural order. So newest first is i descending.
func generatedTagNames(from, to int) []string {
	names := make([]string, 0, to-from)
	for i := to - 1; i >= from; i-- {
		names = append(names, fmt.Sprintf("v1.%d.%d", i/10, i%10))
	}
	return names
}

// readUHubOnce reads a UHub tag data source once through the protocol, as
// Terraform does, and returns its top-level attributes and how many
// GetImageTag requests that one read made.
func readUHubOnce(t *testing.T, fc *fakecloud.Cloud, url, typeName string, args map[string]tftypes.Value) (map[string]tftypes.Value, int64) {
	t.Helper()
	h := newHarness(t, context.Background(), NewServer("test", WithGetenv(noEnv)))
	h.configure(h.fakeBlocks(url))
	before := fc.UHub.CallCount("GetImageTag")
	state := h.readState(typeName, h.dataSourceConfig(typeName, args))
	var attrs map[string]tftypes.Value
	if err := state.As(&attrs); err != nil {
		t.Fatal(err)
	}
	return attrs, fc.UHub.CallCount("GetImageTag") - before
}

// tfStringOf is a known string attribute's value; null or unknown fails.
func tfStringOf(t *testing.T, v tftypes.Value) string {
	t.Helper()
	var s string
	if !v.IsKnown() || v.IsNull() {
		t.Fatalf("%v is not a known string", v)
	}
	if err := v.As(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func ucloudImageTagsEveryAttribute(t *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
	// v1.0.0 … v1.0.9: v1.0.4 has "Digest": "", v1.0.9 no Digest key at all;
	// v1.0.3 shares its second with v1.0.2, v1.0.7 with v1.0.6.
	fc.UHub.GenerateImageTags("shop", "api", 10)

	return resource.TestStep{
		Config: ucloudImageTagsConfig(url, `
  repo_name  = "shop"
  image_name = "api"
  timeouts { read = "2m" }`),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("id"), knownvalue.StringExact("shop/api")),
			statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("repo_name"), knownvalue.StringExact("shop")),
			statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("image_name"), knownvalue.StringExact("api")),
			statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("project_id"), knownvalue.Null()),
			statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("tag_regex"), knownvalue.Null()),
			statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("timeouts"), knownvalue.ObjectExact(map[string]knownvalue.Check{
				"read": knownvalue.StringExact("2m"),
			})),
			statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("total_count"), knownvalue.Int64Exact(10)),
			statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("tags"), expectUHubTags(t, fc, "shop", "api", generatedTagNames(0, 10)...)),
			statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("latest"),
				knownvalue.ObjectExact(uhubTagAttrs("shop", "api", uhubTagOf(t, fc, "shop", "api", "v1.0.9")))),
			// Independently of the fake's data: the newest tag, sent with
			// no Digest key, and the one sent with "Digest": "" both have
			// null digest and pinned_path; v1.0.8 is pinned.
			statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("latest"), knownvalue.ObjectExact(map[string]knownvalue.Check{
				"tag":         knownvalue.StringExact("v1.0.9"),
				"digest":      knownvalue.Null(),
				"update_time": knownvalue.StringExact("2024-03-01T00:09:00Z"),
				"path":        knownvalue.StringExact("uhub.service.ucloud.cn/shop/api:v1.0.9"),
				"pinned_path": knownvalue.Null(),
				"kind":        knownvalue.StringExact("image"),
			})),
			statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("tags").AtSliceIndex(5), knownvalue.ObjectExact(map[string]knownvalue.Check{
				"tag":         knownvalue.StringExact("v1.0.4"),
				"digest":      knownvalue.Null(),
				"update_time": knownvalue.StringExact("2024-03-01T00:04:00Z"),
				"path":        knownvalue.StringExact("uhub.service.ucloud.cn/shop/api:v1.0.4"),
				"pinned_path": knownvalue.Null(),
				"kind":        knownvalue.StringExact("image"),
			})),
			statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("tags").AtSliceIndex(1).AtMapKey("pinned_path"),
				knownvalue.StringRegexp(regexp.MustCompile(`^uhub\.service\.ucloud\.cn/shop/api@sha256:[0-9a-f]{64}$`))),
			statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("tags").AtSliceIndex(1).AtMapKey("update_time"),
				knownvalue.StringExact("2024-03-01T00:08:00Z")),
		},
	}
}

// ucloudImageTagsTieBreak: tags pushed in the same second are listed
// by descending natural order of the name, at the top of the list and
// across a page boundary, whatever order UHub sends them in.
func ucloudImageTagsTieBreak() []stepCase {
	step := func(i int) func(*testing.T, *fakecloud.Cloud, string) resource.TestStep {
		return func(t *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
			seedUHubTies(fc)
			builds := make([]string, 0, 25)
			for i := 25; i >= 1; i-- {
				builds = append(builds, fmt.Sprintf("build-%d", i))
			}

			return []resource.TestStep{
				{
					Config: ucloudImageTagsConfig(url, `
  repo_name  = "shop"
  image_name = "top"`),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("tags"),
							listOf("tag", "v14.0.0", "v13.0.0", "v1.10", "v1.9", "v1.0.0")),
						statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("latest").AtMapKey("tag"), knownvalue.StringExact("v14.0.0")),
					},
				},
				{
					// 25 tags in one second over two pages of 20; UHub's order
					// (by name, byte-wise) puts build-25 on page one and build-3
					// … build-9 on page two.
					Config: ucloudImageTagsConfig(url, `
  repo_name  = "shop"
  image_name = "ties"`),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("total_count"), knownvalue.Int64Exact(26)),
						statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("tags"), listOf("tag", append(builds, "build-0")...)),
					},
				},
			}[i]
		}
	}
	cases := make([]stepCase, 2)
	for i := range cases {
		cases[i] = stepCase{name: fmt.Sprintf("tie-break %d of 2", i+1), step: step(i)}
	}
	return cases
}

// seedUHubTies pushes shop/top, whose newest tags tie in pairs (v13 and
// v14, v1.9 and v1.10: byte order would put v13 and v1.9 first), and
// shop/ties, 25 builds in one second and an older build-0.
func seedUHubTies(fc *fakecloud.Cloud) {
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	fc.UHub.PushImageTag("shop", "top", "v1.0.0", at.Add(-time.Hour))
	fc.UHub.PushImageTag("shop", "top", "v1.9", at.Add(-time.Minute))
	fc.UHub.PushImageTag("shop", "top", "v1.10", at.Add(-time.Minute))
	fc.UHub.PushImageTag("shop", "top", "v13.0.0", at)
	fc.UHub.PushImageTag("shop", "top", "v14.0.0", at)
	fc.UHub.PushImageTag("shop", "ties", "build-0", at.Add(-time.Hour))
	for i := 1; i <= 25; i++ {
		fc.UHub.PushImageTag("shop", "ties", fmt.Sprintf("build-%d", i), at)
	}
}

// ucloudImageTagsManyPages: every page of a listing the fake caps at 20
// tags a page, in the documented order, in ceil(N/20) requests.
func ucloudImageTagsManyPages(t *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
	const n = 253
	fc.UHub.GenerateImageTags("shop", "api", n)

	attrs, requests := readUHubOnce(t, fc, url, "registry_ucloud_image_tags",
		map[string]tftypes.Value{"repo_name": tfString("shop"), "image_name": tfString("api")})
	if want := int64((n + uhubFakePageCap - 1) / uhubFakePageCap); requests != want {
		t.Errorf("%d GetImageTag requests for %d tags, want %d", requests, n, want)
	}
	var tags []tftypes.Value
	if err := attrs["tags"].As(&tags); err != nil {
		t.Fatal(err)
	}
	want := generatedTagNames(0, n)
	if len(tags) != len(want) {
		t.Fatalf("%d tags, want %d", len(tags), len(want))
	}
	for i, tv := range tags {
		var tag map[string]tftypes.Value
		if err := tv.As(&tag); err != nil {
			t.Fatal(err)
		}
		if got := tfStringOf(t, tag["tag"]); got != want[i] {
			t.Fatalf("tags[%d] is %s, want %s", i, got, want[i])
		}
	}

	return resource.TestStep{
		Config: ucloudImageTagsConfig(url, `
  repo_name  = "shop"
  image_name = "api"`),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("total_count"), knownvalue.Int64Exact(n)),
			statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("tags"), expectUHubTags(t, fc, "shop", "api", want...)),
			statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("latest").AtMapKey("tag"), knownvalue.StringExact("v1.25.2")),
		},
	}
}

func ucloudImageTagsTagRegex() []stepCase {
	step := func(i int) func(*testing.T, *fakecloud.Cloud, string) resource.TestStep {
		return func(t *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
			fc.UHub.GenerateImageTags("shop", "api", 45)
			fc.UHub.AddProject("org-team")

			return []resource.TestStep{
				{
					Config: ucloudImageTagsConfig(url, `
  repo_name  = "shop"
  image_name = "api"
  project_id = "org-team"
  tag_regex  = "^v1\\.1\\.[0-4]$"`),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("id"), knownvalue.StringExact(`org-team/shop/api?tag_regex=^v1\.1\.[0-4]$`)),
						statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("project_id"), knownvalue.StringExact("org-team")),
						statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("tag_regex"), knownvalue.StringExact(`^v1\.1\.[0-4]$`)),
						// total_count is UHub's, before tag_regex.
						statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("total_count"), knownvalue.Int64Exact(45)),
						statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("tags"), expectUHubTags(t, fc, "shop", "api", generatedTagNames(10, 15)...)),
						statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("latest").AtMapKey("tag"), knownvalue.StringExact("v1.1.4")),
					},
				},
				{
					Config: ucloudImageTagsConfig(url, `
  repo_name  = "shop"
  image_name = "api"
  tag_regex  = "^release-"`),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("total_count"), knownvalue.Int64Exact(45)),
						statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("tags"), knownvalue.ListExact([]knownvalue.Check{})),
						statecheck.ExpectKnownValue(ucloudImageTagsAddr, tfjsonpath.New("latest"), knownvalue.Null()),
					},
				},
			}[i]
		}
	}
	cases := make([]stepCase, 2)
	for i := range cases {
		cases[i] = stepCase{name: fmt.Sprintf("tag_regex %d of 2", i+1), step: step(i)}
	}
	return cases
}

// TestUCloudImageTagsErrors: an unknown repository, image or project is a
// diagnostic naming the call, the RetCode, UHub's message and what to check.
func TestUCloudImageTagsErrors(t *testing.T) {
	t.Parallel()
	fc, url := startFake(t)
	fc.UHub.GenerateImageTags("shop", "api", 3)
	step := func(body string, want ...string) resource.TestStep {
		return resource.TestStep{Config: ucloudImageTagsConfig(url, body), ExpectError: diagnostic(want...)}
	}

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(nil),
		Steps: []resource.TestStep{
			step("repo_name = \"nope\"\nimage_name = \"api\"",
				`UCloud UHub GetImageTag failed`, `code 230: Params [RepoName] not available: repository nope does not exist`,
				`(HTTP 200, request ID`, `check repo_name and image_name (both must exist)`),
			step("repo_name = \"shop\"\nimage_name = \"web\"",
				`UCloud UHub GetImageTag failed`, `code 230: Params [ImageName] not available: image web does not exist in repository shop`,
				`check repo_name and image_name (both must exist)`),
			step("repo_name = \"shop\"\nimage_name = \"api\"\nproject_id = \"org-missing\"",
				`UCloud UHub GetImageTag failed`, `code 292: Project not exist`, `Check project_id / UCLOUD_PROJECT_ID`),
		},
	})
}

// TestUCloudImageTagsReads: every one-step read that succeeds, each
// against a fake of its own, in one Terraform run.
func TestUCloudImageTagsReads(t *testing.T) {
	t.Parallel()
	runStepCases(t, append(append(ucloudImageTagsTagRegex(), ucloudImageTagsTieBreak()...), []stepCase{
		{name: "every attribute", step: ucloudImageTagsEveryAttribute},
		{name: "many pages", step: ucloudImageTagsManyPages},
	}...))
}

// TestUCloudImageTagStatesBothRoutes: both data sources write, through the
// direct read path and through the framework's, the same state, which
// decodes against the schema.
func TestUCloudImageTagStatesBothRoutes(t *testing.T) {
	t.Parallel()
	fc, srv := fakecloud.Start(t)
	fc.UHub.GenerateImageTags("shop", "api", 45)
	ctx := context.Background()
	direct := newHarness(t, ctx, NewServer("test", WithGetenv(noEnv)))
	framework := newHarness(t, ctx, frameworkServer("test", WithGetenv(noEnv)))
	for _, h := range []*harness{direct, framework} {
		h.configure(h.fakeBlocks(srv.URL))
	}
	for _, r := range []struct {
		typeName string
		args     map[string]tftypes.Value
	}{
		{"registry_ucloud_image_tags", map[string]tftypes.Value{"repo_name": tfString("shop"), "image_name": tfString("api"), "tag_regex": tfString("[4-9]$")}},
		{"registry_ucloud_image_tag", map[string]tftypes.Value{"repo_name": tfString("shop"), "image_name": tfString("api"), "version_constraint": tfString(">= 1.1, < 1.3.9")}},
		{"registry_ucloud_image_tag", map[string]tftypes.Value{"repo_name": tfString("shop"), "image_name": tfString("api"), "tag": tfString("v1.0.8")}},
	} {
		config := direct.dataSourceConfig(r.typeName, r.args)
		state := direct.readState(r.typeName, config)
		if fstate := framework.readState(r.typeName, config); !state.Equal(fstate) {
			diffs, _ := state.Diff(fstate)
			t.Fatalf("%s: the direct and framework states differ: %v", r.typeName, diffs)
		}
		var top map[string]tftypes.Value
		if err := state.As(&top); err != nil {
			t.Fatal(err)
		}
		if r.typeName == "registry_ucloud_image_tag" {
			if top["digest"].IsNull() {
				t.Fatalf("%s: no digest: the comparison proves little", r.typeName)
			}
			continue
		}
		var tags []tftypes.Value
		if err := top["tags"].As(&tags); err != nil || len(tags) == 0 {
			t.Fatalf("%s: tags empty (%v): the comparison proves nothing", r.typeName, err)
		}
	}
}
