package provider

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
)

// The fault matrix: every fault the fakes can produce, for every cloud it
// applies to, with the outcome a user gets: the complete list (after
// retries) or one diagnostic naming the cloud, the call, the status or code,
// and what to do. A fault never yields a partial list. A read of one item
// in one request (registry_swr_tag with an exact tag) gets every fault
// that is not about paging, and must then hold the whole item or fail.
//
// No outcome depends on the machine's speed. A fault that is not about time
// is served on the first attempt of the first page, or rewritten into every
// attempt of its page, under a request timeout no page comes near; only the
// stall cases run with a short timeout, and their stall lasts until the
// client gives up (StallFault returns when the request's context ends), so
// it never finishes early.

const (
	matrixSWRTags     = 250      // 3 pages of matrixSWRPage
	matrixSWRPage     = 100      // WithSWRPageSize: three pages without 2,500 tags to build under -race
	matrixUHubImages  = 60       // 3 pages at the fake's cap of 20
	matrixUHubTags    = 60       // 3 pages at the fake's cap of 20
	matrixSWRTag      = "v1.0.0" // the tag registry_swr_tag asks for by name
	matrixSWRTagRepo  = 10       // tags around it; one request reads it
	matrixPPIOImages  = 137      // 3 pages at the fake's cap of 50
	matrixMaxRetries  = 3        // so "after 4 attempts"
	matrixBodyLimit   = 2 << 20  // above a 1,000-tag SWR page with manifests
	matrixHTMLGateway = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>"

	// matrixReqTimeout is the request_timeout of every case not about time:
	// an attempt that reached it would be a hang, not a slow machine.
	matrixReqTimeout = "2m"
	// matrixStallTimeout is the request_timeout when every attempt stalls:
	// each one ends by the timeout, whatever the machine's speed.
	matrixStallTimeout = "300ms"
	// matrixStallOnceTimeout is the request_timeout when one attempt stalls
	// and the listing must then complete: every other attempt must stay
	// under it, so that case lists a handful of items (one small page,
	// milliseconds even on a loaded machine under the race detector, where
	// a 1,000-tag SWR page was seen to take a second).
	matrixStallOnceTimeout = "2s"
	matrixStallOnceItems   = 10
)

// matrixCloud is one call of a cloud, through the data source that makes
// it, as the matrix reads it: a listing of three pages, or one request.
type matrixCloud struct {
	name     string // as in diagnostics, "Huawei Cloud SWR ListRepositoryTags"
	dataType string // the data source that makes the call
	args     args   // the data source block's arguments
	listAttr string // the list attribute holding every item
	items    int    // in the fake, three pages' worth
	pageSize int    // items on each page the fake serves
	// complete is, for a data source that reads one item in one request
	// rather than a list, the check that the item arrived whole: the
	// attribute and its value in the fake. nil for a listing (listAttr).
	complete func(fc *fakecloud.Cloud) (attr, want string)
	// seed stores n items in this cloud's fake.
	seed func(fc *fakecloud.Cloud, n int)
	// queue queues a fault for the next n requests to this cloud's fake.
	queue func(fc *fakecloud.Cloud, n int, f fakecloud.Fault)
	// page matches the request for the page after the first n items.
	page func(n int) func(*http.Request, url.Values) bool
	// items of a decoded page body, and how to write them back.
	itemsOf  func(body []byte) (doc any, items []any)
	throttle func(fc *fakecloud.Cloud) fakecloud.Fault
}

var matrixClouds = map[string]matrixCloud{
	"swr": {
		name:     "Huawei Cloud SWR ListRepositoryTags",
		dataType: "registry_swr_tags",
		args:     args{"namespace": "team", "repository": "web"},
		listAttr: "tags", items: matrixSWRTags, pageSize: matrixSWRPage,
		seed:  func(fc *fakecloud.Cloud, n int) { fc.SWR.GenerateTags("team", "web", n) },
		queue: func(fc *fakecloud.Cloud, n int, f fakecloud.Fault) { fc.SWR.Inject(n, f) },
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
		dataType: "registry_ucloud_repo_images",
		args:     args{"repo_name": "shop"},
		listAttr: "images", items: matrixUHubImages, pageSize: 20,
		seed:  func(fc *fakecloud.Cloud, n int) { fc.UHub.GenerateImages("shop", n) },
		queue: func(fc *fakecloud.Cloud, n int, f fakecloud.Fault) { fc.UHub.Inject(n, f) },
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
	"ucloud_tags": {
		name:     "UCloud UHub GetImageTag",
		dataType: "registry_ucloud_image_tags",
		args:     args{"repo_name": "shop", "image_name": "api"},
		listAttr: "tags", items: matrixUHubTags, pageSize: 20,
		seed:  func(fc *fakecloud.Cloud, n int) { fc.UHub.GenerateImageTags("shop", "api", n) },
		queue: func(fc *fakecloud.Cloud, n int, f fakecloud.Fault) { fc.UHub.Inject(n, f) },
		page: func(n int) func(*http.Request, url.Values) bool {
			return func(_ *http.Request, p url.Values) bool {
				return p.Get("Action") == "GetImageTag" && p.Get("Offset") == fmt.Sprint(n)
			}
		},
		itemsOf: func(body []byte) (any, []any) {
			var doc map[string]any
			_ = json.Unmarshal(body, &doc)
			items, _ := doc["TagSet"].([]any)
			return doc, items
		},
		throttle: func(fc *fakecloud.Cloud) fakecloud.Fault { return fc.UHub.ThrottleFault() },
	},
	"swr_tag": {
		name:     "Huawei Cloud SWR ShowRepoTag",
		dataType: "registry_swr_tag",
		args:     args{"namespace": "team", "repository": "web", "tag": matrixSWRTag},
		items:    matrixSWRTagRepo,
		complete: func(fc *fakecloud.Cloud) (string, string) {
			t, ok := fc.SWR.Tag("team", "web", matrixSWRTag)
			if !ok || t.Digest == "" {
				return "digest", "(the fake has no digest for " + matrixSWRTag + ")"
			}
			return "digest", t.Digest
		},
		seed:  func(fc *fakecloud.Cloud, n int) { fc.SWR.GenerateTags("team", "web", n) },
		queue: func(fc *fakecloud.Cloud, n int, f fakecloud.Fault) { fc.SWR.Inject(n, f) },
		page: func(int) func(*http.Request, url.Values) bool {
			// One request, whatever the page: the only one ShowRepoTag makes.
			return func(r *http.Request, _ url.Values) bool { return strings.HasSuffix(r.URL.Path, "/tags/"+matrixSWRTag) }
		},
		itemsOf: func(body []byte) (any, []any) {
			var doc map[string]any
			_ = json.Unmarshal(body, &doc)
			return doc, []any{doc}
		},
		throttle: func(fc *fakecloud.Cloud) fakecloud.Fault { return fc.SWR.ThrottleFault("") },
	},
	"ppio": {
		name:     "PPIO ListImages",
		dataType: "registry_ppio_images",
		listAttr: "images", items: matrixPPIOImages, pageSize: 50,
		seed:  func(fc *fakecloud.Cloud, n int) { fc.PPIO.GenerateImages(n) },
		queue: func(fc *fakecloud.Cloud, n int, f fakecloud.Fault) { fc.PPIO.Inject(n, f) },
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

type matrixFault struct {
	name   string
	clouds []string
	// timeout is the request_timeout; matrixReqTimeout when empty.
	timeout string
	// items is how many items the fake holds; the cloud's when 0.
	items int
	// inject puts the fault on the cloud's fake before Terraform runs.
	inject func(fc *fakecloud.Cloud, mc matrixCloud)
	// want is nil when the full list must arrive, else the diagnostic, which
	// always starts with the cloud and the call.
	want string
}

// listClouds are the listings; allClouds adds the single-request reads,
// which every fault not about paging applies to.
var (
	listClouds = []string{"swr", "ucloud", "ucloud_tags", "ppio"}
	allClouds  = append(slices.Clone(listClouds), "swr_tag")
)

func statusFault(status int, header map[string]string) fakecloud.Fault {
	return fakecloud.StatusFault(status, header, `{"error_code":"GW.5000","error_msg":"upstream failed","code":"GW.5000","message":"upstream failed","RetCode":2001,"Message":"upstream failed"}`)
}

// retryAfterDateFault is a 429 whose Retry-After is an HTTP date a second
// or two after the moment it is served (not after the test set it up, which
// a slow machine could leave in the past).
func retryAfterDateFault() fakecloud.Fault {
	return func(w http.ResponseWriter, r *http.Request) bool {
		// http.TimeFormat has whole seconds: now+2s is always over 1s ahead.
		date := time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat)
		return statusFault(http.StatusTooManyRequests, map[string]string{"Retry-After": date})(w, r)
	}
}

// editPage rewrites every answer to the page after the first n items:
// every attempt at that page, retries included, gets the fault.
func editPage(fc *fakecloud.Cloud, mc matrixCloud, n int, edit func(status int, h http.Header, body []byte) (int, []byte)) {
	fc.RewriteEvery(fakecloud.Rewrite{Match: mc.page(n), Edit: edit})
}

var matrixFaults = []matrixFault{
	{name: "429 with Retry-After seconds", clouds: allClouds, inject: func(fc *fakecloud.Cloud, mc matrixCloud) {
		mc.queue(fc, 1, statusFault(http.StatusTooManyRequests, map[string]string{"Retry-After": "1"}))
	}},
	{name: "429 with Retry-After HTTP-date", clouds: allClouds, inject: func(fc *fakecloud.Cloud, mc matrixCloud) {
		mc.queue(fc, 1, retryAfterDateFault())
	}},
	{name: "throttled without Retry-After", clouds: allClouds, inject: func(fc *fakecloud.Cloud, mc matrixCloud) {
		mc.queue(fc, 2, mc.throttle(fc)) // UCloud: RetCode 153 in an HTTP 200
	}},
	{name: "5xx burst shorter than max_retries", clouds: allClouds, inject: func(fc *fakecloud.Cloud, mc matrixCloud) {
		mc.queue(fc, 1, statusFault(http.StatusInternalServerError, nil))
		mc.queue(fc, 1, statusFault(http.StatusBadGateway, nil))
		mc.queue(fc, 1, statusFault(http.StatusServiceUnavailable, nil))
	}},
	{name: "5xx burst longer than max_retries", clouds: allClouds, inject: func(fc *fakecloud.Cloud, mc matrixCloud) {
		mc.queue(fc, 10, statusFault(http.StatusServiceUnavailable, nil))
	}, want: `HTTP 503.*after\s+4\s+attempts.*max_retries`},
	{name: "UCloud service error RetCode >= 2000 until retries run out", clouds: []string{"ucloud", "ucloud_tags"}, inject: func(fc *fakecloud.Cloud, _ matrixCloud) {
		fc.UHub.Inject(10, fc.UHub.RetCodeFault(2001, "internal error"))
	}, want: `code\s+2001.*after\s+4\s+attempts`},
	{name: "connection reset mid-body", clouds: allClouds, inject: func(fc *fakecloud.Cloud, mc matrixCloud) {
		mc.queue(fc, 1, fakecloud.ResetMidBodyFault())
	}},
	{name: "stall past request_timeout once", clouds: allClouds, timeout: matrixStallOnceTimeout, items: matrixStallOnceItems, inject: func(fc *fakecloud.Cloud, mc matrixCloud) {
		mc.queue(fc, 1, fakecloud.StallFault())
	}},
	{name: "stall past request_timeout on every attempt", clouds: allClouds, timeout: matrixStallTimeout, inject: func(fc *fakecloud.Cloud, mc matrixCloud) {
		mc.queue(fc, 10, fakecloud.StallFault())
	}, want: `request\s+timeout\s+of\s+300ms.*after\s+4\s+attempts.*request_timeout`},
	{name: "truncated JSON", clouds: allClouds, inject: func(fc *fakecloud.Cloud, mc matrixCloud) {
		editPage(fc, mc, 0, func(s int, _ http.Header, b []byte) (int, []byte) { return s, b[:len(b)/2] })
	}, want: `malformed.*HTTP\s+200`},
	{name: "wrong field type", clouds: allClouds, inject: func(fc *fakecloud.Cloud, mc matrixCloud) {
		editPage(fc, mc, 0, func(s int, _ http.Header, b []byte) (int, []byte) {
			doc, items := mc.itemsOf(b)
			for _, key := range []string{"id", "PullCount", "TagName", "created_at"} {
				if m, ok := items[0].(map[string]any); ok {
					if _, has := m[key]; has {
						m[key] = map[string]any{"unexpected": true}
					}
				}
			}
			out, _ := json.Marshal(doc)
			return s, out
		})
	}, want: `malformed.*HTTP\s+200`},
	{name: "empty body with status 200", clouds: allClouds, inject: func(fc *fakecloud.Cloud, mc matrixCloud) {
		editPage(fc, mc, 0, func(s int, _ http.Header, _ []byte) (int, []byte) { return s, nil })
	}, want: `malformed\s+answer:\s+\(empty\s+body\).*HTTP\s+200`},
	{name: "HTML page from a gateway with status 200", clouds: allClouds, inject: func(fc *fakecloud.Cloud, mc matrixCloud) {
		mc.queue(fc, 1, fakecloud.StatusFault(http.StatusOK, map[string]string{"Content-Type": "text/html"}, matrixHTMLGateway))
	}, want: `502\s+Bad\s+Gateway.*HTTP\s+200`},
	{name: "PPIO cursor that repeats", clouds: []string{"ppio"}, inject: func(fc *fakecloud.Cloud, _ matrixCloud) {
		fc.PPIO.SetRepeatingCursor(true)
	}, want: `next_cursor.*run\s+again`},
	{name: "total that changes between pages", clouds: []string{"swr", "ucloud", "ucloud_tags"}, inject: func(fc *fakecloud.Cloud, mc matrixCloud) {
		editPage(fc, mc, mc.pageSize, inflateTotal(mc, 7))
	}, want: `(?i)total(\s*count)?\s+changed.*run\s+again`},
	{name: "total that promises more than ever arrives", clouds: []string{"swr", "ucloud", "ucloud_tags"}, inject: func(fc *fakecloud.Cloud, mc matrixCloud) {
		fc.RewriteEvery(fakecloud.Rewrite{Match: func(r *http.Request, p url.Values) bool {
			return mc.page(0)(r, p) || p.Get("offset") != "" || p.Get("Offset") != ""
		}, Edit: inflateTotal(mc, 5)})
	}, want: `(promised|promises)\s+\d+.*arrived`},
	{name: "the same item on two pages", clouds: listClouds, inject: func(fc *fakecloud.Cloud, mc matrixCloud) {
		// The first page is always read before the others (it tells the
		// client how many there are), so its first item is known by then.
		var mu sync.Mutex
		var first any
		editPage(fc, mc, 0, func(s int, _ http.Header, b []byte) (int, []byte) {
			_, items := mc.itemsOf(b)
			mu.Lock()
			first = items[0]
			mu.Unlock()
			return s, b
		})
		editPage(fc, mc, mc.pageSize, func(s int, _ http.Header, b []byte) (int, []byte) {
			doc, items := mc.itemsOf(b)
			mu.Lock()
			items[0] = first
			mu.Unlock()
			out, _ := json.Marshal(doc)
			return s, out
		})
	}, want: `arrived\s+on\s+two\s+pages.*run\s+again`},
	{name: "a body over the size limit", clouds: allClouds, inject: func(fc *fakecloud.Cloud, mc matrixCloud) {
		mc.queue(fc, 1, fakecloud.StatusFault(http.StatusOK, nil, `"`+strings.Repeat("x", 2*matrixBodyLimit)+`"`))
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

// TestFaultMatrix reads every fault on every cloud it applies to through
// the protocol harness, one parallel subtest each
// (-run 'TestFaultMatrix/truncated_JSON/ppio' picks one): its own fake and
// provider, a plan's RPCs, then the complete read or the one diagnostic,
// naming the call, that carries the fault's message.
func TestFaultMatrix(t *testing.T) {
	t.Parallel()
	for _, f := range matrixFaults {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			for _, cloud := range f.clouds {
				t.Run(cloud, func(t *testing.T) {
					t.Parallel()
					runFault(t, f, matrixClouds[cloud])
				})
			}
		})
	}
}

// runFault is fault f on cloud mc: the fake seeded and the fault injected,
// then either the complete read or f's diagnostic.
func runFault(t *testing.T, f matrixFault, mc matrixCloud) {
	fc, url := startFake(t)
	n := cmp.Or(f.items, mc.items)
	mc.seed(fc, n)
	f.inject(fc, mc)
	h := newHarness(t, context.Background(), testServer(nil, WithMaxBodyBytes(matrixBodyLimit), WithSWRPageSize(matrixSWRPage)))
	provider := args{"max_retries": matrixMaxRetries, "request_timeout": cmp.Or(f.timeout, matrixReqTimeout)}
	for name, block := range h.fakeBlocks(url) {
		provider[name] = block
	}
	state, diags := h.plan(provider, mc.dataType, mc.args)
	switch {
	case f.want != "":
		// The call in the summary, then the fault's message in the detail,
		// whose paragraphs .* crosses.
		expectDiagnostic(t, diags, `(?s)`+strings.ReplaceAll(regexp.QuoteMeta(mc.name), " ", `\s+`)+`\s+failed.*`+f.want, "")
		if len(diags) != 1 {
			t.Errorf("%d diagnostics, want one: %v", len(diags), diagnosticsText(diags))
		}
	case diags != nil:
		t.Fatalf("the read failed: %v", diagnosticsText(diags))
	case mc.complete != nil:
		attr, want := mc.complete(fc)
		if got := str(t, state[attr]); got != want {
			t.Errorf("%s = %q, want %q", attr, got, want)
		}
	default:
		var items []tftypes.Value
		if err := state[mc.listAttr].As(&items); err != nil {
			t.Fatal(err)
		}
		if len(items) != n {
			t.Errorf("%d %s, want all %d", len(items), mc.listAttr, n)
		}
	}
}
