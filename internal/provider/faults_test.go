package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
)

// The fault matrix: every fault the fakes can produce, for every cloud it
// applies to, with the outcome a user gets: the complete list (after
// retries) or one diagnostic naming the cloud, the call, the status or code,
// and what to do. A fault never yields a partial list.

const (
	matrixSWRTags     = 2500    // 3 pages of 1000
	matrixUHubImages  = 60      // 3 pages at the fake's cap of 20
	matrixPPIOImages  = 137     // 3 pages at the fake's cap of 50
	matrixMaxRetries  = 3       // so "after 4 attempts"
	matrixBodyLimit   = 2 << 20 // above a 1,000-tag SWR page with manifests
	matrixReqTimeout  = "300ms"
	matrixHTMLGateway = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>"
)

type matrixCloud struct {
	name     string // as in diagnostics, "Huawei Cloud SWR ListRepositoryTags"
	config   string // the data source block
	listAttr string // the list attribute holding every item
	items    int
	// page matches the request for the page after the first n items.
	page func(n int) func(*http.Request, url.Values) bool
	// items of a decoded page body, and how to write them back.
	itemsOf  func(body []byte) (doc any, items []any)
	throttle func(fc *fakecloud.Cloud) fakecloud.Fault
}

var matrixClouds = map[string]matrixCloud{
	"swr": {
		name:     "Huawei Cloud SWR ListRepositoryTags",
		config:   "data \"registry_swr_tags\" \"m\" {\n  namespace  = \"team\"\n  repository = \"web\"\n}",
		listAttr: "tags", items: matrixSWRTags,
		page: func(n int) func(*http.Request, url.Values) bool {
			return func(r *http.Request, p url.Values) bool {
				return strings.HasSuffix(r.URL.Path, "/tags") && p.Get("offset") == fmt.Sprint(n)
			}
		},
		itemsOf: func(body []byte) (any, []any) {
			var items []any
			_ = json.Unmarshal(body, &items)
			return items, items
		},
		throttle: func(fc *fakecloud.Cloud) fakecloud.Fault { return fc.SWR.ThrottleFault("") },
	},
	"ucloud": {
		name:     "UCloud UHub GetRepoImage",
		config:   `data "registry_ucloud_repo_images" "m" { repo_name = "shop" }`,
		listAttr: "images", items: matrixUHubImages,
		page: func(n int) func(*http.Request, url.Values) bool {
			return func(_ *http.Request, p url.Values) bool {
				return p.Get("Action") == "GetRepoImage" && p.Get("Offset") == fmt.Sprint(n)
			}
		},
		itemsOf: func(body []byte) (any, []any) {
			var doc map[string]any
			_ = json.Unmarshal(body, &doc)
			items, _ := doc["ImageSet"].([]any)
			return doc, items
		},
		throttle: func(fc *fakecloud.Cloud) fakecloud.Fault { return fc.UHub.ThrottleFault() },
	},
	"ppio": {
		name:     "PPIO ListImages",
		config:   `data "registry_ppio_images" "m" {}`,
		listAttr: "images", items: matrixPPIOImages,
		page: func(n int) func(*http.Request, url.Values) bool {
			// Cursors are opaque: the first page has none, the rest one each.
			return func(r *http.Request, p url.Values) bool {
				return strings.HasPrefix(r.URL.Path, "/gpus/") && (p.Get("cursor") == "") == (n == 0)
			}
		},
		itemsOf: func(body []byte) (any, []any) {
			var doc map[string]any
			_ = json.Unmarshal(body, &doc)
			items, _ := doc["data"].([]any)
			return doc, items
		},
		throttle: func(fc *fakecloud.Cloud) fakecloud.Fault { return fc.PPIO.ThrottleFault() },
	},
}

// inject queues a fault on the fake of one cloud.
func inject(fc *fakecloud.Cloud, cloud string, n int, f fakecloud.Fault) {
	switch cloud {
	case "swr":
		fc.SWR.Inject(n, f)
	case "ucloud":
		fc.UHub.Inject(n, f)
	case "ppio":
		fc.PPIO.Inject(n, f)
	}
}

func matrixProviderConfig(url string) string {
	return fmt.Sprintf(`
provider "registry" {
  max_retries     = %d
  request_timeout = %q
  swr {
    region       = %q
    access_key   = %q
    secret_key   = %q
    project_id   = %q
    endpoint     = %q
  }
  ucloud {
    public_key  = %q
    private_key = %q
    endpoint    = %q
  }
  ppio {
    api_key  = %q
    endpoint = %q
  }
}
`, matrixMaxRetries, matrixReqTimeout,
		fakecloud.DefaultSWRRegion, fakecloud.DefaultSWRAccessKey, fakecloud.DefaultSWRSecretKey, fakecloud.DefaultSWRProjectID, url,
		fakecloud.DefaultUCloudPublicKey, fakecloud.DefaultUCloudPrivateKey, url,
		fakecloud.DefaultPPIOAPIKey, url)
}

type matrixFault struct {
	name   string
	clouds []string
	setup  func(fc *fakecloud.Cloud, cloud string, mc matrixCloud)
	// want is nil when the full list must arrive, else the diagnostic, which
	// always starts with the cloud and the call.
	want string
}

var allClouds = []string{"swr", "ucloud", "ppio"}

func statusFault(status int, retryAfter string) fakecloud.Fault {
	h := map[string]string{}
	if retryAfter != "" {
		h["Retry-After"] = retryAfter
	}
	return fakecloud.StatusFault(status, h, `{"error_code":"GW.5000","error_msg":"upstream failed","code":"GW.5000","message":"upstream failed","RetCode":2001,"Message":"upstream failed"}`)
}

var matrixFaults = []matrixFault{
	{name: "429 with Retry-After seconds", clouds: allClouds, setup: func(fc *fakecloud.Cloud, c string, _ matrixCloud) {
		inject(fc, c, 1, statusFault(http.StatusTooManyRequests, "1"))
	}},
	{name: "429 with Retry-After HTTP-date", clouds: allClouds, setup: func(fc *fakecloud.Cloud, c string, _ matrixCloud) {
		inject(fc, c, 1, statusFault(http.StatusTooManyRequests, time.Now().Add(time.Second).UTC().Format(http.TimeFormat)))
	}},
	{name: "throttled without Retry-After", clouds: allClouds, setup: func(fc *fakecloud.Cloud, c string, mc matrixCloud) {
		inject(fc, c, 2, mc.throttle(fc)) // UCloud: RetCode 153 in an HTTP 200
	}},
	{name: "5xx burst shorter than max_retries", clouds: allClouds, setup: func(fc *fakecloud.Cloud, c string, _ matrixCloud) {
		inject(fc, c, 1, statusFault(http.StatusInternalServerError, ""))
		inject(fc, c, 1, statusFault(http.StatusBadGateway, ""))
		inject(fc, c, 1, statusFault(http.StatusServiceUnavailable, ""))
	}},
	{name: "5xx burst longer than max_retries", clouds: allClouds, setup: func(fc *fakecloud.Cloud, c string, _ matrixCloud) {
		inject(fc, c, 10, statusFault(http.StatusServiceUnavailable, ""))
	}, want: `HTTP 503.*after\s+4\s+attempts.*max_retries`},
	{name: "UCloud service error RetCode >= 2000 until retries run out", clouds: []string{"ucloud"}, setup: func(fc *fakecloud.Cloud, _ string, _ matrixCloud) {
		fc.UHub.Inject(10, fc.UHub.RetCodeFault(2001, "internal error"))
	}, want: `code\s+2001.*after\s+4\s+attempts`},
	{name: "connection reset mid-body", clouds: allClouds, setup: func(fc *fakecloud.Cloud, c string, _ matrixCloud) {
		inject(fc, c, 1, fakecloud.ResetMidBodyFault())
	}},
	{name: "stall past request_timeout once", clouds: allClouds, setup: func(fc *fakecloud.Cloud, c string, _ matrixCloud) {
		inject(fc, c, 1, fakecloud.StallFault())
	}},
	{name: "stall past request_timeout on every attempt", clouds: allClouds, setup: func(fc *fakecloud.Cloud, c string, _ matrixCloud) {
		inject(fc, c, 10, fakecloud.StallFault())
	}, want: `request\s+timeout\s+of\s+300ms.*after\s+4\s+attempts.*request_timeout`},
	{name: "truncated JSON", clouds: allClouds, setup: func(fc *fakecloud.Cloud, c string, mc matrixCloud) {
		fc.AddRewrite(1, fakecloud.Rewrite{Match: mc.page(0), Edit: func(s int, _ http.Header, b []byte) (int, []byte) { return s, b[:len(b)/2] }})
	}, want: `HTTP\s+200.*malformed`},
	{name: "wrong field type", clouds: allClouds, setup: func(fc *fakecloud.Cloud, c string, mc matrixCloud) {
		fc.AddRewrite(1, fakecloud.Rewrite{Match: mc.page(0), Edit: func(s int, _ http.Header, b []byte) (int, []byte) {
			doc, items := mc.itemsOf(b)
			for _, key := range []string{"id", "PullCount", "created_at"} {
				if m, ok := items[0].(map[string]any); ok {
					if _, has := m[key]; has {
						m[key] = map[string]any{"unexpected": true}
					}
				}
			}
			out, _ := json.Marshal(doc)
			return s, out
		}})
	}, want: `HTTP\s+200.*malformed`},
	{name: "HTML page from a gateway with status 200", clouds: allClouds, setup: func(fc *fakecloud.Cloud, c string, _ matrixCloud) {
		inject(fc, c, 1, fakecloud.StatusFault(http.StatusOK, map[string]string{"Content-Type": "text/html"}, matrixHTMLGateway))
	}, want: `HTTP\s+200.*502\s+Bad\s+Gateway`},
	{name: "PPIO cursor that repeats", clouds: []string{"ppio"}, setup: func(fc *fakecloud.Cloud, _ string, _ matrixCloud) {
		fc.PPIO.SetRepeatingCursor(true)
	}, want: `next_cursor.*run\s+again`},
	{name: "total that changes between pages", clouds: []string{"swr", "ucloud"}, setup: func(fc *fakecloud.Cloud, c string, mc matrixCloud) {
		second := map[string]int{"swr": 1000, "ucloud": 20}[c]
		fc.AddRewrite(1, fakecloud.Rewrite{Match: mc.page(second), Edit: inflateTotal(mc, 7)})
	}, want: `(?i)total(\s*count)?\s+changed.*run\s+again`},
	{name: "total that promises more than ever arrives", clouds: []string{"swr", "ucloud"}, setup: func(fc *fakecloud.Cloud, c string, mc matrixCloud) {
		fc.AddRewrite(100, fakecloud.Rewrite{Match: func(r *http.Request, p url.Values) bool {
			return mc.page(0)(r, p) || p.Get("offset") != "" || p.Get("Offset") != ""
		}, Edit: inflateTotal(mc, 5)})
	}, want: `(promised|promises)\s+\d+.*arrived`},
	{name: "the same item on two pages", clouds: allClouds, setup: func(fc *fakecloud.Cloud, c string, mc matrixCloud) {
		var mu sync.Mutex
		var first any
		fc.AddRewrite(1, fakecloud.Rewrite{Match: mc.page(0), Edit: func(s int, _ http.Header, b []byte) (int, []byte) {
			_, items := mc.itemsOf(b)
			mu.Lock()
			first = items[0]
			mu.Unlock()
			return s, b
		}})
		second := map[string]int{"swr": 1000, "ucloud": 20, "ppio": 50}[c]
		fc.AddRewrite(1, fakecloud.Rewrite{Match: mc.page(second), Edit: func(s int, _ http.Header, b []byte) (int, []byte) {
			doc, items := mc.itemsOf(b)
			mu.Lock()
			items[0] = first
			mu.Unlock()
			out, _ := json.Marshal(doc)
			return s, out
		}})
	}, want: `arrived\s+on\s+two\s+pages.*run\s+again`},
	{name: "a body over the size limit", clouds: allClouds, setup: func(fc *fakecloud.Cloud, c string, _ matrixCloud) {
		inject(fc, c, 1, fakecloud.StatusFault(http.StatusOK, nil, `"`+strings.Repeat("x", 2*matrixBodyLimit)+`"`))
	}, want: `exceeds\s+the\s+size\s+limit`},
}

// inflateTotal adds extra to the total a page reports.
func inflateTotal(mc matrixCloud, extra int) func(int, http.Header, []byte) (int, []byte) {
	return func(s int, h http.Header, b []byte) (int, []byte) {
		if cr := h.Get("Content-Range"); cr != "" {
			var off, n, total int
			if _, err := fmt.Sscanf(cr, "%d-%d/%d", &off, &n, &total); err != nil {
				return s, b
			}
			h.Set("Content-Range", fmt.Sprintf("%d-%d/%d", off, n, total+extra))
			return s, b
		}
		doc, _ := mc.itemsOf(b)
		if m, ok := doc.(map[string]any); ok {
			m["TotalCount"] = m["TotalCount"].(float64) + float64(extra)
		}
		out, _ := json.Marshal(doc)
		return s, out
	}
}

func matrixFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"registry": NewServer("test", WithRetryWait(time.Millisecond, 10*time.Millisecond), WithMaxBodyBytes(matrixBodyLimit)),
	}
}

func TestFaultMatrix(t *testing.T) {
	clearCloudEnv(t)
	for _, f := range matrixFaults {
		for _, cloud := range f.clouds {
			mc := matrixClouds[cloud]
			t.Run(cloud+"/"+f.name, func(t *testing.T) {
				fc, url := startFake(t)
				fc.SWR.GenerateTags("team", "web", matrixSWRTags)
				fc.UHub.GenerateImages("shop", matrixUHubImages)
				fc.PPIO.GenerateImages(matrixPPIOImages)
				f.setup(fc, cloud, mc)

				step := resource.TestStep{Config: matrixProviderConfig(url) + mc.config}
				if f.want == "" {
					addr := "data." + strings.Fields(mc.config)[1][1:len(strings.Fields(mc.config)[1])-1] + ".m"
					step.ConfigStateChecks = []statecheck.StateCheck{
						statecheck.ExpectKnownValue(addr, tfjsonpath.New(mc.listAttr), knownvalue.ListSizeExact(mc.items)),
					}
				} else {
					step.ExpectError = regexp.MustCompile(`(?s)` + strings.ReplaceAll(regexp.QuoteMeta(mc.name), " ", `\s+`) + `\s+failed.*` + f.want)
				}
				resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: matrixFactories(), Steps: []resource.TestStep{step}})
			})
		}
	}
}
