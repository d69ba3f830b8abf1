package ucloud_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
	"github.com/registry-tools/terraform-provider-registry/internal/ucloud"
)

// BenchmarkListRepoImages lists a repository against the fake at 0 and
// 20 ms of latency; the fake caps pages at 20, so requests/op should be
// ceil(N / 20), the pages after the first fetched 4 at a time.
func BenchmarkListRepoImages(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		fc := fakecloud.New()
		fc.UHub.GenerateImages("bench", n)
		srv := httptest.NewServer(fc)
		httpc, err := transport.New(transport.Config{})
		if err != nil {
			b.Fatal(err)
		}
		c, err := ucloud.New(ucloud.Config{
			Endpoint: srv.URL, PublicKey: fakecloud.DefaultUCloudPublicKey, PrivateKey: fakecloud.DefaultUCloudPrivateKey, HTTP: httpc,
		})
		if err != nil {
			b.Fatal(err)
		}
		for _, latency := range []time.Duration{0, 20 * time.Millisecond} {
			b.Run(fmt.Sprintf("images=%d/latency=%s", n, latency), func(b *testing.B) {
				fc.SetLatency(latency)
				start := fc.UHub.Requests()
				b.ReportAllocs()
				for b.Loop() {
					list, err := c.ListRepoImages(context.Background(), ucloud.ListRepoImagesInput{RepoName: "bench"})
					if err != nil || len(list.Images) != n {
						b.Fatalf("got %d images, err %v", len(list.Images), err)
					}
				}
				b.ReportMetric(float64(fc.UHub.Requests()-start)/float64(b.N), "requests/op")
			})
		}
		srv.Close()
	}
}
