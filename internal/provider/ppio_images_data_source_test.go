package provider

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
)

const ppioAddr = "data.registry_ppio_images.test"

// ppioProviderConfig points the provider's ppio block at the fake.
func ppioProviderConfig(url, key string) string {
	return fmt.Sprintf(`
provider "registry" {
  max_retries = 3
  ppio {
    api_key  = %q
    endpoint = %q
  }
}
`, key, url)
}

func ppioImagesConfig(url, body string) string {
	return ppioProviderConfig(url, fakecloud.DefaultPPIOAPIKey) + testDataBlock("registry_ppio_images", body)
}

// ppioImageByName is the fake's stored image of that name (generated names
// are unique).
func ppioImageByName(t *testing.T, fc *fakecloud.Cloud, name string) fakecloud.PPIOImage {
	t.Helper()
	for _, img := range fc.PPIO.Images() {
		if img.Name == name {
			return img
		}
	}
	t.Fatalf("fake has no image %s", name)
	return fakecloud.PPIOImage{}
}

// expectPPIOImage is the whole object the data source must write for an
// image the fake stores, every attribute included.
func expectPPIOImage(img fakecloud.PPIOImage) knownvalue.Check {
	tags := make([]knownvalue.Check, len(img.Tags))
	for i, tg := range img.Tags {
		tags[i] = knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id":              knownvalue.StringExact(tg.ID),
			"tag":             knownvalue.StringExact(tg.Tag),
			"owner_id":        knownvalue.StringExact(tg.OwnerID),
			"full_image_name": knownvalue.StringExact(tg.FullImageName),
		})
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id":             knownvalue.StringExact(img.ID),
		"name":           knownvalue.StringExact(img.Name),
		"image":          knownvalue.StringExact(img.Image),
		"type":           knownvalue.StringExact(img.Type),
		"status":         stringOrNull(img.Status),
		"status_error":   stringOrNull(img.StatusError),
		"status_message": stringOrNull(img.StatusMessage),
		"created_at":     knownvalue.StringExact(img.CreatedAt.UTC().Format(time.RFC3339)),
		"tags":           knownvalue.ListExact(tags),
	})
}

// stringOrNull is the check of an attribute under the provider's null rule:
// null when the registry gave nothing or "", never "".
func stringOrNull(s string) knownvalue.Check {
	if s == "" {
		return knownvalue.Null()
	}
	return knownvalue.StringExact(s)
}

// spyPPIO records the query of every request the fake PPIO receives.
func spyPPIO(fc *fakecloud.Cloud) *requestSpy {
	return spyRequests(fc, func(r *http.Request, _ url.Values) bool { return strings.HasPrefix(r.URL.Path, "/gpus/") })
}

func ppioEveryAttribute(t *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
	// vllm-1 is "disable" with an error and a message, pytorch-1 is
	// "creating" with a message only, cuda-0 is "normal" with neither.
	fc.PPIO.GenerateImages(10)
	disabled, creating, normal := ppioImageByName(t, fc, "vllm-1"), ppioImageByName(t, fc, "pytorch-1"), ppioImageByName(t, fc, "cuda-0")
	if disabled.StatusError == "" || disabled.StatusMessage == "" || creating.StatusError != "" || creating.StatusMessage == "" ||
		normal.StatusError != "" || normal.StatusMessage != "" || len(disabled.Tags) < 2 {
		t.Fatalf("generated images changed shape: %+v %+v %+v", disabled, creating, normal)
	}

	return resource.TestStep{
		Config: ppioImagesConfig(url, `
  name = "vllm-1"
  timeouts { read = "2m" }`) + `
data "registry_ppio_images" "creating" {
  name_regex = "^pytorch-1$"
}
data "registry_ppio_images" "normal" {
  type = "base"
  name = "cuda-0"
}`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("id"), knownvalue.StringExact("ppio-images?name=vllm-1")),
			statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images"), knownvalue.ListExact([]knownvalue.Check{expectPPIOImage(disabled)})),
			statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("latest"), expectPPIOImage(disabled)),
			statecheck.ExpectKnownValue("data.registry_ppio_images.creating", tfjsonpath.New("id"), knownvalue.StringExact("ppio-images?name_regex=^pytorch-1$")),
			statecheck.ExpectKnownValue("data.registry_ppio_images.creating", tfjsonpath.New("images"), knownvalue.ListExact([]knownvalue.Check{expectPPIOImage(creating)})),
			// Under the null rule: PPIO sent no error for it, so status_error is null, not "".
			statecheck.ExpectKnownValue("data.registry_ppio_images.creating", tfjsonpath.New("latest").AtMapKey("status_error"), knownvalue.Null()),
			statecheck.ExpectKnownValue("data.registry_ppio_images.normal", tfjsonpath.New("id"), knownvalue.StringExact("ppio-images?type=base&name=cuda-0")),
			statecheck.ExpectKnownValue("data.registry_ppio_images.normal", tfjsonpath.New("images"), knownvalue.ListExact([]knownvalue.Check{expectPPIOImage(normal)})),
			statecheck.ExpectKnownValue("data.registry_ppio_images.normal", tfjsonpath.New("latest"), knownvalue.ObjectPartial(map[string]knownvalue.Check{
				"name": knownvalue.StringExact("cuda-0"), "status": knownvalue.StringExact("normal"),
				"status_error": knownvalue.Null(), "status_message": knownvalue.Null(),
			})),
		},
	}
}

// ppioWithoutStatus: an image PPIO sends without a status object,
// or with an empty error and message, has those attributes null, never "".
func ppioWithoutStatus(t *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
	fc.PPIO.Inject(1000, fakecloud.StatusFault(http.StatusOK, nil, `{
  "data": [
    {"id": "i1", "name": "bare", "image": "reg.example.com/ns/bare", "type": "private", "created_at": 1709251200, "tags": []},
    {"id": "i2", "name": "ok", "image": "reg.example.com/ns/ok", "type": "private", "created_at": 1709254800,
     "status": {"status": "normal", "error": "", "message": ""}, "tags": []}
  ],
  "next_cursor": "", "has_more": false}`))

	nulls := func(name string, status knownvalue.Check) knownvalue.Check {
		return knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"name": knownvalue.StringExact(name), "status": status,
			"status_error": knownvalue.Null(), "status_message": knownvalue.Null(),
		})
	}
	return resource.TestStep{
		Config: ppioImagesConfig(url, ""),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images"), knownvalue.ListExact([]knownvalue.Check{
				nulls("ok", knownvalue.StringExact("normal")),
				nulls("bare", knownvalue.Null()),
			})),
			statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("latest"), nulls("ok", knownvalue.StringExact("normal"))),
		},
	}
}

func ppioManyPagesInOrder(t *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
	const n = 137 // three pages of at most fakecloud.PPIOMaxPageSize
	fc.PPIO.GenerateImages(n)
	spy := spyPPIO(fc)

	// The documented order: created_at newest first, then id.
	want := fc.PPIO.Images()
	slices.SortFunc(want, func(a, b fakecloud.PPIOImage) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	ties := 0
	for i := 1; i < len(want); i++ {
		if want[i].CreatedAt.Equal(want[i-1].CreatedAt) {
			ties++
		}
	}
	if ties < 10 {
		t.Fatalf("only %d created_at ties in the generated images: the id tie-breaker is not exercised", ties)
	}
	ids := make([]knownvalue.Check, len(want))
	for i, img := range want {
		ids[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(img.ID)})
	}

	// Independently of the sort above: images 136, 135 and 133 are the
	// newest; 131, 132 and 134 share the next second, so their ids decide.
	newest := []string{"comfyui-19", "vllm-19", "pytorch-19"}
	tie := []fakecloud.PPIOImage{ppioImageByName(t, fc, "ollama-18"), ppioImageByName(t, fc, "cuda-18"), ppioImageByName(t, fc, "tensorflow-19")}
	if !tie[0].CreatedAt.Equal(tie[1].CreatedAt) || !tie[0].CreatedAt.Equal(tie[2].CreatedAt) {
		t.Fatalf("images 131, 132 and 134 do not share created_at: %v %v %v", tie[0].CreatedAt, tie[1].CreatedAt, tie[2].CreatedAt)
	}
	slices.SortFunc(tie, func(a, b fakecloud.PPIOImage) int { return strings.Compare(a.ID, b.ID) })

	return resource.TestStep{
		Config: ppioImagesConfig(url, ""),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("id"), knownvalue.StringExact("ppio-images")),
			statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images"), knownvalue.ListSizeExact(n)),
			statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images"), knownvalue.ListExact(ids)),
			statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact(newest[0])),
			statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("latest"), expectPPIOImage(ppioImageByName(t, fc, newest[0]))),
			statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images").AtSliceIndex(1).AtMapKey("name"), knownvalue.StringExact(newest[1])),
			statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images").AtSliceIndex(2).AtMapKey("name"), knownvalue.StringExact(newest[2])),
			statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images").AtSliceIndex(3).AtMapKey("id"), knownvalue.StringExact(tie[0].ID)),
			statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images").AtSliceIndex(4).AtMapKey("id"), knownvalue.StringExact(tie[1].ID)),
			statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images").AtSliceIndex(5).AtMapKey("id"), knownvalue.StringExact(tie[2].ID)),
			statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images").AtSliceIndex(n-1).AtMapKey("name"), knownvalue.StringExact("pytorch-0")),
			statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images").AtSliceIndex(n-1).AtMapKey("created_at"), knownvalue.StringExact("2024-05-06T08:00:00Z")),
		},
		Check: func(*terraform.State) error {
			// Every read walks the three pages: one without a cursor,
			// two with.
			queries := spy.all()
			first := 0
			for _, q := range queries {
				if q.Get("cursor") == "" {
					first++
				}
			}
			if first == 0 || len(queries) != 3*first {
				return fmt.Errorf("%d requests for %d listings, want 3 pages each", len(queries), first)
			}
			return nil
		},
	}
}

func ppioFilters() []stepCase {
	step := func(i int) func(*testing.T, *fakecloud.Cloud, string) resource.TestStep {
		return func(t *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
			// pytorch-0…4 are images 0, 7, 14, 21 and 28: base, community, private,
			// base, community; created in that order.
			fc.PPIO.GenerateImages(30)
			spy := spyPPIO(fc)

			return []resource.TestStep{
				{
					Config: ppioImagesConfig(url, `name = "pytorch"`),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("id"), knownvalue.StringExact("ppio-images?name=pytorch")),
						statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images"), listOf("name", "pytorch-4", "pytorch-3", "pytorch-2", "pytorch-1", "pytorch-0")),
					},
					Check: spy.expect(map[string]string{"name": "pytorch", "type": ""}),
				},
				{
					Config: ppioImagesConfig(url, `
  type = "base"
  name = "pytorch"`),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("id"), knownvalue.StringExact("ppio-images?type=base&name=pytorch")),
						statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images"), listOf("name", "pytorch-3", "pytorch-0")),
						statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images").AtSliceIndex(0).AtMapKey("type"), knownvalue.StringExact("base")),
					},
					Check: spy.expect(map[string]string{"name": "pytorch", "type": "base"}),
				},
				{
					Config: ppioImagesConfig(url, `type = "community"`),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("id"), knownvalue.StringExact("ppio-images?type=community")),
						statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images"), knownvalue.ListSizeExact(10)),
						statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images").AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"name": knownvalue.StringExact("pytorch-4"), "type": knownvalue.StringExact("community"),
						})),
						statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images").AtSliceIndex(9).AtMapKey("type"), knownvalue.StringExact("community")),
					},
					Check: spy.expect(map[string]string{"name": "", "type": "community"}),
				},
				{
					// name_regex is applied here, after an unfiltered listing.
					Config: ppioImagesConfig(url, `name_regex = "^pytorch-[0-2]$"`),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("id"), knownvalue.StringExact("ppio-images?name_regex=^pytorch-[0-2]$")),
						statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images"), listOf("name", "pytorch-2", "pytorch-1", "pytorch-0")),
					},
					Check: spy.expect(map[string]string{"name": "", "type": ""}),
				},
				{
					Config: ppioImagesConfig(url, `
  name       = "torch"
  name_regex = "-[34]$"`),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("id"), knownvalue.StringExact("ppio-images?name=torch&name_regex=-[34]$")),
						statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images"), listOf("name", "pytorch-4", "pytorch-3")),
					},
					Check: spy.expect(map[string]string{"name": "torch"}),
				},
			}[i]
		}
	}
	cases := make([]stepCase, 5)
	for i := range cases {
		cases[i] = stepCase{name: fmt.Sprintf("filters %d of 5", i+1), step: step(i)}
	}
	return cases
}

// TestPPIOImagesReads: every one-step read that succeeds, each against a
// fake of its own, in one Terraform run.
func TestPPIOImagesReads(t *testing.T) {
	t.Parallel()
	runStepCases(t, append(ppioFilters(), []stepCase{
		{name: "every attribute", step: ppioEveryAttribute},
		{name: "without status", step: ppioWithoutStatus},
		{name: "many pages in order", step: ppioManyPagesInOrder},
		{name: "an empty account", step: func(_ *testing.T, _ *fakecloud.Cloud, url string) resource.TestStep {
			return resource.TestStep{
				Config: ppioImagesConfig(url, `name = ""`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("id"), knownvalue.StringExact("ppio-images")),
					statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images"), knownvalue.ListExact([]knownvalue.Check{})),
					statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("latest"), knownvalue.Null()),
				},
			}
		}},
		{name: "no image matches", step: func(_ *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
			fc.PPIO.GenerateImages(5)
			return resource.TestStep{
				Config: ppioImagesConfig(url, `
  type       = "private"
  name_regex = "^no-such-image$"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images"), knownvalue.ListExact([]knownvalue.Check{})),
					statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("latest"), knownvalue.Null()),
				},
			}
		}},
		{
			name: "credentials and endpoint from the environment",
			env: func(url string) testEnv {
				return testEnv{envPPIOAPIKey: fakecloud.DefaultPPIOAPIKey, envPPIOEndpoint: url}
			},
			step: func(_ *testing.T, fc *fakecloud.Cloud, _ string) resource.TestStep {
				fc.PPIO.GenerateImages(60)
				return resource.TestStep{
					Config: `data "registry_ppio_images" "test" {}`,
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images"), knownvalue.ListSizeExact(60)),
					},
				}
			},
		},
		{name: "throttled twice, then every image", step: func(_ *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
			fc.PPIO.GenerateImages(120)
			fc.PPIO.Inject(2, fc.PPIO.ThrottleFault())
			return resource.TestStep{
				Config: ppioImagesConfig(url, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images"), knownvalue.ListSizeExact(120)),
				},
			}
		}},
	}...))
}

// TestPPIOImagesFailures: every one-step read that must fail, and how, in
// one Terraform run.
func TestPPIOImagesFailures(t *testing.T) {
	t.Parallel()
	runStepCases(t, []stepCase{
		{name: "no API key", step: ppioMissingAPIKey},
		{name: "a wrong API key", step: ppioWrongAPIKey},
		{name: "a cursor that loops", step: ppioCursorLoop},
		{name: "throttled past max_retries", step: func(_ *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
			fc.PPIO.GenerateImages(120)
			fc.PPIO.Inject(50, fc.PPIO.ThrottleFault())
			return resource.TestStep{
				Config:      ppioImagesConfig(url, `name = "pytorch"`),
				ExpectError: regexp.MustCompile(`(?s)PPIO\s+ListImages\s+failed.*HTTP\s+429,\s+code\s+TOO_MANY_REQUESTS.*after\s+4\s+attempts.*max_retries`),
			}
		}},
	})
}

func ppioMissingAPIKey(t *testing.T, _ *fakecloud.Cloud, url string) resource.TestStep {

	return resource.TestStep{
		Config: fmt.Sprintf(`
provider "registry" {
  ppio {
    endpoint = %q
  }
}
data "registry_ppio_images" "test" {}
`, url),
		// One key: "it", never "them".
		ExpectError: regexp.MustCompile(`(?s)PPIO\s+credentials\s+missing.*ppio\s+block\s+has\s+no\s+api_key\s+\(PPIO_API_KEY\)\.\s+` +
			`Set\s+it\s+in\s+the\s+provider\s+"registry"\s+ppio\s+block,\s+or\s+set\s+the\s+environment\s+variable\s+named\s+in\s+parentheses\.\s+` +
			`Use\s+an\s+API\s+key\s+from\s+the\s+PPIO\s+console\.`),
	}
}

func ppioWrongAPIKey(t *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
	fc.PPIO.GenerateImages(3)

	return resource.TestStep{
		Config: ppioProviderConfig(url, "not-the-key") + `
data "registry_ppio_images" "test" {}`,
		ExpectError: regexp.MustCompile(`(?s)PPIO\s+ListImages\s+failed.*HTTP\s+401,\s+code\s+UNAUTHORIZED:\s+invalid\s+API\s+key.*request\s+ID\s+ppio-req-\d+.*api_key\s+/\s+PPIO_API_KEY`),
	}
}

// ppioCursorLoop: a service whose next_cursor repeats is an
// error, never an endless or partial listing.
func ppioCursorLoop(t *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
	fc.PPIO.GenerateImages(137)
	fc.PPIO.SetRepeatingCursor(true)

	return resource.TestStep{
		Config:      ppioImagesConfig(url, ""),
		ExpectError: regexp.MustCompile(`(?s)PPIO\s+ListImages\s+failed.*next_cursor\s+already\s+used.*pagination\s+loops.*run\s+again`),
	}
}

// TestPPIOImagesDrift: an unchanged account plans nothing; an image pushed
// between runs becomes the newest, so latest, and changes the input that
// uses latest.image.
func TestPPIOImagesDrift(t *testing.T) {
	t.Parallel()
	fc, url := startFake(t)
	fc.PPIO.GenerateImages(20)
	config := ppioImagesConfig(url, `name_regex = "^pytorch-"`) + `
resource "terraform_data" "deploy" {
  input = data.registry_ppio_images.test.latest.image
}
output "newest" {
  value = data.registry_ppio_images.test.latest.image
}`
	var pushed fakecloud.PPIOImage

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(nil),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("newest", knownvalue.StringExact("registry.example.com/private/pytorch-2")),
				},
			},
			{
				PreConfig: func() {
					pushed = fc.PPIO.PushImage(fakecloud.PPIOImage{
						Name: "pytorch-2", Image: "registry.example.com/private/pytorch-2-rebuilt", Type: "private",
						CreatedAt: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC),
						Tags:      []fakecloud.PPIOTag{{Tag: "latest"}},
					})
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectNonEmptyPlan(),
						plancheck.ExpectResourceAction("terraform_data.deploy", plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("newest", knownvalue.StringExact("registry.example.com/private/pytorch-2-rebuilt")),
					statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images").AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"id":         knownvalue.StringFunc(func(v string) error { return idIs(v, pushed.ID) }),
						"created_at": knownvalue.StringExact("2025-06-01T00:00:00Z"),
					})),
					statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("images"), knownvalue.ListSizeExact(4)),
					statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("latest").AtMapKey("id"), knownvalue.StringFunc(func(v string) error { return idIs(v, pushed.ID) })),
				},
			},
		},
	})
}

// idIs compares at check time, when the pushed image's id is known.
func idIs(got, want string) error {
	if got != want {
		return fmt.Errorf("id %q, want %q", got, want)
	}
	return nil
}

// TestPPIOImagesDriftThroughAdminAPI: a new build published between two
// plans through the fake's admin API (POST /_fake/ppio/publish, as a user
// playing with the fake does) becomes latest, and the plan shows the
// deployment's image change; an unchanged account plans nothing.
func TestPPIOImagesDriftThroughAdminAPI(t *testing.T) {
	t.Parallel()
	fc, base := startFake(t)
	publish := func(tag, at string) {
		t.Helper()
		resp, err := http.PostForm(base+"/_fake/ppio/publish", url.Values{"name": {"inference"}, "tag": {tag}, "at": {at}})
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("publish %s: HTTP %d", tag, resp.StatusCode)
		}
	}
	publish("v1", "2025-06-01T00:00:00Z")
	fullName := func(tag string) string { return ppioFullName(t, fc, "private", "inference", tag) }
	config := ppioImagesConfig(base, `name = "inference"`) + `
resource "terraform_data" "deploy" {
  input = data.registry_ppio_images.test.latest.tags[0].full_image_name
}`

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(nil),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("terraform_data.deploy", tfjsonpath.New("output"), knownvalue.StringExact(fullName("v1"))),
				},
			},
			{
				PreConfig: func() { publish("v2", "2025-06-02T00:00:00Z") },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectNonEmptyPlan(),
						plancheck.ExpectResourceAction("terraform_data.deploy", plancheck.ResourceActionUpdate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ppioAddr, tfjsonpath.New("latest").AtMapKey("tags").AtSliceIndex(0).AtMapKey("tag"), knownvalue.StringExact("v2")),
					stateChecksLater(func() []statecheck.StateCheck {
						return []statecheck.StateCheck{statecheck.ExpectKnownValue("terraform_data.deploy", tfjsonpath.New("output"), knownvalue.StringExact(fullName("v2")))}
					}),
				},
			},
		},
	})
}
