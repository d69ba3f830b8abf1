package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
)

const swrTagAddr = "data.registry_swr_tag.test"

func swrTagConfig(url, body string) string {
	return swrProviderConfig(url, fakecloud.DefaultSWRSecretKey) + testDataBlock("registry_swr_tag", body)
}

// swrCalls reads registry_swr_tag once through the protocol, as Terraform
// does, and returns the chosen tag and how many requests of each SWR call
// that one read made.
type swrCalls struct{ list, show, iam int64 }

func readSWRTagOnce(t *testing.T, fc *fakecloud.Cloud, url string, args map[string]tftypes.Value, opts ...Option) (string, swrCalls) {
	t.Helper()
	h := newHarness(t, context.Background(), NewServer("test", append([]Option{WithGetenv(noEnv)}, opts...)...))
	h.configure(h.fakeBlocks(url))
	before := swrCalls{fc.SWR.CallCount(fakecloud.SWRCallListTags), fc.SWR.CallCount(fakecloud.SWRCallShowTag), fc.SWR.CallCount(fakecloud.SWRCallIAMProjects)}
	state := h.readState("registry_swr_tag", h.dataSourceConfig("registry_swr_tag", args))
	var attrs map[string]tftypes.Value
	if err := state.As(&attrs); err != nil {
		t.Fatal(err)
	}
	var tag string
	if err := attrs["tag"].As(&tag); err != nil {
		t.Fatal(err)
	}
	return tag, swrCalls{
		fc.SWR.CallCount(fakecloud.SWRCallListTags) - before.list,
		fc.SWR.CallCount(fakecloud.SWRCallShowTag) - before.show,
		fc.SWR.CallCount(fakecloud.SWRCallIAMProjects) - before.iam,
	}
}

// TestSWRTagRequests holds the promise of registry_swr_tag: as few
// requests as the API allows, whatever the repository's size. Pages are of
// 100 tags (WithSWRPageSize) rather than SWR's 1,000, so that five pages
// are 500 tags, not 5,000 to build and sort under the race detector; the
// tie-break test below reads pages of 1,000.
func TestSWRTagRequests(t *testing.T) {
	t.Parallel()
	fc, url := startFake(t)
	fc.SWR.GenerateTags("team", "web", 499) // with the pre-release: 5 pages of 100
	fc.SWR.PushTag("team", "web", "v9.0.0-rc1", time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC))
	ns, repo := tfString("team"), tfString("web")

	cases := []struct {
		name string
		args map[string]tftypes.Value
		want string
		// requests of this one read
		calls swrCalls
	}{
		{"exact tag: one ShowRepoTag", map[string]tftypes.Value{"tag": tfString("v123.0.0")}, "v123.0.0", swrCalls{show: 1}},
		{"newest of five pages: the first page only", nil, "v498.0.0", swrCalls{list: 1}},
		{"newest matching a regex found on page three", map[string]tftypes.Value{"tag_regex": tfString(`^v2[0-4][0-9]\.0\.0$`)}, "v249.0.0", swrCalls{list: 3}},
		{"newest meeting a constraint", map[string]tftypes.Value{"version_constraint": tfString(">= 400")}, "v498.0.0", swrCalls{list: 1}},
		{"highest version: every page", map[string]tftypes.Value{"order_by": tfString("version")}, "v498.0.0", swrCalls{list: 5}},
		{"highest version below a bound", map[string]tftypes.Value{"order_by": tfString("version"), "version_constraint": tfString("< 10")}, "v9.0.0", swrCalls{list: 5}},
		{"pre-releases only when asked", map[string]tftypes.Value{
			"order_by": tfString("version"), "version_constraint": tfString("~> 9.0"), "include_prerelease": tftypes.NewValue(tftypes.Bool, true),
		}, "v9.0.0", swrCalls{list: 5}},
		{"a pre-release meets a constraint by its core version", map[string]tftypes.Value{
			"version_constraint": tfString(">= 9.0, < 9.0.1"), "tag_regex": tfString("-rc"), "include_prerelease": tftypes.NewValue(tftypes.Bool, true),
		}, "v9.0.0-rc1", swrCalls{list: 5}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := map[string]tftypes.Value{"namespace": ns, "repository": repo}
			for k, v := range c.args {
				args[k] = v
			}
			got, calls := readSWRTagOnce(t, fc, url, args, WithSWRPageSize(100))
			if got != c.want {
				t.Errorf("chose %q, want %q", got, c.want)
			}
			if calls != c.calls {
				t.Errorf("requests %+v, want %+v", calls, c.calls)
			}
		})
	}
}

// TestSWRTagTieBreak: tags pushed in the same second are chosen by
// descending natural order, at the top of the listing and across a page
// boundary, whatever order the service sends ties in.
func TestSWRTagTieBreak(t *testing.T) {
	t.Parallel()
	fc, url := startFake(t)
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	// Top: v13 and v14 together; byte order would pick v13.
	fc.SWR.PushTag("team", "top", "v1.0.0", at.Add(-time.Hour))
	fc.SWR.PushTag("team", "top", "v14.0.0", at)
	fc.SWR.PushTag("team", "top", "v13.0.0", at)
	fc.SWR.PushTag("team", "top", "v1.10", at.Add(-time.Minute))
	fc.SWR.PushTag("team", "top", "v1.9", at.Add(-time.Minute))
	// Across pages: 1,001 tags in one second; the fake sends ties in byte
	// order, so "build-999" is the 1,001st, alone on page two, and
	// "build-1001", the natural maximum, is on page one.
	for i := 1; i <= 1001; i++ {
		fc.SWR.PushTag("team", "ties", fmt.Sprintf("build-%d", i), at)
	}
	fc.SWR.PushTag("team", "ties", "build-0", at.Add(-time.Hour))
	// The same with the natural maximum on page two.
	for i := 1; i <= 1001; i++ {
		fc.SWR.PushTag("team", "ties2", fmt.Sprintf("build-%04d", i), at)
	}

	for _, c := range []struct {
		repo, regex, want string
		list              int64
	}{
		{"top", "", "v14.0.0", 1},
		{"top", `^v1\.[0-9]+$`, "v1.10", 1},
		{"ties", "", "build-1001", 2},
		{"ties2", "", "build-1001", 2},
	} {
		args := map[string]tftypes.Value{"namespace": tfString("team"), "repository": tfString(c.repo)}
		if c.regex != "" {
			args["tag_regex"] = tfString(c.regex)
		}
		got, calls := readSWRTagOnce(t, fc, url, args)
		if got != c.want || calls.list != c.list {
			t.Errorf("%s %s: chose %q in %d list requests, want %q in %d", c.repo, c.regex, got, calls.list, c.want, c.list)
		}
	}
}

// TestSWRTagReads: the one-step reads of registry_swr_tag that succeed, each
// against a fake of its own, in one Terraform run.
func TestSWRTagReads(t *testing.T) {
	t.Parallel()
	runStepCases(t, swrTagEveryAttribute())
}

func swrTagEveryAttribute() []stepCase {
	step := func(i int) func(*testing.T, *fakecloud.Cloud, string) resource.TestStep {
		return func(t *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep {
			fc.SWR.GenerateTags("team", "apps/web", 3)
			want := func(tag string, withManifest bool) map[string]knownvalue.Check {
				attrs := swrTagAttributes(t, fc, "team", "apps/web", tag, withManifest)
				attrs["tag_id"] = attrs["id"] // "id" is the data source's own
				delete(attrs, "id")
				return attrs
			}
			checks := func(id string, attrs map[string]knownvalue.Check) []statecheck.StateCheck {
				out := []statecheck.StateCheck{statecheck.ExpectKnownValue(swrTagAddr, tfjsonpath.New("id"), knownvalue.StringExact(id))}
				for name, check := range attrs {
					out = append(out, statecheck.ExpectKnownValue(swrTagAddr, tfjsonpath.New(name), check))
				}
				return out
			}

			return []resource.TestStep{
				{
					// v1.0.0 and v2.0.0 share their second: v2.0.0 wins the tie.
					Config: swrTagConfig(url, `
  namespace  = "team"
  repository = "apps/web"`),
					ConfigStateChecks: checks("team/apps/web", want("v2.0.0", false)),
				},
				{
					Config: swrTagConfig(url, `
  namespace        = "team"
  repository       = "apps/web"
  tag              = "v0.0.0"
  include_manifest = true
  timeouts { read = "2m" }`),
					ConfigStateChecks: checks("team/apps/web?tag=v0.0.0&include_manifest=true", want("v0.0.0", true)),
				},
				{
					Config: swrTagConfig(url, `
  namespace          = "team"
  repository         = "apps/web"
  tag_regex          = "^v"
  version_constraint = "< 2"
  order_by           = "version"
  include_prerelease = false`),
					ConfigStateChecks: checks(`team/apps/web?tag_regex=^v&version_constraint=< 2&order_by=version&include_prerelease=false`, want("v1.0.0", false)),
				},
			}[i]
		}
	}
	cases := make([]stepCase, 3)
	for i := range cases {
		cases[i] = stepCase{name: fmt.Sprintf("every-attribute %d of 3", i+1), step: step(i)}
	}
	return cases
}

// diagnostic matches literal parts of a diagnostic in order, however
// Terraform wraps its lines.
func diagnostic(parts ...string) *regexp.Regexp {
	for i, p := range parts {
		parts[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, ".*"))
}

func TestSWRTagErrors(t *testing.T) {
	t.Parallel()
	fc, url := startFake(t)
	fc.SWR.GenerateTags("team", "web", 1500)
	step := func(body string, want ...string) resource.TestStep {
		return resource.TestStep{Config: swrTagConfig(url, "  namespace = \"team\"\n"+body), ExpectError: diagnostic(want...)}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(nil),
		Steps: []resource.TestStep{
			step("  repository = \"web\"\n  tag = \"v9999.0.0\"",
				`Tag not found`, `Tag "v9999.0.0" does not exist in team/web. Check tag, or leave it out`, `HTTP 404`),
			step("  repository = \"nope\"\n  tag = \"v1.0.0\"",
				`Huawei Cloud SWR ShowRepoTag failed`, `HTTP 404`, `Check namespace and repository`),
			step("  repository = \"web\"\n  tag_regex = \"^release-\"\n  version_constraint = \"~> 1.0\"",
				`No tag matches`, `No tag of team/web matches tag_regex = "^release-", version_constraint = "~> 1.0", no pre-releases (include_prerelease = false): 1500 tags seen.`),
			step("  repository = \"web\"\n  version_constraint = \"~> one\"",
				`Invalid version constraint`, `"~> one" is not a version constraint`, `such as "~> 1.4"`),
			step("  repository = \"web\"\n  order_by = \"newest\"",
				`order_by`, `value must be one of`),
			step("  repository = \"web\"\n  tag = \"v1.0.0\"\n  include_prerelease = false",
				`Invalid Attribute Combination`, `include_prerelease`),
			step("  repository = \"web\"\n  tag = \"v1.0.0\"\n  tag_regex = \"^v\"",
				`Invalid Attribute Combination`, `tag_regex`),
			// A zero time limit parses, but would fail every read at once.
			{Config: swrTagConfig(url, "  namespace = \"team\"\n  repository = \"web\"\n  timeouts { read = \"0s\" }\n"),
				ExpectError: regexp.MustCompile(notPositiveTimeout("read", "0s"))},
		},
	})
}

// TestSWRTagDrift: a tag pushed again between two plans moves the digest
// and the plan shows it; an unchanged repository plans nothing.
func TestSWRTagDrift(t *testing.T) {
	t.Parallel()
	fc, url := startFake(t)
	fc.SWR.GenerateTags("team", "web", 10)
	config := swrTagConfig(url, `
  namespace = "team"
  repository = "web"
  tag = "v3.0.0"`) + `
resource "terraform_data" "deployed" {
  input = data.registry_swr_tag.test.pinned_path
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(nil),
		Steps: []resource.TestStep{
			{Config: config},
			{
				Config:   config,
				PlanOnly: true, // nothing moved: an empty plan
			},
			{
				PreConfig: func() { fc.SWR.PushTag("team", "web", "v3.0.0", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("terraform_data.deployed", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(swrTagAddr, tfjsonpath.New("pinned_path"), knownvalue.StringFunc(func(v string) error {
						ft, _ := fc.SWR.Tag("team", "web", "v3.0.0")
						if !strings.HasSuffix(v, "@"+ft.Digest) {
							return fmt.Errorf("pinned_path %s is not at the pushed digest %s", v, ft.Digest)
						}
						return nil
					})),
				},
			},
		},
	})
}
