package swr_test

import (
	"context"
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
