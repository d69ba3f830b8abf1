package provider

import (
	"context"
	"fmt"
	"regexp"
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

const ucloudImageTagAddr = "data.registry_ucloud_image_tag.test"

func ucloudImageTagConfig(url, body string) string {
	return ucloudProviderConfig(url, fakecloud.DefaultUCloudPrivateKey) + testDataBlock("registry_ucloud_image_tag", body)
}

// seedUHubChoice gives shop/api 256 tags, 13 pages at the fake's cap: the
// 253 generated ones (v1.0.0 … v1.25.2, in 2024), then v2.0.0, the
// pre-release v1.26.0-rc1 and "latest", pushed in that order in 2025.
func seedUHubChoice(fc *fakecloud.Cloud) int {
	fc.UHub.GenerateImageTags("shop", "api", 253)
	fc.UHub.PushImageTag("shop", "api", "v2.0.0", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	fc.UHub.PushImageTag("shop", "api", "v1.26.0-rc1", time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC))
	fc.UHub.PushImageTag("shop", "api", "latest", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC))
	return 256
}

// TestUCloudImageTagRequests holds the promise of registry_ucloud_image_tag:
// an exact tag in one GetImageTag request; any choice over every page, as
// UHub lists tags in no order, and so in as many requests as the listing.
func TestUCloudImageTagRequests(t *testing.T) {
	t.Parallel()
	yes := tftypes.NewValue(tftypes.Bool, true)
	cases := []struct {
		name     string
		args     map[string]tftypes.Value
		want     string
		oneExact bool // one request, not every page
	}{
		{"exact tag: one GetImageTag", map[string]tftypes.Value{"tag": tfString("v1.4.2")}, "v1.4.2", true},
		{"newest of every tag", nil, "latest", false},
		{"newest matching a regex", map[string]tftypes.Value{"tag_regex": tfString(`^v1\.4\.`)}, "v1.4.9", false},
		{"newest meeting ~> 1.4: no 2.0, no pre-release, no non-version", map[string]tftypes.Value{"version_constraint": tfString("~> 1.4")}, "v1.25.2", false},
		{"newest meeting ~> 1.4.0", map[string]tftypes.Value{"version_constraint": tfString("~> 1.4.0")}, "v1.4.9", false},
		{"a pre-release meets ~> 1.4 by its core version when asked", map[string]tftypes.Value{
			"version_constraint": tfString("~> 1.4"), "include_prerelease": yes,
		}, "v1.26.0-rc1", false},
		{"highest version", map[string]tftypes.Value{"order_by": tfString("version")}, "v2.0.0", false},
		{"highest version below 2", map[string]tftypes.Value{"order_by": tfString("version"), "version_constraint": tfString("< 2")}, "v1.25.2", false},
		{"highest version below 2, pre-releases included", map[string]tftypes.Value{
			"order_by": tfString("version"), "version_constraint": tfString("< 2"), "include_prerelease": yes,
		}, "v1.26.0-rc1", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fc, url := startFake(t)
			n := seedUHubChoice(fc)
			args := map[string]tftypes.Value{"repo_name": tfString("shop"), "image_name": tfString("api")}
			for k, v := range c.args {
				args[k] = v
			}
			attrs, requests := readUHubOnce(t, fc, url, "registry_ucloud_image_tag", args)
			if got := tfStringOf(t, attrs["tag"]); got != c.want {
				t.Errorf("chose %q, want %q", got, c.want)
			}
			want := int64((n + uhubFakePageCap - 1) / uhubFakePageCap)
			if c.oneExact {
				want = 1
			}
			if requests != want {
				t.Errorf("%d GetImageTag requests, want %d", requests, want)
			}
			// The chosen tag's own digest; v1.4.9 has none: null.
			wantDigest := tftypes.NewValue(tftypes.String, nil)
			if d := uhubTagOf(t, fc, "shop", "api", c.want).Digest; d != "" {
				wantDigest = tfString(d)
			}
			if !attrs["digest"].Equal(wantDigest) {
				t.Errorf("digest %v, want the fake's for %s, %v", attrs["digest"], c.want, wantDigest)
			}
		})
	}
}

// TestUCloudImageTagTieBreak: of tags pushed in the same second, the
// newest is the last in natural order, wherever UHub lists it.
func TestUCloudImageTagTieBreak(t *testing.T) {
	t.Parallel()
	fc, url := startFake(t)
	seedUHubTies(fc)
	for _, c := range []struct{ image, regex, want string }{
		{"top", "", "v14.0.0"},
		{"top", `^v1\.[0-9]+$`, "v1.10"},
		{"ties", "", "build-25"}, // on page one; build-9 is on page two
		{"ties", "^build-[0-9]$", "build-9"},
	} {
		args := map[string]tftypes.Value{"repo_name": tfString("shop"), "image_name": tfString(c.image)}
		if c.regex != "" {
			args["tag_regex"] = tfString(c.regex)
		}
		attrs, _ := readUHubOnce(t, fc, url, "registry_ucloud_image_tag", args)
		if got := tfStringOf(t, attrs["tag"]); got != c.want {
			t.Errorf("%s %s: chose %q, want %q", c.image, c.regex, got, c.want)
		}
	}
}

// TestUCloudImageTagReads: the one-step reads of registry_ucloud_image_tag that succeed, each
// against a fake of its own, in one Terraform run.
func TestUCloudImageTagReads(t *testing.T) {
	t.Parallel()
	runStepCases(t, ucloudImageTagEveryAttribute())
}

func ucloudImageTagEveryAttribute() []stepCase {
	step := func(i int) func(*testing.T, *fakecloud.Cloud, string) resource.TestStep {
		return func(t *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
			seedUHubChoice(fc)
			fc.UHub.AddProject("org-team")
			checks := func(id string, args map[string]knownvalue.Check, tag string) []statecheck.StateCheck {
				out := []statecheck.StateCheck{statecheck.ExpectKnownValue(ucloudImageTagAddr, tfjsonpath.New("id"), knownvalue.StringExact(id))}
				for name, check := range args {
					out = append(out, statecheck.ExpectKnownValue(ucloudImageTagAddr, tfjsonpath.New(name), check))
				}
				for name, check := range uhubTagAttrs("shop", "api", uhubTagOf(t, fc, "shop", "api", tag)) {
					out = append(out, statecheck.ExpectKnownValue(ucloudImageTagAddr, tfjsonpath.New(name), check))
				}
				return out
			}
			unset := func(set map[string]knownvalue.Check) map[string]knownvalue.Check {
				args := map[string]knownvalue.Check{
					"repo_name": knownvalue.StringExact("shop"), "image_name": knownvalue.StringExact("api"),
					"project_id": knownvalue.Null(), "tag_regex": knownvalue.Null(), "version_constraint": knownvalue.Null(),
					"order_by": knownvalue.Null(), "include_prerelease": knownvalue.Null(), "timeouts": knownvalue.Null(),
				}
				for k, v := range set {
					args[k] = v
				}
				return args
			}

			return []resource.TestStep{
				{
					Config: ucloudImageTagConfig(url, `
  repo_name  = "shop"
  image_name = "api"`),
					ConfigStateChecks: checks("shop/api", unset(nil), "latest"),
				},
				{
					// Sent with "Digest": "": digest and pinned_path are null.
					Config: ucloudImageTagConfig(url, `
  repo_name  = "shop"
  image_name = "api"
  tag        = "v1.0.4"
  timeouts { read = "2m" }`),
					ConfigStateChecks: append(checks("shop/api?tag=v1.0.4", unset(map[string]knownvalue.Check{
						"timeouts": knownvalue.ObjectExact(map[string]knownvalue.Check{"read": knownvalue.StringExact("2m")}),
					}), "v1.0.4"),
						statecheck.ExpectKnownValue(ucloudImageTagAddr, tfjsonpath.New("digest"), knownvalue.Null()),
						statecheck.ExpectKnownValue(ucloudImageTagAddr, tfjsonpath.New("pinned_path"), knownvalue.Null()),
						statecheck.ExpectKnownValue(ucloudImageTagAddr, tfjsonpath.New("path"), knownvalue.StringExact("uhub.service.ucloud.cn/shop/api:v1.0.4")),
						statecheck.ExpectKnownValue(ucloudImageTagAddr, tfjsonpath.New("update_time"), knownvalue.StringExact("2024-03-01T00:04:00Z")),
					),
				},
				{
					// Sent with no Digest key: the same nulls.
					Config: ucloudImageTagConfig(url, `
  repo_name  = "shop"
  image_name = "api"
  tag        = "v1.0.9"`),
					ConfigStateChecks: append(checks("shop/api?tag=v1.0.9", unset(nil), "v1.0.9"),
						statecheck.ExpectKnownValue(ucloudImageTagAddr, tfjsonpath.New("digest"), knownvalue.Null()),
						statecheck.ExpectKnownValue(ucloudImageTagAddr, tfjsonpath.New("pinned_path"), knownvalue.Null()),
					),
				},
				{
					Config: ucloudImageTagConfig(url, `
  repo_name          = "shop"
  image_name         = "api"
  project_id         = "org-team"
  tag_regex          = "^v"
  version_constraint = "~> 1.4"
  order_by           = "version"
  include_prerelease = false`),
					ConfigStateChecks: append(checks(`org-team/shop/api?tag_regex=^v&version_constraint=~> 1.4&order_by=version&include_prerelease=false`,
						unset(map[string]knownvalue.Check{
							"project_id": knownvalue.StringExact("org-team"), "tag_regex": knownvalue.StringExact("^v"),
							"version_constraint": knownvalue.StringExact("~> 1.4"), "order_by": knownvalue.StringExact("version"),
							"include_prerelease": knownvalue.Bool(false),
						}), "v1.25.2"),
						statecheck.ExpectKnownValue(ucloudImageTagAddr, tfjsonpath.New("pinned_path"),
							knownvalue.StringRegexp(regexp.MustCompile(`^uhub\.service\.ucloud\.cn/shop/api@sha256:[0-9a-f]{64}$`))),
					),
				},
			}[i]
		}
	}
	cases := make([]stepCase, 4)
	for i := range cases {
		cases[i] = stepCase{name: fmt.Sprintf("every-attribute %d of 4", i+1), step: step(i)}
	}
	return cases
}

func TestUCloudImageTagErrors(t *testing.T) {
	t.Parallel()
	fc, url := startFake(t)
	fc.UHub.GenerateImageTags("shop", "api", 45)
	step := func(body string, want ...string) resource.TestStep {
		return resource.TestStep{Config: ucloudImageTagConfig(url, body), ExpectError: diagnostic(want...)}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(nil),
		Steps: []resource.TestStep{
			step("repo_name = \"shop\"\nimage_name = \"api\"\ntag = \"v9.9.9\"",
				`Tag not found`, `Tag "v9.9.9" does not exist in shop/api. Check tag, or leave it out to choose the newest tag.`,
				`UCloud UHub GetImageTag: tag "v9.9.9" not found in image shop/api (HTTP 200, request ID`),
			step("repo_name = \"shop\"\nimage_name = \"api\"\ntag_regex = \"^release-\"\nversion_constraint = \"~> 1.0\"",
				`No tag matches`, `No tag of shop/api matches tag_regex = "^release-", version_constraint = "~> 1.0", `+
					`no pre-releases (include_prerelease = false): 45 tags seen.`, `Check tag_regex, version_constraint, include_prerelease and include_artifacts`),
			step("repo_name = \"shop\"\nimage_name = \"api\"\norder_by = \"version\"\ntag_regex = \"^v2\"",
				`No tag matches`, `No tag of shop/api matches tag_regex = "^v2", order_by = "version" (tags that read as versions), `+
					`no pre-releases (include_prerelease = false): 45 tags seen.`),
			// An unknown repository or image is UHub's error, not "no tag",
			// whether a tag is given or chosen.
			step("repo_name = \"nope\"\nimage_name = \"api\"\ntag = \"v1.0.0\"",
				`UCloud UHub GetImageTag failed`, `code 230: Params [RepoName] not available: repository nope does not exist (HTTP 200, request ID`,
				`check repo_name and image_name (both must exist)`),
			step("repo_name = \"shop\"\nimage_name = \"web\"",
				`UCloud UHub GetImageTag failed`, `code 230: Params [ImageName] not available: image web does not exist in repository shop`,
				`check repo_name and image_name (both must exist)`),
			step("repo_name = \"shop\"\nimage_name = \"web\"\ntag = \"v1.0.0\"",
				`UCloud UHub GetImageTag failed`, `code 230: Params [ImageName] not available`, `check repo_name and image_name`),
			step("repo_name = \"shop\"\nimage_name = \"api\"\nproject_id = \"org-missing\"\ntag = \"v1.0.0\"",
				`UCloud UHub GetImageTag failed`, `code 292: Project not exist`, `Check project_id / UCLOUD_PROJECT_ID`),
			step("repo_name = \"shop\"\nimage_name = \"api\"\nversion_constraint = \"~> one\"",
				`Invalid version constraint`, `"~> one" is not a version constraint`),
			step("repo_name = \"shop\"\nimage_name = \"api\"\norder_by = \"newest\"",
				`order_by`, `value must be one of`),
			step("repo_name = \"shop\"\nimage_name = \"api\"\ntag = \"v1.0.0\"\ntag_regex = \"^v\"",
				`Invalid Attribute Combination`, `tag_regex`),
			step("repo_name = \"shop\"\nimage_name = \"api\"\ntag = \"v1.0.0\"\ninclude_prerelease = false",
				`Invalid Attribute Combination`, `include_prerelease`),
		},
	})
}

// TestUCloudImageTagUnknownTagIsOnTheTagArgument: the diagnostic of a tag
// the image does not have points at the tag argument, so Terraform shows
// the line to fix.
func TestUCloudImageTagUnknownTagIsOnTheTagArgument(t *testing.T) {
	t.Parallel()
	fc, url := startFake(t)
	fc.UHub.GenerateImageTags("shop", "api", 3)
	h := newHarness(t, context.Background(), NewServer("test", WithGetenv(noEnv)))
	h.configure(h.fakeBlocks(url))
	resp := h.read("registry_ucloud_image_tag", h.dataSourceConfig("registry_ucloud_image_tag", map[string]tftypes.Value{
		"repo_name": tfString("shop"), "image_name": tfString("api"), "tag": tfString("v3.0.0"),
	}))
	if len(resp.Diagnostics) != 1 {
		t.Fatalf("diagnostics %v, want one", diagnosticsText(resp.Diagnostics))
	}
	d := resp.Diagnostics[0]
	if d.Severity != tfprotov6.DiagnosticSeverityError || d.Summary != "Tag not found" ||
		!d.Attribute.Equal(tftypes.NewAttributePath().WithAttributeName("tag")) {
		t.Errorf("got %v on %v, want the error Tag not found on the tag argument", diagnosticsText(resp.Diagnostics), d.Attribute)
	}
	if resp.State != nil {
		t.Error("a failed read returned a state")
	}
	if got := fc.UHub.CallCount("GetImageTag"); got != 1 {
		t.Errorf("%d GetImageTag requests, want 1", got)
	}
}

// TestUCloudImageTagDrift: a tag pushed again between two plans moves the
// digest and the plan shows it; a newer release moves the tag that follows
// "~> 1.4"; an unchanged image plans nothing.
func TestUCloudImageTagDrift(t *testing.T) {
	t.Parallel()
	fc, url := startFake(t)
	fc.UHub.GenerateImageTags("shop", "api", 50)
	config := ucloudImageTagConfig(url, `
  repo_name  = "shop"
  image_name = "api"
  tag        = "v1.0.3"`) + `
data "registry_ucloud_image_tag" "follow" {
  repo_name          = "shop"
  image_name         = "api"
  version_constraint = "~> 1.4"
}

resource "terraform_data" "deployed" {
  input = data.registry_ucloud_image_tag.test.pinned_path
}

resource "terraform_data" "follower" {
  input = data.registry_ucloud_image_tag.follow.pinned_path
}
`
	pinnedAt := func(addr, tag string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(addr, tfjsonpath.New("pinned_path"), knownvalue.StringFunc(func(v string) error {
			ft := uhubTagOf(t, fc, "shop", "api", tag)
			if ft.Digest == "" || !strings.HasSuffix(v, "/shop/api@"+ft.Digest) {
				return fmt.Errorf("pinned_path %s is not at %s's digest %s", v, tag, ft.Digest)
			}
			return nil
		}))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(nil),
		Steps: []resource.TestStep{
			{
				Config: config,
				// The newest ~> 1.4 release, v1.4.9, has no digest: its
				// pinned_path is null.
				ConfigStateChecks: []statecheck.StateCheck{
					pinnedAt(ucloudImageTagAddr, "v1.0.3"),
					statecheck.ExpectKnownValue("data.registry_ucloud_image_tag.follow", tfjsonpath.New("tag"), knownvalue.StringExact("v1.4.9")),
					statecheck.ExpectKnownValue("data.registry_ucloud_image_tag.follow", tfjsonpath.New("pinned_path"), knownvalue.Null()),
				},
			},
			{
				PreConfig: func() { fc.UHub.PushImageTag("shop", "api", "v1.4.10", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("terraform_data.follower", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("terraform_data.deployed", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.registry_ucloud_image_tag.follow", tfjsonpath.New("tag"), knownvalue.StringExact("v1.4.10")),
					pinnedAt("data.registry_ucloud_image_tag.follow", "v1.4.10"),
				},
			},
			{
				Config:   config,
				PlanOnly: true, // nothing moved: an empty plan
			},
			{
				PreConfig: func() { fc.UHub.PushImageTag("shop", "api", "v1.0.3", time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC)) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("terraform_data.deployed", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("terraform_data.follower", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{pinnedAt(ucloudImageTagAddr, "v1.0.3")},
			},
		},
	})
}
