package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
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
// is written with (registry_swr_tag names "id" tag_id). An attribute that
// is a key of the fake's tag JSON (as the wire names go: "Tag" is tag) is
// expected as served, typed by its schema: a number, a bool, or a string
// ("" and null are null, the provider's one rule; times as the fake
// serves them, RFC 3339 in UTC). The attributes the provider derives are
// listed here; any other attribute, or a served key without an attribute,
// fails the test.
func swrTagAttributes(t *testing.T, fc *fakecloud.Cloud, ns, repo, tag string, withManifest bool) map[string]knownvalue.Check {
	t.Helper()
	ft, ok := fc.SWR.Tag(ns, repo, tag)
	if !ok {
		t.Fatalf("fake has no tag %s", tag)
	}
	body, err := fc.SWR.TagJSON(ns, repo, tag)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var served map[string]any
	if err := dec.Decode(&served); err != nil {
		t.Fatal(err)
	}
	wire := make(map[string]any, len(served)) // by attribute name
	for key, v := range served {
		wire[strings.ToLower(key)] = v
	}
	derived := map[string]knownvalue.Check{
		"pinned_path": knownvalue.StringExact(fmt.Sprintf("swr.cn-north-4.myhuaweicloud.com/%s/%s@%s", ns, repo, ft.Digest)),
		// The fake's generated and pushed tags are Docker schema 2 images.
		"kind":          knownvalue.StringExact("image"),
		"media_type":    knownvalue.StringExact("application/vnd.docker.distribution.manifest.v2+json"),
		"artifact_type": knownvalue.Null(),
		"platforms":     knownvalue.Null(),
	}
	if !withManifest {
		derived["manifest"] = knownvalue.Null()
	}

	checks := map[string]knownvalue.Check{}
	for name, a := range swrTagSchemaAttributes(t) {
		v, onWire := wire[name]
		delete(wire, name)
		if c, ok := derived[name]; ok {
			checks[name] = c
			continue
		}
		if !onWire {
			t.Fatalf("registry_swr_tags' tag attribute %q is neither a key of the fake's tag JSON (a json tag of fakecloud.SWRTag) "+
				"nor derived in swrTagAttributes: give the fake the field, or list the attribute's check there", name)
		}
		checks[name] = servedCheck(t, name, a, v)
	}
	for key := range wire {
		t.Fatalf("the fake serves %q in a tag, which registry_swr_tags' tag object has no attribute for: add its line to swrTagObject (swr_tags_data_source.go)", key)
	}
	return checks
}

// swrTagSchemaAttributes are the attributes of a tag object of
// registry_swr_tags, from its schema.
func swrTagSchemaAttributes(t *testing.T) map[string]schema.Attribute {
	t.Helper()
	var resp datasource.SchemaResponse
	NewSWRTagsDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	tags, ok := resp.Schema.Attributes["tags"].(schema.ListNestedAttribute)
	if !ok {
		t.Fatalf("registry_swr_tags' tags is a %T", resp.Schema.Attributes["tags"])
	}
	return tags.NestedObject.Attributes
}

// servedCheck is the check of attribute name, of schema a, that the fake
// served as v (decoded with UseNumber).
func servedCheck(t *testing.T, name string, a schema.Attribute, v any) knownvalue.Check {
	t.Helper()
	switch a.(type) {
	case schema.Int64Attribute:
		if n, ok := v.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				return knownvalue.Int64Exact(i)
			}
		}
	case schema.BoolAttribute:
		if b, ok := v.(bool); ok {
			return knownvalue.Bool(b)
		}
	case schema.StringAttribute:
		switch s, ok := v.(string); {
		case v == nil || s == "":
			return knownvalue.Null()
		case ok:
			return knownvalue.StringExact(s)
		}
	default:
		t.Fatalf("%q is a %T, which swrTagAttributes does not expect from the wire: list its check among the derived ones", name, a)
	}
	t.Fatalf("the fake serves %q as %#v, which is not what its %T holds", name, v, a)
	return nil
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
