package provider

import (
	"context"
	"math/big"
	"net/http"
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

// allow_missing: "not there (yet)" is exists = false with every tag
// attribute null, for what does not exist; everything else stays an error.

// missingHarness is a provider over a fake holding SWR team/web and UHub
// shop/web, each with the tags v1.0.0 and v1.1.0, configured without
// retries (so that a throttled answer is final at once); edit changes the
// provider's blocks before it is configured.
func missingHarness(t *testing.T, edit func(h *harness, url string, blocks map[string]tftypes.Value)) (*harness, *fakecloud.Cloud) {
	fc, url := startFake(t)
	for i, tag := range []string{"v1.0.0", "v1.1.0"} {
		at := signedBase.Add(time.Duration(i) * time.Minute)
		fc.SWR.PushTag("team", "web", tag, at)
		fc.UHub.PushImageTag("shop", "web", tag, at)
	}
	h := newHarness(t, context.Background(), NewServer("test", WithGetenv(noEnv)))
	blocks := h.fakeBlocks(url)
	blocks["max_retries"] = tftypes.NewValue(tftypes.Number, big.NewFloat(0))
	if edit != nil {
		edit(h, url, blocks)
	}
	h.configure(blocks)
	return h, fc
}

// the tag attributes each singular data source nulls when nothing is found.
var (
	swrTagAttributeNames = []string{"tag_id", "repo_id", "image_id", "digest", "manifest", "schema", "path", "internal_path",
		"pinned_path", "size", "is_trusted", "created", "updated", "deleted", "domain_id", "scanned", "tag_type", "kind",
		"media_type", "artifact_type", "platforms", "platform_digest", "platform_pinned_path"}
	uhubTagAttributeNames = []string{"digest", "update_time", "path", "pinned_path", "kind"}
)

func TestAllowMissing(t *testing.T) {
	t.Parallel()
	h, _ := missingHarness(t, nil)
	swrArgs := func(repo string, more map[string]tftypes.Value) map[string]tftypes.Value {
		return withArgs(map[string]tftypes.Value{"namespace": tfString("team"), "repository": tfString(repo)}, more)
	}
	uhubArgs := func(repo, image string, more map[string]tftypes.Value) map[string]tftypes.Value {
		return withArgs(map[string]tftypes.Value{"repo_name": tfString(repo), "image_name": tfString(image)}, more)
	}
	noMatch := map[string]tftypes.Value{"tag_regex": tfString("^release-")}
	cases := []struct {
		name, typeName string
		args           map[string]tftypes.Value
		attrs          []string
		tag            string // tag's value when missing: as configured
		err            []string
	}{
		{"SWR: missing repository", "registry_swr_tag", swrArgs("nope", nil), swrTagAttributeNames, "<null>",
			[]string{"Huawei Cloud SWR ListRepositoryTags", "HTTP 404", "SVCSTG.SWR.4040010", "Check namespace and repository"}},
		{"SWR: missing namespace, exact tag", "registry_swr_tag", map[string]tftypes.Value{
			"namespace": tfString("nobody"), "repository": tfString("web"), "tag": tfString("v1.0.0")}, swrTagAttributeNames, "v1.0.0",
			[]string{"ShowRepoTag", "HTTP 404", "SVCSTG.SWR.4040009"}},
		{"SWR: missing exact tag", "registry_swr_tag", swrArgs("web", map[string]tftypes.Value{"tag": tfString("v9.9.9")}), swrTagAttributeNames, "v9.9.9",
			[]string{"Tag not found", `Tag "v9.9.9" does not exist in team/web`}},
		{"SWR: no candidate after filters", "registry_swr_tag", swrArgs("web", noMatch), swrTagAttributeNames, "<null>",
			[]string{"No tag matches", `No tag of team/web matches tag_regex = "^release-": 2 tags seen`}},
		{"SWR: no candidate for a platform", "registry_swr_tag", swrArgs("web", map[string]tftypes.Value{"platform": tfString("linux/arm64")}),
			swrTagAttributeNames, "<null>", []string{"No tag matches", "left out as not multi-platform tags holding linux/arm64"}},
		{"UHub: missing repository", "registry_ucloud_image_tag", uhubArgs("nope", "web", nil), uhubTagAttributeNames, "<null>",
			[]string{"UCloud UHub GetImageTag", "repository nope does not exist"}},
		{"UHub: missing image", "registry_ucloud_image_tag", uhubArgs("shop", "nope", nil), uhubTagAttributeNames, "<null>",
			[]string{"UCloud UHub GetImageTag", "image nope does not exist"}},
		{"UHub: missing image, exact tag", "registry_ucloud_image_tag", uhubArgs("shop", "nope", map[string]tftypes.Value{"tag": tfString("v1.0.0")}),
			uhubTagAttributeNames, "v1.0.0", []string{"image nope does not exist"}},
		{"UHub: missing exact tag", "registry_ucloud_image_tag", uhubArgs("shop", "web", map[string]tftypes.Value{"tag": tfString("v9.9.9")}),
			uhubTagAttributeNames, "v9.9.9", []string{"Tag not found", `Tag "v9.9.9" does not exist in shop/web`}},
		{"UHub: no candidate after filters", "registry_ucloud_image_tag", uhubArgs("shop", "web", noMatch), uhubTagAttributeNames, "<null>",
			[]string{"No tag matches", `No tag of shop/web matches tag_regex = "^release-": 2 tags seen`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Without allow_missing: the error it always was.
			msg := errorsOf(t, h, c.typeName, c.args)
			for _, want := range c.err {
				if !strings.Contains(msg, want) {
					t.Errorf("without allow_missing: %q does not say %q", msg, want)
				}
			}
			// With it: exists = false, every tag attribute null, tag as configured.
			got := attrsOf(t, h, c.typeName, withArgs(c.args, map[string]tftypes.Value{"allow_missing": tfTrue}))
			if !got["exists"].Equal(tftypes.NewValue(tftypes.Bool, false)) {
				t.Errorf("exists = %v, want false", got["exists"])
			}
			for _, name := range c.attrs {
				if v, ok := got[name]; !ok || !v.IsNull() {
					t.Errorf("%s = %v, want null", name, v)
				}
			}
			if tag := str(t, got["tag"]); tag != c.tag {
				t.Errorf("tag = %s, want %s (as configured)", tag, c.tag)
			}
			if str(t, got["id"]) == "<null>" {
				t.Error("id is null")
			}
		})
	}

	// Found: exists is true with or without allow_missing.
	for _, allow := range []bool{false, true} {
		args := swrArgs("web", nil)
		if allow {
			args["allow_missing"] = tfTrue
		}
		got := attrsOf(t, h, "registry_swr_tag", args)
		if !got["exists"].Equal(tftypes.NewValue(tftypes.Bool, true)) || str(t, got["tag"]) != "v1.1.0" {
			t.Errorf("allow_missing %v: exists %v, tag %s; want true, v1.1.0", allow, got["exists"], str(t, got["tag"]))
		}
	}
}

// TestAllowMissingKeepsErrors: credentials, throttling that outlasts the
// retries and a gateway's 404 (a wrong endpoint) are errors whatever
// allow_missing says: none of them means "no image yet".
func TestAllowMissingKeepsErrors(t *testing.T) {
	t.Parallel()
	allow := map[string]tftypes.Value{"allow_missing": tfTrue}
	swr := withArgs(allow, map[string]tftypes.Value{"namespace": tfString("team"), "repository": tfString("nope")})
	uhub := withArgs(allow, map[string]tftypes.Value{"repo_name": tfString("nope"), "image_name": tfString("web")})

	badKeys, _ := missingHarness(t, func(h *harness, url string, blocks map[string]tftypes.Value) {
		blocks["swr"] = h.block("swr", map[string]tftypes.Value{
			"region": tfString(fakecloud.DefaultSWRRegion), "endpoint": tfString(url), "project_id": tfString(fakecloud.DefaultSWRProjectID),
			"access_key": tfString(fakecloud.DefaultSWRAccessKey), "secret_key": tfString("wrong-secret"),
		})
		blocks["ucloud"] = h.block("ucloud", map[string]tftypes.Value{
			"endpoint": tfString(url), "public_key": tfString(fakecloud.DefaultUCloudPublicKey), "private_key": tfString("wrong-private-key"),
		})
	})
	for typeName, args := range map[string]map[string]tftypes.Value{"registry_swr_tag": swr, "registry_ucloud_image_tag": uhub} {
		if msg := errorsOf(t, badKeys, typeName, args); !strings.Contains(msg, "refused the credentials") && !strings.Contains(msg, "private_key") {
			t.Errorf("%s with wrong keys: %q, want the credentials error", typeName, msg)
		}
	}

	h, fc := missingHarness(t, nil)
	fc.SWR.Inject(1, fc.SWR.ThrottleFault(""))
	if msg := errorsOf(t, h, "registry_swr_tag", swr); !strings.Contains(msg, "HTTP 429") {
		t.Errorf("SWR throttled: %q, want the throttling error", msg)
	}
	fc.UHub.Inject(1, fc.UHub.ThrottleFault())
	if msg := errorsOf(t, h, "registry_ucloud_image_tag", uhub); !strings.Contains(msg, "153") {
		t.Errorf("UHub throttled: %q, want the throttling error", msg)
	}
	fc.SWR.Inject(1, fakecloud.StatusFault(http.StatusNotFound, nil,
		`{"error_code":"APIGW.0101","error_msg":"The API does not exist or has not been published in the environment"}`))
	if msg := errorsOf(t, h, "registry_swr_tag", swr); !strings.Contains(msg, "APIGW.0101") {
		t.Errorf("a gateway 404: %q, want an error quoting APIGW.0101", msg)
	}
}

// TestFirstDeploy is the story allow_missing is for: a module plans before
// the image exists (count = 0), and the next plan after the push deploys it.
func TestFirstDeploy(t *testing.T) {
	t.Parallel()
	fc, url := startFake(t)
	fc.SWR.CreateRepository("team", "new-service")
	config := swrTagConfig(url, `
  namespace     = "team"
  repository    = "new-service"
  tag           = "v1.0.0"
  allow_missing = true`) + `
resource "terraform_data" "deploy" {
  count = data.registry_swr_tag.test.exists ? 1 : 0
  input = data.registry_swr_tag.test.pinned_path
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(nil),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(swrTagAddr, tfjsonpath.New("exists"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(swrTagAddr, tfjsonpath.New("tag"), knownvalue.StringExact("v1.0.0")),
					statecheck.ExpectKnownValue(swrTagAddr, tfjsonpath.New("pinned_path"), knownvalue.Null()),
				},
			},
			{
				PreConfig: func() { fc.SWR.PushTag("team", "new-service", "v1.0.0", signedBase) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("terraform_data.deploy[0]", plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(swrTagAddr, tfjsonpath.New("exists"), knownvalue.Bool(true)),
				},
			},
		},
	})
}
