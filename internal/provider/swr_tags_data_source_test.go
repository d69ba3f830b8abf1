package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
)

const swrAddr = "data.registry_swr_tags.test"

func swrTagsConfig(url, body string) string {
	return swrProviderConfig(url, fakecloud.DefaultSWRSecretKey) + testDataBlock("registry_swr_tags", body)
}

// expectSWRTag is the whole object the data source must write for a tag
// the fake stores, every attribute included.
func expectSWRTag(t *testing.T, fc *fakecloud.Cloud, ns, repo, tag string, withManifest bool) knownvalue.Check {
	t.Helper()
	return knownvalue.ObjectExact(swrTagAttributes(t, fc, ns, repo, tag, withManifest))
}

// swrTagAttributes are the checks of every attribute a tag the fake stores
// is written with (registry_swr_tag names "id" tag_id).
func swrTagAttributes(t *testing.T, fc *fakecloud.Cloud, ns, repo, tag string, withManifest bool) map[string]knownvalue.Check {
	t.Helper()
	ft, ok := fc.SWR.Tag(ns, repo, tag)
	if !ok {
		t.Fatalf("fake has no tag %s", tag)
	}
	path := fmt.Sprintf("swr.cn-north-4.myhuaweicloud.com/%s/%s:%s", ns, repo, tag)
	var manifest knownvalue.Check = knownvalue.Null()
	if withManifest {
		manifest = knownvalue.StringExact(ft.Manifest)
	}
	return map[string]knownvalue.Check{
		"id":            knownvalue.Int64Exact(ft.ID),
		"repo_id":       knownvalue.Int64Exact(ft.RepoID),
		"tag":           knownvalue.StringExact(tag),
		"image_id":      knownvalue.StringExact(ft.ImageID),
		"digest":        knownvalue.StringExact(ft.Digest),
		"manifest":      manifest,
		"schema":        knownvalue.Int64Exact(2),
		"path":          knownvalue.StringExact(path),
		"internal_path": knownvalue.StringExact(fmt.Sprintf("10.125.0.198:20202/%s/%s:%s", ns, repo, tag)),
		"pinned_path":   knownvalue.StringExact(fmt.Sprintf("swr.cn-north-4.myhuaweicloud.com/%s/%s@%s", ns, repo, ft.Digest)),
		"size":          knownvalue.Int64Exact(ft.Size),
		"is_trusted":    knownvalue.Bool(false),
		"created":       knownvalue.StringExact(ft.Created.Format(time.RFC3339)),
		"updated":       knownvalue.StringExact(ft.Updated.Format(time.RFC3339)),
		"deleted":       knownvalue.Null(),
		"domain_id":     knownvalue.StringExact(fakecloud.DefaultSWRDomainID),
		"scanned":       knownvalue.Bool(ft.Scanned),
		"tag_type":      knownvalue.Int64Exact(0),
		// The fake's generated and pushed tags are Docker schema 2 images.
		"kind":          knownvalue.StringExact("image"),
		"media_type":    knownvalue.StringExact("application/vnd.docker.distribution.manifest.v2+json"),
		"artifact_type": knownvalue.Null(),
		"platforms":     knownvalue.Null(),
	}
}

func swrTagsEveryAttribute(t *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
	// v1.0.0 and v2.0.0 share their update second: descending natural
	// order of the name breaks the tie (the fake sends ties in byte order).
	fc.SWR.GenerateTags("team", "apps/web", 3)

	return resource.TestStep{
		Config: swrTagsConfig(url, `
  namespace        = "team"
  repository       = "apps/web"
  include_manifest = true
  timeouts { read = "2m" }`),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(swrAddr, tfjsonpath.New("id"), knownvalue.StringExact("team/apps/web?include_manifest=true")),
			statecheck.ExpectKnownValue(swrAddr, tfjsonpath.New("total_count"), knownvalue.Int64Exact(3)),
			statecheck.ExpectKnownValue(swrAddr, tfjsonpath.New("tags"), knownvalue.ListExact([]knownvalue.Check{
				expectSWRTag(t, fc, "team", "apps/web", "v2.0.0", true),
				expectSWRTag(t, fc, "team", "apps/web", "v1.0.0", true),
				expectSWRTag(t, fc, "team", "apps/web", "v0.0.0", true),
			})),
			statecheck.ExpectKnownValue(swrAddr, tfjsonpath.New("latest"), expectSWRTag(t, fc, "team", "apps/web", "v2.0.0", true)),
		},
	}
}

// swrTagsManyPagesInOrder lists three pages of 100 tags (with
// WithSWRPageSize(100)).
func swrTagsManyPagesInOrder(t *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
	fc.SWR.GenerateTags("team", "web", 250)

	return resource.TestStep{
		Config: swrTagsConfig(url, `
  namespace  = "team"
  repository = "web"`),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(swrAddr, tfjsonpath.New("total_count"), knownvalue.Int64Exact(250)),
			statecheck.ExpectKnownValue(swrAddr, tfjsonpath.New("tags"), knownvalue.ListSizeExact(250)),
			// 249 is newest; 247 and 248 share a second, so the name decides, descending.
			statecheck.ExpectKnownValue(swrAddr, tfjsonpath.New("tags").AtSliceIndex(0).AtMapKey("tag"), knownvalue.StringExact("v249.0.0")),
			statecheck.ExpectKnownValue(swrAddr, tfjsonpath.New("tags").AtSliceIndex(1).AtMapKey("tag"), knownvalue.StringExact("v248.0.0")),
			statecheck.ExpectKnownValue(swrAddr, tfjsonpath.New("tags").AtSliceIndex(2).AtMapKey("tag"), knownvalue.StringExact("v247.0.0")),
			// Across the page boundaries, in order.
			statecheck.ExpectKnownValue(swrAddr, tfjsonpath.New("tags").AtSliceIndex(99).AtMapKey("tag"), knownvalue.StringExact("v150.0.0")),
			statecheck.ExpectKnownValue(swrAddr, tfjsonpath.New("tags").AtSliceIndex(100).AtMapKey("tag"), knownvalue.StringExact("v149.0.0")),
			statecheck.ExpectKnownValue(swrAddr, tfjsonpath.New("tags").AtSliceIndex(249).AtMapKey("tag"), knownvalue.StringExact("v0.0.0")),
			statecheck.ExpectKnownValue(swrAddr, tfjsonpath.New("tags").AtSliceIndex(123).AtMapKey("manifest"), knownvalue.Null()),
			statecheck.ExpectKnownValue(swrAddr, tfjsonpath.New("latest").AtMapKey("tag"), knownvalue.StringExact("v249.0.0")),
		},
	}
}

func swrTagsFilters() []stepCase {
	step := func(i int) func(*testing.T, *fakecloud.Cloud, string) resource.TestStep {
		return func(t *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
			fc.SWR.GenerateTags("team", "web", 25)

			return []resource.TestStep{
				{
					Config: swrTagsConfig(url, `
  namespace  = "team"
  repository = "web"
  tag_regex  = "^v1[0-4]\\.0\\.0$"`),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(swrAddr, tfjsonpath.New("id"), knownvalue.StringExact(`team/web?tag_regex=^v1[0-4]\.0\.0$`)),
						statecheck.ExpectKnownValue(swrAddr, tfjsonpath.New("total_count"), knownvalue.Int64Exact(25)),
						statecheck.ExpectKnownValue(swrAddr, tfjsonpath.New("tags"), listOf("tag", "v14.0.0", "v13.0.0", "v12.0.0", "v11.0.0", "v10.0.0")),
					},
				},
				{
					Config: swrTagsConfig(url, `
  namespace  = "team"
  repository = "web"
  tag        = "v2"`),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(swrAddr, tfjsonpath.New("total_count"), knownvalue.Int64Exact(6)),
						statecheck.ExpectKnownValue(swrAddr, tfjsonpath.New("tags"), listOf("tag", "v24.0.0", "v23.0.0", "v22.0.0", "v21.0.0", "v20.0.0", "v2.0.0")),
					},
				},
			}[i]
		}
	}
	cases := make([]stepCase, 2)
	for i := range cases {
		cases[i] = stepCase{name: fmt.Sprintf("filters %d of 2", i+1), step: step(i)}
	}
	return cases
}

func swrTagsEmptyRepository(t *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
	fc.SWR.CreateRepository("team", "empty")

	return resource.TestStep{
		Config: swrTagsConfig(url, `
  namespace  = "team"
  repository = "empty"`),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(swrAddr, tfjsonpath.New("total_count"), knownvalue.Int64Exact(0)),
			statecheck.ExpectKnownValue(swrAddr, tfjsonpath.New("tags"), knownvalue.ListExact([]knownvalue.Check{})),
			statecheck.ExpectKnownValue(swrAddr, tfjsonpath.New("latest"), knownvalue.Null()),
		},
	}
}

// TestSWRTagsReads: every one-step read that succeeds, each against a fake
// of its own, in one Terraform run.
func TestSWRTagsReads(t *testing.T) {
	t.Parallel()
	runStepCases(t, append(swrTagsFilters(), []stepCase{
		{name: "every attribute", step: swrTagsEveryAttribute},
		{name: "an empty repository", step: swrTagsEmptyRepository},
		// Three pages of 100 tags (WithSWRPageSize); SWR's own 1,000 are
		// read from the environment below.
		{name: "many pages in order", opts: []Option{WithSWRPageSize(100)}, step: swrTagsManyPagesInOrder},
		{
			// The user story of the README: credentials and endpoints from
			// HW_* variables, an empty provider block; the listing is two of
			// SWR's pages of 1,000, the second of one tag.
			name: "credentials and endpoints from the environment",
			env: func(url string) testEnv {
				return testEnv{
					envHWRegion:      fakecloud.DefaultSWRRegion,
					envHWAccessKey:   fakecloud.DefaultSWRAccessKey,
					envHWSecretKey:   fakecloud.DefaultSWRSecretKey,
					envHWSWREndpoint: url,
					envHWIAMEndpoint: url,
				}
			},
			step: func(_ *testing.T, fc *fakecloud.Cloud, _ string) resource.TestStep {
				fc.SWR.GenerateTags("team", "web", 1001)
				return resource.TestStep{
					Config: `
data "registry_swr_tags" "test" {
  namespace  = "team"
  repository = "web"
}`,
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(swrAddr, tfjsonpath.New("tags"), knownvalue.ListSizeExact(1001)),
					},
				}
			},
		},
	}...))
}

// TestSWRTagsFailures: every one-step read that must fail, and how, in one
// Terraform run.
func TestSWRTagsFailures(t *testing.T) {
	t.Parallel()
	runStepCases(t, []stepCase{
		{name: "a wrong secret key names the argument", step: swrTagsWrongSecretKey},
		{name: "missing credentials", step: swrTagsMissingCredentials},
	})
}

func swrTagsWrongSecretKey(t *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
	fc.SWR.GenerateTags("team", "web", 2)

	return resource.TestStep{
		Config: swrProviderConfig(url, "not-the-secret") + `
data "registry_swr_tags" "test" {
  namespace  = "team"
  repository = "web"
}`,
		ExpectError: regexp.MustCompile(`(?s)Huawei Cloud SWR KeystoneListProjects failed.*HTTP 401, code APIGW\.0301.*request\s+ID\s+swr-req-.*secret_key\s+/\s+HW_SECRET_KEY`),
	}
}

func swrTagsMissingCredentials(t *testing.T, _ *fakecloud.Cloud, url string) resource.TestStep {

	return resource.TestStep{
		Config: fmt.Sprintf(`
provider "registry" {
  swr {
    endpoint   = %q
    access_key = "AK"
    secret_key = ""
  }
}
data "registry_swr_tags" "test" {
  namespace  = "team"
  repository = "web"
}`, url),
		ExpectError: regexp.MustCompile(`(?s)credentials missing.*secret_key \(HW_SECRET_KEY\)`),
	}
}

// TestSWRTagsDrift: an unchanged repository plans nothing; a tag moved to a
// new digest between runs makes the pinned input change.
func TestSWRTagsDrift(t *testing.T) {
	t.Parallel()
	fc, url := startFake(t)
	fc.SWR.GenerateTags("team", "web", 5)
	config := swrTagsConfig(url, `
  namespace  = "team"
  repository = "web"`) + `
resource "terraform_data" "deploy" {
  input = data.registry_swr_tags.test.latest.pinned_path
}
output "pinned" {
  value = data.registry_swr_tags.test.latest.pinned_path
}`

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(nil),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				PreConfig: func() {
					fc.SWR.PushTag("team", "web", "v1.0.0", time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC))
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectNonEmptyPlan(),
						plancheck.ExpectResourceAction("terraform_data.deploy", plancheck.ResourceActionUpdate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(swrAddr, tfjsonpath.New("latest").AtMapKey("tag"), knownvalue.StringExact("v1.0.0")),
				},
			},
		},
	})
}
