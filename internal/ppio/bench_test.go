package ppio_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
	"github.com/registry-tools/terraform-provider-registry/internal/ppio"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
)

// BenchmarkListImages lists every image against the fake at 0 and 20 ms of
// latency; the fake caps pages at 50 and cursors are sequential, so
// requests/op should be ceil(N / 50), one after another.
func BenchmarkListImages(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		fc := fakecloud.New()
		fc.PPIO.GenerateImages(n)
		srv := httptest.NewServer(fc)
		httpc, err := transport.New(transport.Config{})
		if err != nil {
			b.Fatal(err)
		}
		c, err := ppio.New(ppio.Config{Endpoint: srv.URL, APIKey: fakecloud.DefaultPPIOAPIKey, HTTP: httpc})
		if err != nil {
			b.Fatal(err)
		}
		for _, latency := range []time.Duration{0, 20 * time.Millisecond} {
			b.Run(fmt.Sprintf("images=%d/latency=%s", n, latency), func(b *testing.B) {
				fc.SetLatency(latency)
				start := fc.PPIO.Requests()
				b.ReportAllocs()
				for b.Loop() {
					list, err := c.ListImages(context.Background(), ppio.ListImagesInput{})
					if err != nil || len(list.Images) != n {
						b.Fatalf("got %d images, err %v", len(list.Images), err)
					}
				}
				b.ReportMetric(float64(fc.PPIO.Requests()-start)/float64(b.N), "requests/op")
			})
		}
		srv.Close()
	}
}
