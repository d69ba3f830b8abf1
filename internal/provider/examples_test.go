package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	"github.com/zclconf/go-cty/cty"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
)

// The documentation's examples, applied against the fakes: an example that
// reads an attribute the schema lacks, dereferences a null or indexes an
// empty list fails here before a user copies it.

// examplesRoot is the examples directory, from this package's directory.
const examplesRoot = "../../examples"

// exampleTrees are the example directories the documentation is generated
// from; every .tf file under them must have an entry in exampleRuns.
var exampleTrees = []string{"data-sources", "functions"}

// exampleRun is one application of an example against a fresh fake.
type exampleRun struct {
	seed  func(fc *fakecloud.Cloud) // the data the example reads; nil when it reads none
	steps []exampleStep
}

// exampleStep is one test step of a run.
type exampleStep struct {
	// vars values the example's variables that have no default.
	vars func(t *testing.T, fc *fakecloud.Cloud) config.Variables
	// before changes the fake before the step, as a push between two runs
	// of terraform would.
	before func(fc *fakecloud.Cloud)
	// want checks the state after apply, built from the fake as it is then.
	want func(t *testing.T, fc *fakecloud.Cloud) []statecheck.StateCheck
	// wantErr is the example's own error message (whitespace-insensitive):
	// the run must fail with it.
	wantErr string
}

// applies is a run of one step that must succeed and pass want.
func applies(seed func(*fakecloud.Cloud), vars func(*testing.T, *fakecloud.Cloud) config.Variables, want func(*testing.T, *fakecloud.Cloud) []statecheck.StateCheck) exampleRun {
	return exampleRun{seed: seed, steps: []exampleStep{{vars: vars, want: want}}}
}

// fails is a run of one step that must fail with the example's message.
func fails(seed func(*fakecloud.Cloud), vars func(*testing.T, *fakecloud.Cloud) config.Variables, message string) exampleRun {
	return exampleRun{seed: seed, steps: []exampleStep{{vars: vars, wantErr: message}}}
}

// Hosts as the examples' comments show them.
const (
	exampleSWRHost  = "swr.cn-north-4.myhuaweicloud.com"
	exampleUHubHost = "uhub.service.ucloud.cn"
	// exampleUHubProject is the project_id the UCloud examples pass.
	exampleUHubProject = "org-xxxx"
)

// exampleTime is minute m of a fixed day: seeds push in this order.
func exampleTime(m int) time.Time {
	return time.Date(2025, 3, 4, 5, 0, 0, 0, time.UTC).Add(time.Duration(m) * time.Minute)
}

// swrPinned is the pinned pull address of an SWR tag as the fake stores it.
func swrPinned(t *testing.T, fc *fakecloud.Cloud, namespace, repository, tag string) string {
	t.Helper()
	return exampleSWRHost + "/" + namespace + "/" + repository + "@" + swrDigest(t, fc, namespace, repository, tag)
}

func swrDigest(t *testing.T, fc *fakecloud.Cloud, namespace, repository, tag string) string {
	t.Helper()
	tg, ok := fc.SWR.Tag(namespace, repository, tag)
	if !ok {
		t.Fatalf("the fake has no tag %s/%s:%s", namespace, repository, tag)
	}
	return tg.Digest
}

// exampleUHubTag is a UHub tag as the fake stores it.
func exampleUHubTag(t *testing.T, fc *fakecloud.Cloud, repo, image, tag string) fakecloud.UHubTag {
	t.Helper()
	i := slices.IndexFunc(fc.UHub.ImageTags(repo, image), func(e fakecloud.UHubTag) bool { return e.TagName == tag })
	if i < 0 {
		t.Fatalf("the fake has no tag %s/%s:%s", repo, image, tag)
	}
	return fc.UHub.ImageTags(repo, image)[i]
}

// uhubPinned is the pinned pull address of a UHub tag as the fake stores it.
func uhubPinned(t *testing.T, fc *fakecloud.Cloud, repo, image, tag string) string {
	t.Helper()
	return exampleUHubHost + "/" + repo + "/" + image + "@" + exampleUHubTag(t, fc, repo, image, tag).Digest
}

// ppioFullName is the tagged pull address the fake gives the tag of a
// PPIO image.
func ppioFullName(t *testing.T, fc *fakecloud.Cloud, typ, name, tag string) string {
	t.Helper()
	for _, img := range fc.PPIO.Images() {
		for _, tg := range img.Tags {
			if img.Type == typ && img.Name == name && tg.Tag == tag {
				return tg.FullImageName
			}
		}
	}
	t.Fatalf("the fake has no %s image %s:%s", typ, name, tag)
	return ""
}

// moduleGot checks the value a stub module received for one argument.
func moduleGot(module, arg string, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownOutputValueAtPath(stubModulesOutput, tfjsonpath.New(module).AtMapKey(arg), check)
}

// output checks one of the example's own outputs.
func output(name string, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownOutputValue(name, check)
}

// swrReleases seeds team/apps/web with two release tags and, pushed after
// them, tags the release regex must skip.
func swrReleases(fc *fakecloud.Cloud) {
	fc.SWR.PushTag("team", "apps/web", "v1.4.1", exampleTime(1))
	fc.SWR.PushTag("team", "apps/web", "v1.4.2", exampleTime(2))
	fc.SWR.PushTag("team", "apps/web", "v1.5.0-rc1", exampleTime(3))
	fc.SWR.PushTag("team", "apps/web", "latest", exampleTime(4))
}

// swrListingWithoutDigests makes SWR list every tag with an empty digest.
var swrListingWithoutDigests = fakecloud.Rewrite{
	Match: func(r *http.Request, _ url.Values) bool {
		return r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/tags")
	},
	Edit: func(status int, _ http.Header, body []byte) (int, []byte) {
		var tags []map[string]any
		if status != http.StatusOK || json.Unmarshal(body, &tags) != nil {
			return status, body
		}
		for _, tg := range tags {
			tg["digest"] = ""
		}
		out, err := json.Marshal(tags)
		if err != nil {
			return http.StatusInternalServerError, []byte(err.Error())
		}
		return status, out
	},
}

// exampleRuns names, for every example file (relative to examplesRoot),
// the runs that show it working and its guard failing with its own message.
func exampleRuns() map[string]map[string]exampleRun {
	noVars := func(*testing.T, *fakecloud.Cloud) config.Variables { return nil }
	return map[string]map[string]exampleRun{
		"data-sources/registry_swr_tags/data-source.tf": {
			"the newest release, pinned by digest": applies(swrReleases, noVars, func(t *testing.T, fc *fakecloud.Cloud) []statecheck.StateCheck {
				return []statecheck.StateCheck{
					moduleGot("web", "image", knownvalue.StringExact(swrPinned(t, fc, "team", "apps/web", "v1.4.2"))),
				}
			}),
			"an empty repository: the postcondition's message": fails(func(fc *fakecloud.Cloud) {
				fc.SWR.CreateRepository("team", "apps/web")
			}, noVars, "team/apps/web has no release tag (v<major>.<minor>.<patch>)."),
			"no release tag: the postcondition's message": fails(func(fc *fakecloud.Cloud) {
				fc.SWR.PushTag("team", "apps/web", "latest", exampleTime(1))
			}, noVars, "team/apps/web has no release tag (v<major>.<minor>.<patch>)."),
		},
		"data-sources/registry_swr_tags/data-source-pinned.tf": {
			"the newest two release- tags": applies(func(fc *fakecloud.Cloud) {
				fc.SWR.PushTag("team", "api", "release-1.0", exampleTime(1))
				fc.SWR.PushTag("team", "api", "release-1.1", exampleTime(2))
				fc.SWR.PushTag("team", "api", "release-1.2", exampleTime(3))
				fc.SWR.PushTag("team", "api", "latest", exampleTime(4))
			}, noVars, func(t *testing.T, fc *fakecloud.Cloud) []statecheck.StateCheck {
				return []statecheck.StateCheck{
					moduleGot("api", "image", knownvalue.StringExact(swrPinned(t, fc, "team", "api", "release-1.2"))),
					moduleGot("api", "rollback_image", knownvalue.StringExact(swrPinned(t, fc, "team", "api", "release-1.1"))),
				}
			}),
			"one release- tag: no rollback, null rather than an error": applies(func(fc *fakecloud.Cloud) {
				fc.SWR.PushTag("team", "api", "release-1.0", exampleTime(1))
				fc.SWR.PushTag("team", "api", "latest", exampleTime(2))
			}, noVars, func(t *testing.T, fc *fakecloud.Cloud) []statecheck.StateCheck {
				return []statecheck.StateCheck{
					moduleGot("api", "image", knownvalue.StringExact(swrPinned(t, fc, "team", "api", "release-1.0"))),
					moduleGot("api", "rollback_image", knownvalue.Null()),
				}
			}),
			"no release- tag: the module gets nulls, not an invalid index": applies(func(fc *fakecloud.Cloud) {
				fc.SWR.PushTag("team", "api", "latest", exampleTime(1))
			}, noVars, func(*testing.T, *fakecloud.Cloud) []statecheck.StateCheck {
				return []statecheck.StateCheck{
					moduleGot("api", "image", knownvalue.Null()),
					moduleGot("api", "rollback_image", knownvalue.Null()),
				}
			}),
		},
		"data-sources/registry_swr_tags/data-source-check.tf": {
			// Each step plans again after apply and fails unless the plan
			// is empty: a data source read at plan time, as the example
			// says. A moved tag warns and the run still succeeds.
			"stable at the deployed digest, then moved: a warning, not a failure": {
				seed: func(fc *fakecloud.Cloud) { fc.SWR.PushTag("team", "apps/web", "stable", exampleTime(1)) },
				steps: []exampleStep{
					{
						vars: func(t *testing.T, fc *fakecloud.Cloud) config.Variables {
							return config.Variables{"deployed_digest": config.StringVariable(swrDigest(t, fc, "team", "apps/web", "stable"))}
						},
						want: func(t *testing.T, fc *fakecloud.Cloud) []statecheck.StateCheck {
							return []statecheck.StateCheck{statecheck.ExpectKnownValue("data.registry_swr_tags.stable",
								tfjsonpath.New("latest").AtMapKey("digest"), knownvalue.StringExact(swrDigest(t, fc, "team", "apps/web", "stable")))}
						},
					},
					{
						// The variable keeps the digest deployed in the first step.
						vars: func(t *testing.T, fc *fakecloud.Cloud) config.Variables {
							return config.Variables{"deployed_digest": config.StringVariable(swrDigest(t, fc, "team", "apps/web", "stable"))}
						},
						before: func(fc *fakecloud.Cloud) { fc.SWR.PushTag("team", "apps/web", "stable", exampleTime(2)) },
						want: func(t *testing.T, fc *fakecloud.Cloud) []statecheck.StateCheck {
							return []statecheck.StateCheck{statecheck.ExpectKnownValue("data.registry_swr_tags.stable",
								tfjsonpath.New("latest").AtMapKey("digest"), knownvalue.StringExact(swrDigest(t, fc, "team", "apps/web", "stable")))}
						},
					},
				},
			},
			"no stable tag: a warning, not a failure": applies(func(fc *fakecloud.Cloud) {
				fc.SWR.PushTag("team", "apps/web", "v1.4.2", exampleTime(1))
			}, func(t *testing.T, fc *fakecloud.Cloud) config.Variables {
				return config.Variables{"deployed_digest": config.StringVariable(swrDigest(t, fc, "team", "apps/web", "v1.4.2"))}
			}, func(*testing.T, *fakecloud.Cloud) []statecheck.StateCheck {
				return []statecheck.StateCheck{statecheck.ExpectKnownValue("data.registry_swr_tags.stable",
					tfjsonpath.New("latest"), knownvalue.Null())}
			}),
		},
		"data-sources/registry_swr_tag/data-source.tf": {
			"v2.1.4 pinned by digest": applies(func(fc *fakecloud.Cloud) {
				fc.SWR.PushTag("team", "apps/web", "v2.1.4", exampleTime(1))
				fc.SWR.PushTag("team", "apps/web", "v2.1.5", exampleTime(2))
			}, noVars, func(t *testing.T, fc *fakecloud.Cloud) []statecheck.StateCheck {
				return []statecheck.StateCheck{
					moduleGot("web", "image", knownvalue.StringExact(swrPinned(t, fc, "team", "apps/web", "v2.1.4"))),
				}
			}),
			"no v2.1.4: an error naming it": fails(func(fc *fakecloud.Cloud) {
				fc.SWR.PushTag("team", "apps/web", "v2.1.5", exampleTime(1))
			}, noVars, `Tag "v2.1.4" does not exist in`),
		},
		"data-sources/registry_swr_tag/data-source-branch.tf": {
			"the newest main- build": applies(func(fc *fakecloud.Cloud) {
				fc.SWR.PushTag("team", "apps/web", "main-0001", exampleTime(1))
				fc.SWR.PushTag("team", "apps/web", "main-0002", exampleTime(2))
				fc.SWR.PushTag("team", "apps/web", "v2.0.0", exampleTime(3))
				fc.SWR.PushTag("team", "apps/web", "feature-x-0003", exampleTime(4))
			}, noVars, func(t *testing.T, fc *fakecloud.Cloud) []statecheck.StateCheck {
				tg, _ := fc.SWR.Tag("team", "apps/web", "main-0002")
				return []statecheck.StateCheck{
					moduleGot("web_staging", "image", knownvalue.StringExact(swrPinned(t, fc, "team", "apps/web", "main-0002"))),
					output("web_staging_tag", knownvalue.StringExact("main-0002 (pushed "+tg.Updated.UTC().Format(time.RFC3339)+")")),
				}
			}),
			"SWR lists the build without a digest: the postcondition's message": fails(func(fc *fakecloud.Cloud) {
				fc.SWR.PushTag("team", "apps/web", "main-0001", exampleTime(1))
				fc.SWR.PushTag("team", "apps/web", "main-0002", exampleTime(2))
				fc.RewriteEvery(swrListingWithoutDigests)
			}, noVars, "team/apps/web:main-0002 has no digest to pin."),
		},
		"data-sources/registry_swr_tag/data-source-platform.tf": {
			"the arm64 image of the newest index, its signature skipped": applies(func(fc *fakecloud.Cloud) {
				fc.SWR.SeedSigned("team", "apps/web", exampleTime(1))
			}, noVars, func(t *testing.T, fc *fakecloud.Cloud) []statecheck.StateCheck {
				index, _ := fc.SWR.Tag("team", "apps/web", "v1.1.0")
				arm64 := fakecloud.PlatformDigest("team/apps/web:v1.1.0", fakecloud.IndexPlatform{OS: "linux", Architecture: "arm64"})
				return []statecheck.StateCheck{
					moduleGot("web_arm64", "image", knownvalue.StringExact("swr.cn-north-4.myhuaweicloud.com/team/apps/web@"+arm64)),
					output("web_signatures", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(fakecloud.CosignTag(index.Digest, "sig"))})),
				}
			}),
			"no multi-platform image: an error naming the platform": fails(func(fc *fakecloud.Cloud) {
				fc.SWR.PushTag("team", "apps/web", "v1.0.0", exampleTime(1))
			}, noVars, "not multi-platform tags holding linux/arm64"),
		},
		"data-sources/registry_swr_tag/data-source-first-deploy.tf": {
			"no worker image yet: no worker; web deployed": applies(func(fc *fakecloud.Cloud) {
				fc.SWR.CreateRepository("team", "apps/worker")
				fc.SWR.PushTag("team", "apps/web", "v2.0.0", exampleTime(1))
			}, noVars, func(t *testing.T, fc *fakecloud.Cloud) []statecheck.StateCheck {
				return []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.registry_swr_tag.worker", tfjsonpath.New("exists"), knownvalue.Bool(false)),
					moduleGot("web", "image", knownvalue.StringExact(swrPinned(t, fc, "team", "apps/web", "v2.0.0"))),
				}
			}),
			"the worker image pushed: the worker is deployed at its digest": applies(func(fc *fakecloud.Cloud) {
				fc.SWR.PushTag("team", "apps/worker", "v1.0.0", exampleTime(1))
				fc.SWR.PushTag("team", "apps/web", "v2.0.0", exampleTime(1))
			}, noVars, func(t *testing.T, fc *fakecloud.Cloud) []statecheck.StateCheck {
				return []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.registry_swr_tag.worker", tfjsonpath.New("exists"), knownvalue.Bool(true)),
					moduleGot("web", "image", knownvalue.StringExact(swrPinned(t, fc, "team", "apps/web", "v2.0.0"))),
				}
			}),
			"no web image: the postcondition names it": fails(func(fc *fakecloud.Cloud) {
				fc.SWR.PushTag("team", "apps/worker", "v1.0.0", exampleTime(1))
			}, noVars, "team/apps/web has no image yet: push one before deploying the web service."),
		},
		"data-sources/registry_swr_tag/data-source-version.tf": {
			"the highest ~> 2.1 version, not the newest push": applies(func(fc *fakecloud.Cloud) {
				fc.SWR.PushTag("team", "api", "v2.1.0", exampleTime(1))
				fc.SWR.PushTag("team", "api", "v2.10.0", exampleTime(2))
				fc.SWR.PushTag("team", "api", "v2.4.1", exampleTime(3))
				fc.SWR.PushTag("team", "api", "v3.0.0", exampleTime(4))
				fc.SWR.PushTag("team", "api", "v2.11.0-rc1", exampleTime(5))
				fc.SWR.PushTag("team", "api", "latest", exampleTime(6))
			}, noVars, func(t *testing.T, fc *fakecloud.Cloud) []statecheck.StateCheck {
				return []statecheck.StateCheck{
					moduleGot("api", "image", knownvalue.StringExact(swrPinned(t, fc, "team", "api", "v2.10.0"))),
					output("api_release", knownvalue.StringExact("v2.10.0")),
				}
			}),
		},
		"data-sources/registry_ucloud_image_tag/data-source.tf": {
			"v1.4.2 pinned by digest": applies(func(fc *fakecloud.Cloud) {
				fc.UHub.AddProject(exampleUHubProject)
				fc.UHub.PushImageTag("shop", "api", "v1.4.2", exampleTime(1))
				fc.UHub.PushImageTag("shop", "api", "v1.4.3", exampleTime(2))
			}, noVars, func(t *testing.T, fc *fakecloud.Cloud) []statecheck.StateCheck {
				return []statecheck.StateCheck{
					moduleGot("api", "image", knownvalue.StringExact(uhubPinned(t, fc, "shop", "api", "v1.4.2"))),
				}
			}),
			"a tag without a digest: the postcondition's message": fails(func(fc *fakecloud.Cloud) {
				fc.UHub.AddProject(exampleUHubProject)
				fc.UHub.SetImageTag("shop", "api", fakecloud.UHubTag{TagName: "v1.4.2", UpdateTime: exampleTime(1)})
			}, noVars, "UHub reports no digest for shop/api:v1.4.2, so it cannot be pinned; push the tag again or pin another."),
		},
		"data-sources/registry_ucloud_image_tag/data-source-follow.tf": {
			"the newest ~> 1.4 release": applies(func(fc *fakecloud.Cloud) {
				fc.UHub.PushImageTag("shop", "web", "v1.3.9", exampleTime(1))
				fc.UHub.PushImageTag("shop", "web", "v1.4.0", exampleTime(2))
				fc.UHub.PushImageTag("shop", "web", "v1.4.1", exampleTime(3))
				fc.UHub.PushImageTag("shop", "web", "v2.0.0", exampleTime(4))
				fc.UHub.PushImageTag("shop", "web", "v1.5.0-rc1", exampleTime(5))
				fc.UHub.PushImageTag("shop", "web", "latest", exampleTime(6))
			}, noVars, func(t *testing.T, fc *fakecloud.Cloud) []statecheck.StateCheck {
				pushed := exampleUHubTag(t, fc, "shop", "web", "v1.4.1").UpdateTime.UTC().Format(time.RFC3339)
				return []statecheck.StateCheck{
					moduleGot("web", "image", knownvalue.StringExact(uhubPinned(t, fc, "shop", "web", "v1.4.1"))),
					output("web_release", knownvalue.StringExact("v1.4.1 (pushed "+pushed+")")),
				}
			}),
			"the newest ~> 1.4 release has no digest: the postcondition's message": fails(func(fc *fakecloud.Cloud) {
				fc.UHub.PushImageTag("shop", "web", "v1.4.0", exampleTime(1))
				fc.UHub.SetImageTag("shop", "web", fakecloud.UHubTag{TagName: "v1.4.1", UpdateTime: exampleTime(2), OmitDigest: true})
			}, noVars, "UHub reports no digest for shop/web:v1.4.1, the newest ~> 1.4 release; it cannot be pinned."),
		},
		"data-sources/registry_ucloud_image_tags/data-source.tf": {
			"the newest release and the one before": applies(func(fc *fakecloud.Cloud) {
				fc.UHub.PushImageTag("shop", "api", "v1.4.1", exampleTime(1))
				fc.UHub.PushImageTag("shop", "api", "v1.4.2", exampleTime(2))
				fc.UHub.PushImageTag("shop", "api", "latest", exampleTime(3))
			}, noVars, func(t *testing.T, fc *fakecloud.Cloud) []statecheck.StateCheck {
				return []statecheck.StateCheck{
					moduleGot("api", "image", knownvalue.StringExact(uhubPinned(t, fc, "shop", "api", "v1.4.2"))),
					moduleGot("api", "rollback_image", knownvalue.StringExact(uhubPinned(t, fc, "shop", "api", "v1.4.1"))),
				}
			}),
			"one release: no rollback": applies(func(fc *fakecloud.Cloud) {
				fc.UHub.PushImageTag("shop", "api", "v1.4.1", exampleTime(1))
			}, noVars, func(t *testing.T, fc *fakecloud.Cloud) []statecheck.StateCheck {
				return []statecheck.StateCheck{
					moduleGot("api", "image", knownvalue.StringExact(uhubPinned(t, fc, "shop", "api", "v1.4.1"))),
					moduleGot("api", "rollback_image", knownvalue.Null()),
				}
			}),
			"no release tag: the postcondition's message": fails(func(fc *fakecloud.Cloud) {
				fc.UHub.PushImageTag("shop", "api", "latest", exampleTime(1))
			}, noVars, "shop/api has no release tag with a digest (1 tags in all)."),
			"the newest release has no digest: the postcondition's message": fails(func(fc *fakecloud.Cloud) {
				fc.UHub.PushImageTag("shop", "api", "v1.4.1", exampleTime(1))
				fc.UHub.SetImageTag("shop", "api", fakecloud.UHubTag{TagName: "v1.4.2", UpdateTime: exampleTime(2)})
				fc.UHub.PushImageTag("shop", "api", "latest", exampleTime(3))
			}, noVars, "shop/api has no release tag with a digest (3 tags in all)."),
		},
		"data-sources/registry_ucloud_repo_images/data-source.tf": {
			"the newest of api and api-server": applies(func(fc *fakecloud.Cloud) {
				fc.UHub.AddProject(exampleUHubProject)
				fc.UHub.PushImageTag("shop", "api", "v1.4.2", exampleTime(1))
				fc.UHub.PushImageTag("shop", "api-server", "v2.0.1", exampleTime(2))
				fc.UHub.PushImageTag("shop", "web", "v3.0.0", exampleTime(3))
			}, noVars, func(t *testing.T, fc *fakecloud.Cloud) []statecheck.StateCheck {
				want := exampleUHubHost + "/shop/api-server:v2.0.1"
				pushed := exampleUHubTag(t, fc, "shop", "api-server", "v2.0.1").UpdateTime.UTC().Format(time.RFC3339)
				return []statecheck.StateCheck{
					moduleGot("service", "image", knownvalue.StringExact(want)),
					output("service_image", knownvalue.StringExact(want+" (pushed "+pushed+")")),
				}
			}),
			"no api image: the postcondition's message": fails(func(fc *fakecloud.Cloud) {
				fc.UHub.AddProject(exampleUHubProject)
				fc.UHub.PushImageTag("shop", "web", "v3.0.0", exampleTime(1))
			}, noVars, "UHub repository shop has no tagged api or api-server image."),
		},
		"data-sources/registry_ppio_images/data-source.tf": {
			"the newest ready, tagged build, by its tagged reference": {
				seed: func(fc *fakecloud.Cloud) {
					push := func(name, typ, status string, m int, tags ...string) {
						img := fakecloud.PPIOImage{Name: name, Type: typ, Status: status, CreatedAt: exampleTime(m)}
						for _, tg := range tags {
							img.Tags = append(img.Tags, fakecloud.PPIOTag{Tag: tg})
						}
						fc.PPIO.PushImage(img)
					}
					push("inference-server", "private", "normal", 1, "v1")
					push("inference-server", "private", "normal", 2, "v2", "latest") // the one
					push("inference-server", "private", "normal", 3)                 // no tag
					push("inference-server", "private", "creating", 4, "v3")         // not ready
					push("inference-server-canary", "private", "normal", 5, "v4")    // name_regex
					push("inference-server", "community", "normal", 6, "v5")         // type
				},
				steps: []exampleStep{{
					vars: noVars,
					want: func(t *testing.T, fc *fakecloud.Cloud) []statecheck.StateCheck {
						return []statecheck.StateCheck{
							moduleGot("inference", "image", knownvalue.StringExact(ppioFullName(t, fc, "private", "inference-server", "v2"))),
						}
					},
				}},
			},
			"nothing ready and tagged: the postcondition's message": fails(func(fc *fakecloud.Cloud) {
				fc.PPIO.PushImage(fakecloud.PPIOImage{Name: "inference-server", Type: "private", Status: "normal", CreatedAt: exampleTime(1)})
				fc.PPIO.PushImage(fakecloud.PPIOImage{Name: "inference-server", Type: "private", Status: "creating", CreatedAt: exampleTime(2),
					Tags: []fakecloud.PPIOTag{{Tag: "v3"}}})
			}, noVars, "No ready, tagged inference-server image in the PPIO account."),
		},
		"functions/parse_image_ref/function-swr-tag.tf": {
			"a tagged image: that tag, pinned": applies(swrReleases, imageVar("swr.cn-north-4.myhuaweicloud.com/team/apps/web:v1.4.1"),
				func(t *testing.T, fc *fakecloud.Cloud) []statecheck.StateCheck {
					return []statecheck.StateCheck{
						moduleGot("web", "image", knownvalue.StringExact(swrPinned(t, fc, "team", "apps/web", "v1.4.1"))),
					}
				}),
			"no tag: the newest tag, pinned": applies(swrReleases, imageVar("swr.cn-north-4.myhuaweicloud.com/team/apps/web"),
				func(t *testing.T, fc *fakecloud.Cloud) []statecheck.StateCheck {
					return []statecheck.StateCheck{
						moduleGot("web", "image", knownvalue.StringExact(swrPinned(t, fc, "team", "apps/web", "latest"))),
					}
				}),
			"no namespace: the validation's message": fails(swrReleases, imageVar("swr.cn-north-4.myhuaweicloud.com/web:v1.4.1"),
				"The image must be <registry>/<namespace>/<repository>[:tag], such as swr.cn-north-4.myhuaweicloud.com/team/apps/web:v1.4.2."),
			"another region: the postcondition's message": fails(swrReleases, imageVar("swr.ap-southeast-1.myhuaweicloud.com/team/apps/web:v1.4.1"),
				"The image's registry is swr.ap-southeast-1.myhuaweicloud.com, but registry_swr_tag read swr.cn-north-4.myhuaweicloud.com/team/apps/web:v1.4.1: "+
					"set the provider's swr.region (or swr.endpoint) to the image's region."),
		},
		"functions/parse_image_ref/function-validation.tf": {
			"a full reference is accepted": applies(nil, func(*testing.T, *fakecloud.Cloud) config.Variables {
				return config.Variables{"base_image": config.StringVariable("swr.cn-north-4.myhuaweicloud.com/team/apps/web:v1.4.2")}
			}, nil),
			"no registry host: the validation's message": fails(nil, func(*testing.T, *fakecloud.Cloud) config.Variables {
				return config.Variables{"base_image": config.StringVariable("team/apps/web:v1.4.2")}
			}, "The base image must be a full reference, <registry>/<repository>[:tag][@digest], such as swr.cn-north-4.myhuaweicloud.com/team/apps/web:v1.4.2."),
		},
		"functions/parse_image_ref/function.tf": {
			"the repository": applies(nil, noVars, func(*testing.T, *fakecloud.Cloud) []statecheck.StateCheck {
				return []statecheck.StateCheck{output("web_repository", knownvalue.StringExact("team/apps/web"))}
			}),
		},
		"functions/pin_image_ref/function.tf": {
			"the value its comment shows": applies(nil, noVars, func(*testing.T, *fakecloud.Cloud) []statecheck.StateCheck {
				return []statecheck.StateCheck{output("web_pinned", knownvalue.StringExact(
					"swr.cn-north-4.myhuaweicloud.com/team/apps/web@sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"))}
			}),
		},
	}
}

// imageVar values the variable image.
func imageVar(image string) func(*testing.T, *fakecloud.Cloud) config.Variables {
	return func(*testing.T, *fakecloud.Cloud) config.Variables {
		return config.Variables{"image": config.StringVariable(image)}
	}
}

// TestExamples applies every example of the documentation against the
// fakes, with stub modules standing in for the ones the examples call, and
// checks what the modules receive and the examples output; every guard an
// example shows must fail with the example's own message.
func TestExamples(t *testing.T) {
	t.Parallel()
	files := exampleFiles(t)
	runs := exampleRuns()
	for _, file := range files {
		if _, ok := runs[file]; !ok {
			t.Errorf("example %s has no entry in exampleRuns: seed the fake with what it reads and check what it outputs", file)
		}
	}
	for file := range runs {
		if !slices.Contains(files, file) {
			t.Errorf("exampleRuns has an entry for %s, which is not an example file", file)
		}
	}
	// Runs of one step are applied in batches, each run a module call of
	// its own with its own fake; runs of several steps, which change the
	// fake between Terraform runs, go one by one.
	type batchKind struct{ usesFunctions, fails bool }
	batches := map[batchKind][]namedExampleRun{}
	for _, file := range files {
		src := filepath.Join(examplesRoot, filepath.FromSlash(file))
		for _, name := range slices.Sorted(maps.Keys(runs[file])) {
			run := runs[file][name]
			if len(run.steps) > 1 {
				t.Run(file+"/"+name, func(t *testing.T) {
					t.Parallel()
					runExample(t, src, name, run)
				})
				continue
			}
			fails := run.steps[0].wantErr != ""
			uses := exampleUsesFunctions(t, src)
			k := batchKind{usesFunctions: uses, fails: fails}
			batches[k] = append(batches[k], namedExampleRun{file: file, src: src, name: name, run: run})
		}
	}
	for k, batch := range batches {
		name := fmt.Sprintf("one-step runs, functions=%t, failing=%t", k.usesFunctions, k.fails)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runExampleBatch(t, batch, k.usesFunctions, k.fails)
		})
	}
}

// exampleFiles lists the .tf files under exampleTrees, relative to
// examplesRoot, with forward slashes.
func exampleFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, tree := range exampleTrees {
		err := filepath.WalkDir(filepath.Join(examplesRoot, tree), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || filepath.Ext(p) != ".tf" {
				return err
			}
			rel, err := filepath.Rel(examplesRoot, p)
			files = append(files, filepath.ToSlash(rel))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(files) == 0 {
		t.Fatalf("no example under %s", examplesRoot)
	}
	return files
}

// runExample applies the example file src as run says, against a fresh
// fake, one test step for each of the run's steps.
func runExample(t *testing.T, src, name string, run exampleRun) {
	fc, url := startFake(t)
	if run.seed != nil {
		run.seed(fc)
	}
	dir := exampleConfig(t, src, t.TempDir(), testProviderAddress())
	var tc resource.TestCase
	if exampleUsesFunctions(t, src) {
		tc.TerraformVersionChecks = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)}
	}
	for i, s := range run.steps {
		// Providers on the step, not the case: only then does the step's
		// init install the (stub) modules.
		step := resource.TestStep{ConfigDirectory: config.StaticDirectory(dir), ProtoV6ProviderFactories: testFactories(exampleEnv(url))}
		if s.vars != nil {
			step.ConfigVariables = s.vars(t, fc)
		}
		step.PreConfig = func() {
			t.Logf("run %q, step %d of %d", name, i+1, len(run.steps))
			if s.before != nil {
				s.before(fc)
			}
		}
		if s.wantErr != "" {
			step.ExpectError = wordsRegexp(s.wantErr)
		}
		if s.want != nil {
			step.ConfigStateChecks = []statecheck.StateCheck{stateChecksLater(func() []statecheck.StateCheck { return s.want(t, fc) })}
		}
		tc.Steps = append(tc.Steps, step)
	}
	resource.UnitTest(t, tc)
}

// exampleEnv configures every cloud of the provider at the fakes, from the
// environment, as a user of the examples (which have no provider block)
// would; SWR's project is found through IAM.
func exampleEnv(url string) testEnv {
	return testEnv{
		envHWRegion: fakecloud.DefaultSWRRegion, envHWAccessKey: fakecloud.DefaultSWRAccessKey, envHWSecretKey: fakecloud.DefaultSWRSecretKey,
		envHWSWREndpoint: url, envHWIAMEndpoint: url,
		envUCloudPublicKey: fakecloud.DefaultUCloudPublicKey, envUCloudPrivateKey: fakecloud.DefaultUCloudPrivateKey,
		envUCloudProjectID: fakecloud.DefaultUCloudProjectID, envUCloudEndpoint: url,
		envPPIOAPIKey: fakecloud.DefaultPPIOAPIKey, envPPIOEndpoint: url,
	}
}

// wordsRegexp matches message whatever the whitespace between its words:
// Terraform wraps long diagnostics.
func wordsRegexp(message string) *regexp.Regexp {
	words := strings.Fields(message)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(strings.Join(words, `\s+`))
}

// stateChecksLater builds its checks when the state is checked, so that
// they compare with the fake as it is after the step (a push in PreConfig).
type stateChecksLater func() []statecheck.StateCheck

func (f stateChecksLater) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	var errs []error
	for _, c := range f() {
		var r statecheck.CheckStateResponse
		c.CheckState(ctx, req, &r)
		errs = append(errs, r.Error)
	}
	resp.Error = errors.Join(errs...)
}

// stubModulesOutput is the root output through which the stub modules
// show what they received: { <module name> = { <argument> = value } }.
const stubModulesOutput = "example_modules"

// moduleMetaArguments are a module block's arguments that are not inputs.
var moduleMetaArguments = []string{"source", "version", "count", "for_each", "providers", "depends_on"}

// exampleConfig writes the example at src into a new directory with each
// module call's local source replaced by the absolute path of a stub module:
// the testing framework copies no subdirectory, and the examples' modules
// do not exist. A stub has a variable for every argument its callers pass
// and returns each as an output; the root output stubModulesOutput gathers
// them. It reports whether the example calls a provider function.
func exampleConfig(t *testing.T, src, base, providerSource string) (dir string) {
	t.Helper()
	text, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	parsed, diags := hclsyntax.ParseConfig(text, src, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("example %s: %v", src, diags)
	}
	rewritten, diags := hclwrite.ParseConfig(text, src, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("example %s: %v", src, diags)
	}
	dir = filepath.Join(base, "config")
	stubs := map[string][]string{} // stub directory -> arguments passed
	var calls []string
	hasTerraformBlock := false
	for _, block := range parsed.Body.(*hclsyntax.Body).Blocks {
		hasTerraformBlock = hasTerraformBlock || block.Type == "terraform"
		if block.Type != "module" {
			continue
		}
		name := block.Labels[0]
		source := moduleSource(t, src, block)
		stub := filepath.Join(base, "stubs", filepath.FromSlash(path.Clean(source)))
		for arg := range block.Body.Attributes {
			if !slices.Contains(moduleMetaArguments, arg) && !slices.Contains(stubs[stub], arg) {
				stubs[stub] = append(stubs[stub], arg)
			}
		}
		if _, ok := stubs[stub]; !ok {
			stubs[stub] = nil
		}
		rewritten.Body().FirstMatchingBlock("module", []string{name}).Body().SetAttributeValue("source", cty.StringVal(stub))
		calls = append(calls, name)
	}
	for stub, args := range stubs {
		slices.Sort(args)
		var b strings.Builder
		b.WriteString("# A stub written by TestExamples: every argument back as an output.\n")
		for _, arg := range args {
			fmt.Fprintf(&b, "variable %q {}\n\noutput %q {\n  value = var.%s\n}\n\n", arg, arg, arg)
		}
		writeFile(t, filepath.Join(stub, "main.tf"), b.String())
	}
	writeFile(t, filepath.Join(dir, filepath.Base(src)), string(rewritten.Bytes()))
	if !hasTerraformBlock {
		// What a user's root module declares (examples/provider): provider
		// functions need it. The address is the one the framework serves
		// the provider under.
		writeFile(t, filepath.Join(dir, exampleTerraformFile), fmt.Sprintf(
			"terraform {\n  required_providers {\n    registry = {\n      source = %q\n    }\n  }\n}\n", providerSource))
	}
	if len(calls) > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "output %q {\n  value = {\n", stubModulesOutput)
		for _, name := range calls {
			fmt.Fprintf(&b, "    %s = module.%s\n", name, name)
		}
		b.WriteString("  }\n}\n")
		writeFile(t, filepath.Join(dir, "zz_example_modules.tf"), b.String())
	}
	return dir
}

// exampleTerraformFile is the file in which exampleConfig declares the
// provider for an example without a terraform block.
const exampleTerraformFile = "zz_example_terraform.tf"

// exampleUsesFunctions reports whether the example at src calls a provider
// function (Terraform 1.8 and later).
func exampleUsesFunctions(t *testing.T, src string) bool {
	t.Helper()
	text, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Contains(string(text), "provider::")
}

// moduleSource is a module block's source, which must be a local path
// under the example's directory (the stub stands in for it).
func moduleSource(t *testing.T, src string, block *hclsyntax.Block) string {
	t.Helper()
	attr, ok := block.Body.Attributes["source"]
	if !ok {
		t.Fatalf("example %s: module %q has no source", src, block.Labels[0])
	}
	v, diags := attr.Expr.Value(nil)
	if diags.HasErrors() || !v.Type().Equals(cty.String) || v.IsNull() {
		t.Fatalf("example %s: module %q: source is not a string literal", src, block.Labels[0])
	}
	source := v.AsString()
	if !strings.HasPrefix(source, "./") || strings.Contains(path.Clean(source), "..") {
		t.Fatalf("example %s: module %q: source %q is not a local module under the example's directory, which the test can stub", src, block.Labels[0], source)
	}
	return source
}

// testProviderAddress is the address terraform-plugin-testing serves the
// provider under: registry.terraform.io/hashicorp/registry unless
// TF_ACC_PROVIDER_HOST or TF_ACC_PROVIDER_NAMESPACE say otherwise.
func testProviderAddress() string {
	host, namespace := "registry.terraform.io", "hashicorp"
	if v := os.Getenv(resource.EnvTfAccProviderHost); v != "" {
		host = strings.TrimSuffix(v, "/")
	}
	if v := os.Getenv(resource.EnvTfAccProviderNamespace); v != "" {
		namespace = strings.TrimSuffix(v, "/")
	}
	return host + "/" + namespace + "/registry"
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// docsRoot is the generated documentation, from this package's directory.
const docsRoot = "../../docs"

// providerSourceRE is the required_providers entry a pasted example needs:
// without it Terraform looks for hashicorp/registry.
var providerSourceRE = regexp.MustCompile(`(?s)terraform\s*\{\s*required_providers\s*\{\s*registry\s*=\s*\{\s*source\s*=\s*"registry-tools/registry"`)

// terraformBlockRE is a fenced Terraform code block of a docs page.
var terraformBlockRE = regexp.MustCompile("(?s)```(?:terraform|hcl)\n(.*?)```")

// TestDocsExamplesDeclareTheProvider: on every page of docs/, the
// required_providers block for registry-tools/registry is shown before (or
// in) the first code block that uses the provider, so that an example pasted
// alone does not resolve to hashicorp/registry.
func TestDocsExamplesDeclareTheProvider(t *testing.T) {
	t.Parallel()
	pages := 0
	err := filepath.WalkDir(docsRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".md" {
			return err
		}
		pages++
		text, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		// A child module that calls a function needs the block too, and
		// Terraform's error does not say so: the function pages must.
		if filepath.Base(filepath.Dir(p)) == "functions" && !regexp.MustCompile(`(?s)every module that calls the function.*child\s+module`).Match(text) {
			t.Errorf("%s: the page does not say that every module calling the function, a child module included, must declare the provider", p)
		}
		for _, m := range terraformBlockRE.FindAllSubmatchIndex(text, -1) {
			block := text[m[2]:m[3]]
			if !regexp.MustCompile(`"registry_|provider::registry::|provider "registry"`).Match(block) {
				continue
			}
			if !providerSourceRE.Match(text[:m[1]]) {
				t.Errorf("%s: the first example that uses the provider (offset %d) comes before any "+
					"terraform { required_providers { registry = { source = \"registry-tools/registry\" } } }: "+
					"include examples/provider/required-providers.tf before it", p, m[0])
			}
			break
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages == 0 {
		t.Fatalf("no page under %s", docsRoot)
	}
}
