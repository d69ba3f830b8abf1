package provider

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
	"github.com/registry-tools/terraform-provider-registry/internal/swr"
)

// BenchmarkSWRTagsReadToState is the provider's whole share of a plan over
// 10,000 tags: the gRPC-level ReadDataSource, from the config Terraform
// sends to the msgpack state it gets back, with the fake at no latency.
func BenchmarkSWRTagsReadToState(b *testing.B) {
	benchSWRTagsReadToState(b, 10000, 0)
}

// benchSWRTagsReadToState reads a repository of n tags, every indexEvery-th
// a multi-platform index (none when 0), through ReadDataSource.
func benchSWRTagsReadToState(b *testing.B, n, indexEvery int) {
	fc := fakecloud.New()
	fc.SWR.GenerateMixedTags("bench", "web", n, indexEvery)
	srv := httptest.NewServer(fc)
	defer srv.Close()

	h := newHarness(b, context.Background(), NewServer("bench", WithGetenv(noEnv)))
	h.configure(map[string]tftypes.Value{"swr": h.fakeBlocks(srv.URL)["swr"]})
	config := h.dataSourceConfig("registry_swr_tags", map[string]tftypes.Value{
		"namespace":  tfString("bench"),
		"repository": tfString("web"),
	})
	b.ReportAllocs()
	for b.Loop() {
		if resp := h.read("registry_swr_tags", config); len(resp.Diagnostics) > 0 {
			b.Fatalf("read: %v", diagnosticsText(resp.Diagnostics))
		}
	}
}

// BenchmarkSWRTagsEncode is the field tables' share of the above: 10,000
// tags, already listed and sorted, written as state.
func BenchmarkSWRTagsEncode(b *testing.B) {
	ctx := context.Background()
	s := swrTagsState{
		namespace: types.StringValue("bench"), repository: types.StringValue("web"),
		tag: types.StringNull(), tagRegex: types.StringNull(), includeManifest: types.BoolNull(),
		timeouts: nullTimeouts(), total: 10000, tags: swrTagList{held: benchSWRTags(10000)},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, diags := encodeState(ctx, swrTagsTable, &s, len(s.tags.held)*700, nil); diags.HasError() {
			b.Fatal(diags)
		}
	}
}

// benchSWRTags are n tags as the client returns them, without manifests.
func benchSWRTags(n int) []swr.Tag {
	tags := make([]swr.Tag, n)
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range tags {
		name := fmt.Sprintf("v1.%d", i)
		tags[i] = swr.Tag{
			ID: int64(i), RepoID: 7, Tag: name, Schema: 2, Size: 1234567, DomainID: "domain",
			ImageID: fmt.Sprintf("sha256:%064x", i), Digest: fmt.Sprintf("sha256:%064x", i+1),
			Path: "swr.cn-north-4.myhuaweicloud.com/bench/web:" + name, InternalPath: "10.0.0.1:20202/bench/web:" + name,
			Created: t0.Add(time.Duration(i) * time.Minute), Updated: t0.Add(time.Duration(i) * time.Minute),
		}
	}
	return tags
}

// BenchmarkSWRTagsReadToState50k is BenchmarkSWRTagsReadToState over the
// repository of make bench's 50,000-tag plan: realistic manifests, every
// tenth tag a multi-platform index.
func BenchmarkSWRTagsReadToState50k(b *testing.B) {
	benchSWRTagsReadToState(b, 50000, 10)
}
