package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
	"github.com/registry-tools/terraform-provider-registry/internal/swr"
	"github.com/registry-tools/terraform-provider-registry/internal/tagkind"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
)

// listedPages is a listing as swrTagStream reads it, from pages in memory.
type listedPages struct {
	pages [][]swr.Tag
	err   error // returned instead of the page after the last, when set
}

func (l *listedPages) Next(context.Context) ([]swr.Tag, error) {
	if len(l.pages) == 0 {
		if l.err != nil {
			return nil, l.err
		}
		return nil, io.EOF
	}
	p := l.pages[0]
	l.pages = l.pages[1:]
	return p, nil
}

// streamTags runs a swrTagStream over pages (the first given as already
// read, as readState gives it) and returns the tags it wrote and the tag
// latest is.
func streamTags(pages [][]swr.Tag, re *regexp.Regexp) (written []swr.Tag, latest *swr.Tag, s *swrTagStream) {
	var first []swr.Tag
	if len(pages) > 0 {
		first, pages = pages[0], pages[1:]
	}
	s = &swrTagStream{ctx: context.Background(), pages: &listedPages{pages: pages}, first: first, re: re}
	l := swrTagList{stream: s}
	l.each(func(t *swr.Tag) bool { written = append(written, *t); return true })
	return written, l.latest(), s
}

// randomListing is n tags as SWR lists them: by updated time newest first,
// tags of the same time (many: a few distinct times) in random order, names
// that natural order and byte order disagree on, every kind.
func randomListing(r *rand.Rand, n int) []swr.Tag {
	base := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	kinds := []tagkind.Kind{tagkind.Image, tagkind.Index, tagkind.Signature, tagkind.Attestation, tagkind.HelmChart, tagkind.Unknown}
	forms := []string{"v%d.0.0", "v1.%d", "%d", "v0%d", "release-%d", "sha256-%x.sig"}
	tags := make([]swr.Tag, 0, n)
	seen := map[string]bool{}
	for len(tags) < n {
		name := fmt.Sprintf(forms[r.IntN(len(forms))], r.IntN(3*n+1))
		if seen[name] {
			continue
		}
		seen[name] = true
		updated := base.Add(time.Duration(r.IntN(n/4+2)) * time.Second)
		if r.IntN(8) == 0 {
			updated = updated.Add(time.Duration(r.IntN(1000)) * time.Millisecond)
		}
		tags = append(tags, swr.Tag{ID: int64(len(tags)), Tag: name, Updated: updated, Info: tagkind.Info{Kind: kinds[r.IntN(len(kinds))]}})
	}
	r.Shuffle(len(tags), func(i, j int) { tags[i], tags[j] = tags[j], tags[i] })
	slices.SortStableFunc(tags, func(a, b swr.Tag) int { return b.Updated.Compare(a.Updated) }) // ties stay shuffled
	return tags
}

// paged cuts tags into pages of random sizes.
func paged(r *rand.Rand, tags []swr.Tag) [][]swr.Tag {
	var pages [][]swr.Tag
	for len(tags) > 0 {
		n := min(1+r.IntN(40), len(tags))
		pages = append(pages, slices.Clone(tags[:n]))
		tags = tags[n:]
	}
	return pages
}

// TestSWRTagStreamWritesWhatSortingTheWholeListingWrites: over random
// listings full of ties, cut into pages at random, with and without
// tag_regex, the stream writes the tags and latest that filtering and
// sorting the whole listing (the held path, and the one before streaming)
// gives.
func TestSWRTagStreamWritesWhatSortingTheWholeListingWrites(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(21, 2))
	for i := range 500 {
		listing := randomListing(r, r.IntN(200))
		pattern := types.StringNull()
		if i%3 == 1 {
			pattern = types.StringValue(`^v1`)
		}
		var re *regexp.Regexp
		if !pattern.IsNull() {
			re = regexp.MustCompile(pattern.ValueString())
		}
		want := matching(slices.Clone(listing), pattern, func(t *swr.Tag) string { return t.Tag })
		sortTags(want, func(t *swr.Tag) string { return t.Tag }, func(t *swr.Tag) time.Time { return t.Updated })
		wantLatest := (&swrTagList{held: want}).latest()

		got, latest, s := streamTags(paged(r, listing), re)
		if s.err != nil || !s.done {
			t.Fatalf("listing %d: err %v, done %v", i, s.err, s.done)
		}
		if !slices.EqualFunc(got, want, func(a, b swr.Tag) bool { return a.Tag == b.Tag && a.ID == b.ID }) {
			t.Fatalf("listing %d (%d tags, regex %v):\n got %v\nwant %v", i, len(listing), re, names(got), names(want))
		}
		if (latest == nil) != (wantLatest == nil) || (latest != nil && latest.Tag != wantLatest.Tag) {
			t.Fatalf("listing %d: latest %v, want %v", i, latest, wantLatest)
		}
	}
}

func names(tags []swr.Tag) []string {
	out := make([]string, len(tags))
	for i := range tags {
		out[i] = tags[i].Tag
	}
	return out
}

// TestSWRTagStreamRefusesAListingNotNewestFirst: a tag newer than one
// already written, on the same page or a later one, stops the stream with
// errNotNewestFirst (readState then lists again and sorts the whole); a
// tag tag_regex drops is not looked at.
func TestSWRTagStreamRefusesAListingNotNewestFirst(t *testing.T) {
	t.Parallel()
	at := func(name string, sec int) swr.Tag {
		return swr.Tag{Tag: name, Updated: time.Date(2024, 5, 1, 10, 0, sec, 0, time.UTC), Info: tagkind.Info{Kind: tagkind.Image}}
	}
	for name, pages := range map[string][][]swr.Tag{
		"same page":  {{at("a", 5), at("b", 4), at("c", 6)}},
		"next page":  {{at("a", 5), at("b", 4)}, {at("c", 4), at("d", 5)}},
		"in the run": {{at("a", 5), at("b", 5)}, {at("c", 6)}},
	} {
		if _, _, s := streamTags(pages, nil); !errors.Is(s.err, errNotNewestFirst) || s.done {
			t.Errorf("%s: err %v, done %v; want errNotNewestFirst", name, s.err, s.done)
		}
	}
	got, _, s := streamTags([][]swr.Tag{{at("v2", 5), at("x", 6), at("v1", 4)}}, regexp.MustCompile(`^v`))
	if s.err != nil || !slices.Equal(names(got), []string{"v2", "v1"}) {
		t.Fatalf("got %v, %v; want v2, v1: the dropped tag is not looked at", names(got), s.err)
	}
}

// TestSWRTagStreamStopsAtTheListingsError: an error of the listing ends the
// stream with that error, never as done, whatever was written before.
func TestSWRTagStreamStopsAtTheListingsError(t *testing.T) {
	t.Parallel()
	boom := errors.New("page 3: the total changed")
	tag := func(name string) swr.Tag {
		return swr.Tag{Tag: name, Updated: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)}
	}
	s := &swrTagStream{ctx: context.Background(), first: []swr.Tag{tag("a")},
		pages: &listedPages{pages: [][]swr.Tag{{tag("b")}}, err: boom}}
	l := swrTagList{stream: s}
	l.each(func(*swr.Tag) bool { return true })
	if !errors.Is(s.err, boom) || s.done {
		t.Fatalf("err %v, done %v; want the listing's error and not done", s.err, s.done)
	}
}

// TestSWRTagListLatestBeforeTagsIsABug: a streamed list asked for latest
// before its tags were written reports a provider bug instead of null.
func TestSWRTagListLatestBeforeTagsIsABug(t *testing.T) {
	t.Parallel()
	s := &swrTagStream{ctx: context.Background(), pages: &listedPages{}}
	if l := (swrTagList{stream: s}); l.latest() != nil || !errors.Is(s.err, errLatestBeforeTags) {
		t.Fatalf("err %v; want errLatestBeforeTags", s.err)
	}
}

// TestSWRTagsStreamedStateEqualsTheHeldOne: registry_swr_tags read through
// the server (streamed) gives the state that the whole listing, filtered,
// sorted and written at once, gives, over a fake repository of 2,500 tags
// where every third shares its time with another; and when SWR hands over
// a page out of order, the read lists again, holds the listing and still
// gives that state.
func TestSWRTagsStreamedStateEqualsTheHeldOne(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fc := fakecloud.New()
	fc.SWR.GenerateMixedTags("team", "web", 2500, 10)
	var reverse atomic.Int32 // pages at offset 1000 still to serve reversed
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/tags") || r.URL.Query().Get("offset") != "1000" || reverse.Add(-1) < 0 {
			fc.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		fc.ServeHTTP(rec, r)
		var page []json.RawMessage
		if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
			t.Errorf("page at 1000: %v", err)
		}
		slices.Reverse(page)
		body, _ := json.Marshal(page)
		maps.Copy(w.Header(), rec.Header())
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	httpc, err := transport.New(transport.Config{})
	if err != nil {
		t.Fatal(err)
	}
	client, err := swr.New(swr.Config{Endpoint: srv.URL, ProjectID: fakecloud.DefaultSWRProjectID,
		AccessKey: fakecloud.DefaultSWRAccessKey, SecretKey: fakecloud.DefaultSWRSecretKey, HTTP: httpc})
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, ctx, NewServer("test", WithGetenv(noEnv)))
	h.configure(map[string]tftypes.Value{"swr": h.fakeBlocks(srv.URL)["swr"]})
	for _, c := range []struct {
		name     string
		args     map[string]tftypes.Value
		reversed int32
	}{
		{"every tag", nil, 0},
		{"tag_regex", map[string]tftypes.Value{"tag_regex": tfString(`^v1`)}, 0},
		{"with manifests", map[string]tftypes.Value{"include_manifest": tftypes.NewValue(tftypes.Bool, true)}, 0},
		{"a page out of order", nil, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			attrs := map[string]tftypes.Value{"namespace": tfString("team"), "repository": tfString("web")}
			maps.Copy(attrs, c.args)
			config := h.dataSourceConfig("registry_swr_tags", attrs)
			reverse.Store(c.reversed)
			before := fc.SWR.CallCount(fakecloud.SWRCallListTags)
			got := h.readState("registry_swr_tags", config)
			if n, want := fc.SWR.CallCount(fakecloud.SWRCallListTags)-before, int64(3+3*c.reversed); n != want {
				t.Errorf("%d listing requests, want %d", n, want)
			}

			configValue, err := config.Unmarshal(h.dataSourceType("registry_swr_tags"))
			if err != nil {
				t.Fatal(err)
			}
			var s swrTagsState
			if diags := swrTagsTable.DecodeArguments(ctx, configValue, &s); diags.HasError() {
				t.Fatal(diags)
			}
			list, err := client.ListTags(ctx, swr.ListTagsInput{Namespace: "team", Repository: "web", IncludeManifest: s.includeManifest.ValueBool()})
			if err != nil {
				t.Fatal(err)
			}
			held, diags := encodeHeld(ctx, &s, list.Total, list.Tags, nil)
			if diags.HasError() {
				t.Fatal(diags)
			}
			want, err := (&tfprotov6.DynamicValue{MsgPack: held}).Unmarshal(h.dataSourceType("registry_swr_tags"))
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(want) {
				diffs, _ := got.Diff(want)
				t.Fatalf("the streamed state differs from the held one in %d values, first %v", len(diffs), diffs[0])
			}
		})
	}
}
