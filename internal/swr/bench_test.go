package swr_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
	"github.com/registry-tools/terraform-provider-registry/internal/swr"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
)

// BenchmarkListTags lists a repository against the fake at 0 and 20 ms of
// latency; requests/op should be ceil(N / 1000).
func BenchmarkListTags(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		fc := fakecloud.New()
		fc.SWR.GenerateTags("bench", "web", n)
		srv := httptest.NewServer(fc)
		httpc, err := transport.New(transport.Config{})
		if err != nil {
			b.Fatal(err)
		}
		c, err := swr.New(swr.Config{
			Endpoint: srv.URL, ProjectID: fakecloud.DefaultSWRProjectID,
			AccessKey: fakecloud.DefaultSWRAccessKey, SecretKey: fakecloud.DefaultSWRSecretKey, HTTP: httpc,
		})
		if err != nil {
			b.Fatal(err)
		}
		for _, latency := range []time.Duration{0, 20 * time.Millisecond} {
			b.Run(fmt.Sprintf("tags=%d/latency=%s", n, latency), func(b *testing.B) {
				fc.SetLatency(latency)
				start := fc.SWR.Requests()
				b.ReportAllocs()
				for b.Loop() {
					list, err := c.ListTags(context.Background(), swr.ListTagsInput{Namespace: "bench", Repository: "web"})
					if err != nil || len(list.Tags) != n {
						b.Fatalf("got %v tags, err %v", len(list.Tags), err)
					}
				}
				b.ReportMetric(float64(fc.SWR.Requests()-start)/float64(b.N), "requests/op")
			})
		}
		srv.Close()
	}
}

// tagPage is one page of n tags as SWR sends it, each with its manifest
// (every tenth a multi-platform index); seed makes pages differ.
func tagPage(tb testing.TB, seed, n int) []byte {
	page := make([]map[string]any, n)
	for i := range page {
		id := fmt.Sprint(seed*n + i)
		m := fakecloud.ImageManifest(id)
		if i%10 == 9 {
			m = fakecloud.IndexManifest(id, fakecloud.IndexPlatform{OS: "linux", Architecture: "amd64"},
				fakecloud.IndexPlatform{OS: "linux", Architecture: "arm64"})
		}
		page[i] = map[string]any{
			"id": i, "repo_id": 3, "Tag": fmt.Sprintf("v%s.0.0", id), "image_id": "0123456789ab",
			"digest": "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "manifest": m, "schema": 2,
			"path":          fmt.Sprintf("swr.cn-north-4.myhuaweicloud.com/bench/web:v%s.0.0", id),
			"internal_path": fmt.Sprintf("10.125.0.198:20202/bench/web:v%s.0.0", id), "size": 1000000 + i, "is_trusted": false,
			"created": "2024-01-01T00:00:00Z", "updated": "2024-01-01T00:00:00Z", "deleted": nil,
			"domain_id": "d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0", "scanned": true, "tag_type": 0,
		}
	}
	body, err := json.Marshal(page)
	if err != nil {
		tb.Fatal(err)
	}
	return body
}

// BenchmarkDecodeTags decodes one page of 1,000 tags as SWR sends it, each
// with its manifest (every tenth a multi-platform index), without keeping
// the manifests: the per-page cost of a large listing, classification
// included.
func BenchmarkDecodeTags(b *testing.B) {
	body := tagPage(b, 0, 1000)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	dst := make([]swr.Tag, 0, 1000)
	for b.Loop() {
		tags, err := swr.DecodeTags(body, false, dst[:0])
		if err != nil || len(tags) != 1000 {
			b.Fatalf("%d tags, %v", len(tags), err)
		}
	}
}

// BenchmarkDecodeTags50k decodes a listing of 50,000 tags as the provider
// does, 50 pages of 1,000 into one growing slice, and reports the process
// CPU time (user and system, garbage collection included) per listing
// beside the wall time.
func BenchmarkDecodeTags50k(b *testing.B) {
	const pages, perPage = 50, 1000
	bodies := make([][]byte, pages)
	size := 0
	for i := range bodies {
		bodies[i] = tagPage(b, i, perPage)
		size += len(bodies[i])
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	start, measured := cpuTime()
	for b.Loop() {
		var tags []swr.Tag
		for _, body := range bodies {
			var err error
			if tags, err = swr.DecodeTags(body, false, tags); err != nil {
				b.Fatal(err)
			}
		}
		if len(tags) != pages*perPage {
			b.Fatalf("%d tags", len(tags))
		}
	}
	if end, ok := cpuTime(); measured && ok {
		b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
	}
}
