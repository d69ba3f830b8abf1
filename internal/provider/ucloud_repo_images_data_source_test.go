package provider

import (
	"cmp"
	"fmt"
	"maps"
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
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
	"github.com/registry-tools/terraform-provider-registry/internal/ucloud"
)

const ucloudAddr = "data.registry_ucloud_repo_images.test"

// ucloudProviderConfig points the provider's ucloud block at the fake, with
// the fake's public key and no project (UHub's default project).
func ucloudProviderConfig(url, privateKey string) string {
	return fmt.Sprintf(`
provider "registry" {
  max_retries = 3
  ucloud {
    public_key  = %q
    private_key = %q
    endpoint    = %q
  }
}
`, fakecloud.DefaultUCloudPublicKey, privateKey, url)
}

func ucloudRepoImagesConfig(url, body string) string {
	return ucloudProviderConfig(url, fakecloud.DefaultUCloudPrivateKey) + testDataBlock("registry_ucloud_repo_images", body)
}

// uhubImage is the fake's stored image of that name.
func uhubImage(t *testing.T, fc *fakecloud.Cloud, repo, name string) fakecloud.UHubImage {
	t.Helper()
	for _, im := range fc.UHub.Images(repo) {
		if im.ImageName == name {
			return im
		}
	}
	t.Fatalf("fake has no image %s in %s", name, repo)
	return fakecloud.UHubImage{}
}

// expectUHubImage is the whole object the data source must write for an
// image the fake stores, every attribute included.
func expectUHubImage(im fakecloud.UHubImage) knownvalue.Check {
	var latestTag, latestPath knownvalue.Check = knownvalue.Null(), knownvalue.Null()
	if im.LatestTag != "" {
		latestTag = knownvalue.StringExact(im.LatestTag)
		latestPath = knownvalue.StringExact("uhub.service.ucloud.cn/" + im.RepoName + "/" + im.ImageName + ":" + im.LatestTag)
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"image_name":  knownvalue.StringExact(im.ImageName),
		"repo_name":   knownvalue.StringExact(im.RepoName),
		"pull_count":  knownvalue.Int64Exact(im.PullCount),
		"create_time": knownvalue.StringExact(im.CreateTime.UTC().Format(time.RFC3339)),
		"update_time": knownvalue.StringExact(im.UpdateTime.UTC().Format(time.RFC3339)),
		"latest_tag":  latestTag,
		"latest_path": latestPath,
	})
}

// lazyCheck builds its check when it runs: after a step's PreConfig has
// changed the fake.
type lazyCheck func() knownvalue.Check

func (l lazyCheck) CheckValue(v any) error { return l().CheckValue(v) }
func (l lazyCheck) String() string         { return l().String() }

// spyUHub records the parameters of every GetRepoImage the fake receives.
func spyUHub(fc *fakecloud.Cloud) *requestSpy {
	return spyRequests(fc, func(_ *http.Request, p url.Values) bool { return p.Get("Action") == "GetRepoImage" })
}

func ucloudRepoImagesEveryAttribute(t *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
	// Images 3, 4 and 5 share their update second, as do 0, 1 and 2; the fake
	// sends each image's times as a unix number, a numeric string or a
	// Beijing-time date-time string, picked by name, so six images mix them.
	fc.UHub.GenerateImages("shop", 6)
	want := make([]knownvalue.Check, 0, 6)
	for _, name := range []string{"image-00003", "image-00004", "image-00005", "image-00000", "image-00001", "image-00002"} {
		want = append(want, expectUHubImage(uhubImage(t, fc, "shop", name)))
	}

	return resource.TestStep{
		Config: ucloudRepoImagesConfig(url, `
  repo_name = "shop"
  timeouts { read = "2m" }`),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("id"), knownvalue.StringExact("shop")),
			statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("repo_name"), knownvalue.StringExact("shop")),
			statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("project_id"), knownvalue.Null()),
			statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("name_regex"), knownvalue.Null()),
			statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("total_count"), knownvalue.Int64Exact(6)),
			statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("images"), knownvalue.ListExact(want)),
			statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("latest"), want[0]),
			// Independently of the fake's data: image 3 was updated one
			// minute after the epoch, created four days before.
			statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("images").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
				"image_name":  knownvalue.StringExact("image-00003"),
				"repo_name":   knownvalue.StringExact("shop"),
				"pull_count":  knownvalue.Int64Exact(111),
				"create_time": knownvalue.StringExact("2024-02-26T00:01:00Z"),
				"update_time": knownvalue.StringExact("2024-03-01T00:01:00Z"),
				"latest_tag":  knownvalue.StringExact("v1.3.0"),
				"latest_path": knownvalue.StringExact("uhub.service.ucloud.cn/shop/image-00003:v1.3.0"),
			})),
		},
	}
}

// ucloudRepoImagesWithoutLatestTag: an image UHub reports with no
// LatestTag (and, as in UCloud's own example, no RepoName) gets a null
// latest_path rather than an address that would mean ":latest", and a
// null latest_tag: the provider's one rule, null when UHub gave nothing.
func ucloudRepoImagesWithoutLatestTag(t *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
	fc.UHub.Inject(1000, fakecloud.StatusFault(http.StatusOK, map[string]string{"X-UCLOUD-REQUEST-UUID": "fixed"}, `{
  "RetCode": 0, "Action": "GetRepoImageResponse", "TotalCount": 2,
  "ImageSet": [
    {"ImageName": "bare", "PullCount": 0, "CreateTime": 1709251200, "UpdateTime": "1709251200", "LatestTag": ""},
    {"ImageName": "tagged", "RepoName": "shop", "PullCount": 7, "CreateTime": "2024-03-01 08:00:00", "UpdateTime": "2024-03-01T09:00:00+08:00", "LatestTag": "v2"}
  ]}`))

	return resource.TestStep{
		Config: ucloudRepoImagesConfig(url, `repo_name = "shop"`),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("total_count"), knownvalue.Int64Exact(2)),
			statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("images"), knownvalue.ListExact([]knownvalue.Check{
				knownvalue.ObjectExact(map[string]knownvalue.Check{
					"image_name":  knownvalue.StringExact("tagged"),
					"repo_name":   knownvalue.StringExact("shop"),
					"pull_count":  knownvalue.Int64Exact(7),
					"create_time": knownvalue.StringExact("2024-03-01T08:00:00Z"),
					"update_time": knownvalue.StringExact("2024-03-01T01:00:00Z"),
					"latest_tag":  knownvalue.StringExact("v2"),
					"latest_path": knownvalue.StringExact("uhub.service.ucloud.cn/shop/tagged:v2"),
				}),
				knownvalue.ObjectExact(map[string]knownvalue.Check{
					"image_name":  knownvalue.StringExact("bare"),
					"repo_name":   knownvalue.StringExact("shop"),
					"pull_count":  knownvalue.Int64Exact(0),
					"create_time": knownvalue.StringExact("2024-03-01T00:00:00Z"),
					"update_time": knownvalue.StringExact("2024-03-01T00:00:00Z"),
					"latest_tag":  knownvalue.Null(),
					"latest_path": knownvalue.Null(),
				}),
			})),
			statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("latest").AtMapKey("image_name"), knownvalue.StringExact("tagged")),
		},
	}
}

func ucloudRepoImagesManyPagesInOrder(t *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
	const n = 253 // 13 pages at the fake's cap of 20
	fc.UHub.GenerateImages("shop", n)
	spy := spyUHub(fc)

	// The documented order: update_time newest first, then image_name.
	want := fc.UHub.Images("shop")
	slices.SortFunc(want, func(a, b fakecloud.UHubImage) int {
		if c := b.UpdateTime.Compare(a.UpdateTime); c != 0 {
			return c
		}
		return cmp.Compare(a.ImageName, b.ImageName)
	})
	ties := 0
	for i := 1; i < len(want); i++ {
		if want[i].UpdateTime.Equal(want[i-1].UpdateTime) {
			ties++
		}
	}
	if ties < 100 {
		t.Fatalf("only %d update_time ties in the generated images: the image_name tie-breaker is not exercised", ties)
	}
	names := make([]string, len(want))
	for i, im := range want {
		names[i] = im.ImageName
	}

	// Independently of the sort above: image 252 is alone in the newest
	// minute; 249, 250 and 251 share the next, so their names decide.
	at := func(i int, name string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("images").AtSliceIndex(i).AtMapKey("image_name"), knownvalue.StringExact(name))
	}
	return resource.TestStep{
		Config: ucloudRepoImagesConfig(url, `repo_name = "shop"`),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("total_count"), knownvalue.Int64Exact(n)),
			statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("images"), knownvalue.ListSizeExact(n)),
			statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("images"), listOf("image_name", names...)),
			at(0, "image-00252"),
			statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("latest"), expectUHubImage(uhubImage(t, fc, "shop", "image-00252"))),
			at(1, "image-00249"),
			at(2, "image-00250"),
			at(3, "image-00251"),
			at(4, "image-00246"),
			at(n-3, "image-00000"),
			at(n-2, "image-00001"),
			at(n-1, "image-00002"),
			statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("images").AtSliceIndex(0).AtMapKey("update_time"), knownvalue.StringExact("2024-03-01T01:24:00Z")),
			statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("images").AtSliceIndex(0).AtMapKey("latest_path"), knownvalue.StringExact("uhub.service.ucloud.cn/shop/image-00252:v1.252.0")),
			statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("images").AtSliceIndex(n-1).AtMapKey("update_time"), knownvalue.StringExact("2024-03-01T00:00:00Z")),
		},
		Check: func(*terraform.State) error {
			// Every read asks for 100 from offset 0, gets the fake's 20,
			// then fetches the 12 other pages 20 at a time.
			params := spy.all()
			reads := 0
			offsets := map[string]int{}
			for _, p := range params {
				if p.Get("RepoName") != "shop" {
					return fmt.Errorf("request for repository %q", p.Get("RepoName"))
				}
				offsets[p.Get("Offset")]++
				if p.Get("Offset") == "0" {
					reads++
					if p.Get("Limit") != "100" {
						return fmt.Errorf("first page asked Limit=%s, want 100", p.Get("Limit"))
					}
				} else if p.Get("Limit") != "20" {
					return fmt.Errorf("page at Offset=%s asked Limit=%s, want 20", p.Get("Offset"), p.Get("Limit"))
				}
			}
			if reads == 0 || len(params) != 13*reads || len(offsets) != 13 {
				return fmt.Errorf("%d requests at %d offsets for %d listings, want 13 pages each", len(params), len(offsets), reads)
			}
			for off := 20; off < n; off += 20 {
				if offsets[fmt.Sprint(off)] != reads {
					return fmt.Errorf("offset %d asked %d times in %d listings", off, offsets[fmt.Sprint(off)], reads)
				}
			}
			return nil
		},
	}
}

func ucloudRepoImagesNameRegex() []stepCase {
	step := func(i int) func(*testing.T, *fakecloud.Cloud, string) resource.TestStep {
		return func(t *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
			fc.UHub.GenerateImages("shop", 30)

			return []resource.TestStep{
				{
					// 12, 13 and 14 share a minute, after that of 9, 10 and 11.
					Config: ucloudRepoImagesConfig(url, `
  repo_name  = "shop"
  name_regex = "^image-0001[0-4]$"`),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("id"), knownvalue.StringExact("shop?name_regex=^image-0001[0-4]$")),
						statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("total_count"), knownvalue.Int64Exact(30)),
						statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("images"), listOf("image_name", "image-00012", "image-00013", "image-00014", "image-00010", "image-00011")),
						statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("latest").AtMapKey("image_name"), knownvalue.StringExact("image-00012")),
					},
				},
				{
					Config: ucloudRepoImagesConfig(url, `
  repo_name  = "shop"
  name_regex = "^no-such-image$"`),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("total_count"), knownvalue.Int64Exact(30)),
						statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("images"), knownvalue.ListExact([]knownvalue.Check{})),
						statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("latest"), knownvalue.Null()),
					},
				},
			}[i]
		}
	}
	cases := make([]stepCase, 2)
	for i := range cases {
		cases[i] = stepCase{name: fmt.Sprintf("name_regex %d of 2", i+1), step: step(i)}
	}
	return cases
}

// TestUCloudRepoImagesProjectID: the provider's project_id is sent unless the
// data source names another.
func TestUCloudRepoImagesProjectID(t *testing.T) {
	t.Parallel()
	fc, url := startFake(t)
	fc.UHub.GenerateImages("shop", 25)
	fc.UHub.AddProject("org-team")
	spy := spyUHub(fc)
	config := func(body string) string {
		return fmt.Sprintf(`
provider "registry" {
  ucloud {
    public_key  = %q
    private_key = %q
    project_id  = %q
    endpoint    = %q
  }
}
data "registry_ucloud_repo_images" "test" {
  repo_name = "shop"
%s
}
`, fakecloud.DefaultUCloudPublicKey, fakecloud.DefaultUCloudPrivateKey, fakecloud.DefaultUCloudProjectID, url, body)
	}

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(nil),
		Steps: []resource.TestStep{
			{
				PreConfig: spy.reset,
				Config:    config(""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("id"), knownvalue.StringExact("shop")),
					statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("images"), knownvalue.ListSizeExact(25)),
				},
				Check: spy.expect(map[string]string{"ProjectId": fakecloud.DefaultUCloudProjectID}),
			},
			{
				PreConfig: spy.reset,
				Config:    config(`project_id = "org-team"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("id"), knownvalue.StringExact("org-team/shop")),
					statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("project_id"), knownvalue.StringExact("org-team")),
					statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("images"), knownvalue.ListSizeExact(25)),
				},
				Check: spy.expect(map[string]string{"ProjectId": "org-team"}),
			},
			{
				Config:      config(`project_id = "org-missing"`),
				ExpectError: regexp.MustCompile(`(?s)UCloud\s+UHub\s+GetRepoImage\s+failed.*code\s+292:\s+Project\s+not\s+exist\s+\(HTTP\s+200,\s+request\s+ID.*Check\s+project_id\s+/\s+UCLOUD_PROJECT_ID:\s+this\s+data\s+source's\s+project_id,\s+when\s+set,\s+overrides\s+the\s+provider's`),
			},
		},
	})
}

func ucloudRepoImagesEmptyRepository(t *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
	fc.UHub.CreateRepository("empty")

	return resource.TestStep{
		Config: ucloudRepoImagesConfig(url, `repo_name = "empty"`),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("id"), knownvalue.StringExact("empty")),
			statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("total_count"), knownvalue.Int64Exact(0)),
			statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("images"), knownvalue.ListExact([]knownvalue.Check{})),
			statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("latest"), knownvalue.Null()),
		},
	}
}

// TestUCloudRepoImagesReads: every one-step read that succeeds, each
// against a fake of its own, in one Terraform run.
func TestUCloudRepoImagesReads(t *testing.T) {
	t.Parallel()
	runStepCases(t, append(ucloudRepoImagesNameRegex(), []stepCase{
		{name: "every attribute", step: ucloudRepoImagesEveryAttribute},
		{name: "without a latest tag", step: ucloudRepoImagesWithoutLatestTag},
		{name: "many pages in order", step: ucloudRepoImagesManyPagesInOrder},
		{name: "an empty repository", step: ucloudRepoImagesEmptyRepository},
		{
			name: "credentials, project and endpoint from the environment",
			env: func(url string) testEnv {
				return testEnv{
					envUCloudPublicKey:  fakecloud.DefaultUCloudPublicKey,
					envUCloudPrivateKey: fakecloud.DefaultUCloudPrivateKey,
					envUCloudProjectID:  fakecloud.DefaultUCloudProjectID,
					envUCloudEndpoint:   url,
				}
			},
			step: func(_ *testing.T, fc *fakecloud.Cloud, _ string) resource.TestStep {
				fc.UHub.GenerateImages("shop", 45)
				spy := spyUHub(fc)
				return resource.TestStep{
					Config: `data "registry_ucloud_repo_images" "test" { repo_name = "shop" }`,
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("images"), knownvalue.ListSizeExact(45)),
					},
					Check: spy.expect(map[string]string{"ProjectId": fakecloud.DefaultUCloudProjectID, "PublicKey": fakecloud.DefaultUCloudPublicKey}),
				}
			},
		},
	}...))
}

// TestUCloudRepoImagesFailures: every one-step read that must fail, and
// how, in one Terraform run.
func TestUCloudRepoImagesFailures(t *testing.T) {
	t.Parallel()
	runStepCases(t, append(ucloudRepoImagesMissingCredentials(),
		stepCase{name: "a wrong private key names the argument", step: ucloudRepoImagesWrongPrivateKey},
	))
}

func ucloudRepoImagesWrongPrivateKey(t *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
	fc.UHub.GenerateImages("shop", 2)

	return resource.TestStep{
		Config: ucloudProviderConfig(url, "not-the-private-key") + `
data "registry_ucloud_repo_images" "test" {
  repo_name = "shop"
}`,
		ExpectError: regexp.MustCompile(`(?s)UCloud\s+UHub\s+GetRepoImage\s+failed.*code\s+171:\s+Signature\s+VerifyAC\s+Error\s+` +
			`\(HTTP\s+200,\s+request\s+ID\s+[0-9a-f]{8}-fa6e-.*Check\s+private_key\s+/\s+UCLOUD_PRIVATE_KEY:\s+it\s+is\s+not\s+the\s+one\s+paired`),
	}
}

// TestUCloudRepoImagesErrors: each RetCode a user can fix gets a diagnostic
// naming the cloud, the call, the code, the message and what to check.
func TestUCloudRepoImagesErrors(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		config func(url string) string
		fault  func(fc *fakecloud.Cloud) // nil: the fake as it is
		want   string
	}{
		"unknown public key": {
			config: func(url string) string {
				return fmt.Sprintf(`
provider "registry" {
  ucloud {
    public_key  = "nobody"
    private_key = %q
    endpoint    = %q
  }
}
data "registry_ucloud_repo_images" "test" {
  repo_name = "shop"
}`, fakecloud.DefaultUCloudPrivateKey, url)
			},
			want: `(?s)GetRepoImage\s+failed.*code\s+172:\s+User\s+not\s+exist\s+\(HTTP\s+200,\s+request\s+ID.*Check\s+public_key\s+/\s+UCLOUD_PUBLIC_KEY:\s+no\s+UCloud\s+account\s+has\s+it`,
		},
		"missing repository": {
			config: func(url string) string { return ucloudRepoImagesConfig(url, `repo_name = "nope"`) },
			want:   `(?s)GetRepoImage\s+failed.*code\s+230:\s+Params\s+\[RepoName\]\s+not\s+available.*check\s+repo_name`,
		},
		"permission denied": {
			config: func(url string) string { return ucloudRepoImagesConfig(url, `repo_name = "shop"`) },
			fault: func(fc *fakecloud.Cloud) {
				fc.UHub.Inject(100, fc.UHub.RetCodeFault(ucloud.RetCodePermissionDenied, "permission denied"))
			},
			want: `(?s)GetRepoImage\s+failed.*code\s+299:\s+permission\s+denied\s+\(HTTP\s+200,\s+request\s+ID.*The\s+key\s+may\s+not\s+read\s+UHub\s+in\s+this\s+project:\s+sub-accounts\s+need\s+UHub\s+read\s+access`,
		},
	}
	var steps []stepCase
	for _, name := range slices.Sorted(maps.Keys(cases)) {
		tc := cases[name]
		steps = append(steps, stepCase{name: name, step: func(_ *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
			fc.UHub.GenerateImages("shop", 2)
			if tc.fault != nil {
				tc.fault(fc)
			}
			return resource.TestStep{Config: tc.config(url), ExpectError: regexp.MustCompile(tc.want)}
		}})
	}
	runStepCases(t, steps)
}

// TestUCloudReadErrorSaysItOnce: where the client already named the argument
// to check, the diagnostic does not name it again, nor name the other key.
func TestUCloudReadErrorSaysItOnce(t *testing.T) {
	t.Parallel()
	fc, url := startFake(t)
	fc.UHub.GenerateImages("shop", 1)
	httpc, err := transport.New(transport.Config{MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name                  string
		publicKey, privateKey string
		projectID             string
		once                  string // named exactly once
		absent                string // not named at all, unless ""
	}{
		{"wrong private key", fakecloud.DefaultUCloudPublicKey, "wrong", "", envUCloudPrivateKey, envUCloudPublicKey},
		{"unknown public key", "nobody", fakecloud.DefaultUCloudPrivateKey, "", envUCloudPublicKey, ""},
		{"unknown project", fakecloud.DefaultUCloudPublicKey, fakecloud.DefaultUCloudPrivateKey, "org-missing", envUCloudProjectID, envUCloudPublicKey},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ucloud.New(ucloud.Config{Endpoint: url, PublicKey: tc.publicKey, PrivateKey: tc.privateKey, HTTP: httpc})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.ListRepoImages(t.Context(), ucloud.ListRepoImagesInput{RepoName: "shop", ProjectID: tc.projectID})
			if err == nil {
				t.Fatal("no error")
			}
			d := ucloudReadError(t.Context(), err)
			text := d.Summary() + "\n" + d.Detail()
			t.Log(text)
			if got := strings.Count(text, tc.once); got != 1 {
				t.Errorf("%s named %d times, want once:\n%s", tc.once, got, text)
			}
			if tc.absent != "" && strings.Contains(text, tc.absent) {
				t.Errorf("%s named, for another failure:\n%s", tc.absent, text)
			}
			if !strings.HasPrefix(text, "UCloud UHub GetRepoImage failed\n") {
				t.Errorf("summary does not name the cloud and call:\n%s", text)
			}
		})
	}
}

// ucloudRepoImagesMissingCredentials are the reads without a private key,
// and without any key: the diagnostic names what is missing.
func ucloudRepoImagesMissingCredentials() []stepCase {
	return []stepCase{
		{name: "no private key", step: func(_ *testing.T, _ *fakecloud.Cloud, url string) resource.TestStep {
			return resource.TestStep{
				Config: fmt.Sprintf(`
provider "registry" {
  ucloud {
    endpoint    = %q
    public_key  = %q
    private_key = ""
  }
}
data "registry_ucloud_repo_images" "test" {
  repo_name = "shop"
}`, url, fakecloud.DefaultUCloudPublicKey),
				ExpectError: regexp.MustCompile(`(?s)UCloud\s+UHub\s+credentials\s+missing.*ucloud\s+block\s+has\s+no\s+private_key\s+\(UCLOUD_PRIVATE_KEY\)\.\s+` +
					`Set\s+it\s+in\s+the\s+provider\s+"registry"\s+ucloud\s+block,\s+or\s+set\s+the\s+environment\s+variable\s+named\s+in\s+parentheses\.`),
			}
		}},
		{name: "no keys at all", step: func(*testing.T, *fakecloud.Cloud, string) resource.TestStep {
			return resource.TestStep{
				Config: `
provider "registry" {}
data "registry_ucloud_repo_images" "test" {
  repo_name = "shop"
}`,
				ExpectError: regexp.MustCompile(`(?s)UCloud\s+UHub\s+credentials\s+missing.*public_key\s+\(UCLOUD_PUBLIC_KEY\),\s+nor\s+private_key\s+\(UCLOUD_PRIVATE_KEY\)\.\s+` +
					`Set\s+them\s+in\s+the\s+provider\s+"registry"\s+ucloud\s+block,\s+or\s+set\s+the\s+environment\s+variables\s+named\s+in\s+parentheses\.`),
			}
		}},
	}
}

// TestUCloudRepoImagesThrottled: RetCode 153 (in an HTTP 200) within
// max_retries is invisible; beyond it, an error that says what to do.
func TestUCloudRepoImagesThrottled(t *testing.T) {
	t.Parallel()
	fc, url := startFake(t)
	fc.UHub.GenerateImages("shop", 70)

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(nil),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { fc.UHub.Inject(2, fc.UHub.ThrottleFault()) },
				Config:    ucloudRepoImagesConfig(url, `repo_name = "shop"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("total_count"), knownvalue.Int64Exact(70)),
					statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("images"), knownvalue.ListSizeExact(70)),
				},
			},
			{
				PreConfig:   func() { fc.UHub.Inject(50, fc.UHub.ThrottleFault()) },
				Config:      ucloudRepoImagesConfig(url, `repo_name = "shop"`+"\n"+`name_regex = "0$"`),
				ExpectError: regexp.MustCompile(`(?s)UCloud\s+UHub\s+GetRepoImage\s+failed.*code\s+153:\s+Request\s+too\s+frequently.*after\s+4\s+attempts.*max_retries`),
			},
		},
	})
}

// TestUCloudRepoImagesDrift: an unchanged repository plans nothing; a push
// between runs makes another image the newest, so latest, and changes the
// input that uses latest.latest_path.
func TestUCloudRepoImagesDrift(t *testing.T) {
	t.Parallel()
	fc, url := startFake(t)
	fc.UHub.GenerateImages("shop", 5)
	config := ucloudRepoImagesConfig(url, `repo_name = "shop"`) + `
resource "terraform_data" "deploy" {
  input = data.registry_ucloud_repo_images.test.latest.latest_path
}
output "newest" {
  value = data.registry_ucloud_repo_images.test.latest.latest_path
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
					statecheck.ExpectKnownOutputValue("newest", knownvalue.StringExact("uhub.service.ucloud.cn/shop/image-00003:v1.3.0")),
				},
			},
			{
				PreConfig: func() {
					fc.UHub.UpdateImage("shop", "image-00001", time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC))
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
					statecheck.ExpectKnownOutputValue("newest", knownvalue.StringExact("uhub.service.ucloud.cn/shop/image-00001:v20250601.000000")),
					statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("images").AtSliceIndex(0), lazyCheck(func() knownvalue.Check {
						return expectUHubImage(uhubImage(t, fc, "shop", "image-00001"))
					})),
					statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("latest"), lazyCheck(func() knownvalue.Check {
						return expectUHubImage(uhubImage(t, fc, "shop", "image-00001"))
					})),
					statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("images").AtSliceIndex(0).AtMapKey("update_time"), knownvalue.StringExact("2025-06-01T00:00:00Z")),
					statecheck.ExpectKnownValue(ucloudAddr, tfjsonpath.New("total_count"), knownvalue.Int64Exact(5)),
				},
			},
		},
	})
}
