package swr_test

import (
	"context"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
	"github.com/registry-tools/terraform-provider-registry/internal/swr"
)

// TestWalkTagsStopsWhenTheCallerHasEnough: in a 5-page repository a caller
// that has its answer on the first page costs one listing request.
func TestWalkTagsStopsWhenTheCallerHasEnough(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.SWR.GenerateTags("team", "web", 5000)
	c := newClient(t, srv, nil)
	for _, stopAfter := range []int{1, 3} {
		before := fc.SWR.CallCount(fakecloud.SWRCallListTags)
		var pages [][]swr.Tag
		st, err := c.WalkTags(context.Background(), swr.ListTagsInput{Namespace: "team", Repository: "web"}, func(page []swr.Tag) bool {
			pages = append(pages, page)
			return len(pages) < stopAfter
		})
		if err != nil {
			t.Fatal(err)
		}
		got := fc.SWR.CallCount(fakecloud.SWRCallListTags) - before
		if len(pages) != stopAfter || st.Requests != stopAfter || got != int64(stopAfter) || st.Seen != 1000*stopAfter || st.Total != 5000 {
			t.Fatalf("stop after %d: %d pages, stats %+v, %d requests at the fake", stopAfter, len(pages), st, got)
		}
		if pages[0][0].Tag != "v4999.0.0" || len(pages[0]) != 1000 {
			t.Fatalf("first page starts with %s (%d tags); want the newest, v4999.0.0, in a page of 1000", pages[0][0].Tag, len(pages[0]))
		}
	}
}

func TestWalkTagsReadsToTheEnd(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.SWR.GenerateTags("team", "web", 2500)
	c := newClient(t, srv, nil)
	var walked []string
	st, err := c.WalkTags(context.Background(), swr.ListTagsInput{Namespace: "team", Repository: "web"}, func(page []swr.Tag) bool {
		for _, tag := range page {
			walked = append(walked, tag.Tag)
		}
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	list, err := c.ListTags(context.Background(), swr.ListTagsInput{Namespace: "team", Repository: "web"})
	if err != nil {
		t.Fatal(err)
	}
	if st.Requests != 3 || st.Seen != 2500 || len(walked) != len(list.Tags) {
		t.Fatalf("stats %+v, %d walked; want 3 requests and all 2500", st, len(walked))
	}
	for i := range walked {
		if walked[i] != list.Tags[i].Tag {
			t.Fatalf("tag %d: walked %s, listed %s; want the same service order", i, walked[i], list.Tags[i].Tag)
		}
	}
}

// TestWalkTagsCatchesAPushMidWalk shows on the fake what API-NOTES says of
// the real service: a push of an existing tag between two pages shifts the
// listing so that a tag comes again (the two-pages check), a new or deleted
// tag changes the total; neither passes as a silent gap.
func TestWalkTagsCatchesAPushMidWalk(t *testing.T) {
	cases := map[string]struct {
		change func(*fakecloud.SWR)
		want   string
	}{
		"an old tag pushed again": {func(s *fakecloud.SWR) { s.PushTag("team", "web", "v10.0.0", time.Now()) }, "arrived on two pages"},
		"a new tag":               {func(s *fakecloud.SWR) { s.PushTag("team", "web", "hotfix", time.Now()) }, "total changed from 3000 to 3001"},
		"a tag deleted":           {func(s *fakecloud.SWR) { s.DeleteTag("team", "web", "v10.0.0") }, "total changed from 3000 to 2999"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			fc, srv := fakecloud.Start(t)
			fc.SWR.GenerateTags("team", "web", 3000)
			c := newClient(t, srv, nil)
			pages := 0
			_, err := c.WalkTags(context.Background(), swr.ListTagsInput{Namespace: "team", Repository: "web"}, func([]swr.Tag) bool {
				pages++
				if pages == 1 {
					tc.change(fc.SWR)
				}
				return true
			})
			e, ok := apierror.As(err)
			if !ok || e.Kind != apierror.KindInconsistent || e.Call != "ListRepositoryTags" || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "run again") {
				t.Fatalf("got %v; want an inconsistency of ListRepositoryTags saying %q and to run again", err, tc.want)
			}
		})
	}
}

// TestOpenTagsReadsWhatListTagsReads: the stream hands over the same tags
// in the same order as ListTags returns them, in as many requests.
func TestOpenTagsReadsWhatListTagsReads(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.SWR.GenerateMixedTags("team", "web", 3500, 10)
	c := newClient(t, srv, nil)
	ctx := context.Background()
	in := swr.ListTagsInput{Namespace: "team", Repository: "web", IncludeManifest: true}
	list, err := c.ListTags(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.OpenTags(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var streamed []swr.Tag
	for {
		page, err := s.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		streamed = append(streamed, page...)
	}
	if s.Total() != 3500 || s.Requests() != list.Requests || !reflect.DeepEqual(streamed, list.Tags) {
		t.Fatalf("total %d, %d requests, %d tags; want ListTags' 3500 tags in %d requests, equal", s.Total(), s.Requests(), len(streamed), list.Requests)
	}
}
