package swr_test

import (
	"context"
	"testing"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
	"github.com/registry-tools/terraform-provider-registry/internal/swr"
	"github.com/registry-tools/terraform-provider-registry/internal/testwait"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
)

// sharedTransport is a fast-retrying transport whose Joined hook reports
// how many callers wait on each request a caller is registered on.
func sharedTransport(t *testing.T) (*transport.Client, chan int) {
	t.Helper()
	joins := make(chan int, 100)
	httpc, err := transport.New(transport.Config{RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond,
		Joined: func(w int) { joins <- w }})
	if err != nil {
		t.Fatal(err)
	}
	return httpc, joins
}

// TestWalksWithDifferentFiltersSharePages: three lookups of one repository
// in flight at once, each with its own idea of when to stop (newest, a
// pattern, a version), send the first page once: the fake's count of
// ListRepositoryTags proves it.
func TestWalksWithDifferentFiltersSharePages(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.SWR.GenerateTags("team", "apps/web", 2500)
	httpc, joins := sharedTransport(t)
	c := newClient(t, srv, func(cfg *swr.Config) { cfg.HTTP, cfg.ProjectID = httpc, fakecloud.DefaultSWRProjectID })
	arrived, release := make(chan struct{}, 10), make(chan struct{})
	fc.SWR.Inject(1, fakecloud.HoldFault(arrived, release))

	stops := []func(swr.Tag) bool{
		func(swr.Tag) bool { return true },                             // the newest
		func(t swr.Tag) bool { return t.Tag == "v2100.0.0" },           // a pattern
		func(t swr.Tag) bool { return len(t.Tag) == len("v2400.0.0") }, // a version
	}
	type walked struct {
		found string
		st    swr.WalkStats
		err   error
	}
	results := make(chan walked, len(stops))
	for i, stop := range stops {
		go func() {
			var found string
			st, err := c.WalkTags(context.Background(), swr.ListTagsInput{Namespace: "team", Repository: "apps/web"}, func(page []swr.Tag) bool {
				for _, tag := range page {
					if stop(tag) {
						found = tag.Tag
						return false
					}
				}
				return true
			})
			results <- walked{found, st, err}
		}()
		if w := testwait.Receive(t, "a lookup to join", joins); w != i+1 {
			t.Fatalf("lookup %d joined with %d waiting, want %d", i+1, w, i+1)
		}
	}
	testwait.Receive(t, "the first page request", arrived)
	close(release)
	for range stops {
		if r := testwait.Receive(t, "a lookup", results); r.err != nil || r.found == "" || r.st.Seen != 1000 {
			t.Fatalf("lookup: %+v; want a tag found on the first page of 1000", r)
		}
	}
	if got := fc.SWR.CallCount(fakecloud.SWRCallListTags); got != 1 {
		t.Fatalf("%d ListRepositoryTags, want 1 shared by the three lookups", got)
	}
}

// TestSharedPageIsDecodedOnceAndListsAreTheCallers: two listings of one
// page in flight at once send one request and share its decoded page
// (transport.Decoded), yet each gets a list of its own: the provider
// filters and sorts a list in place, which must not reach the other.
func TestSharedPageIsDecodedOnceAndListsAreTheCallers(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.SWR.GenerateTags("team", "web", 10)
	httpc, joins := sharedTransport(t)
	c := newClient(t, srv, func(cfg *swr.Config) { cfg.HTTP, cfg.ProjectID = httpc, fakecloud.DefaultSWRProjectID })
	arrived, release := make(chan struct{}, 10), make(chan struct{})
	fc.SWR.Inject(1, fakecloud.HoldFault(arrived, release))
	in := swr.ListTagsInput{Namespace: "team", Repository: "web"}
	type listed struct {
		list *swr.TagList
		err  error
	}
	results := make(chan listed, 2)
	for i := range 2 {
		go func() { l, err := c.ListTags(context.Background(), in); results <- listed{l, err} }()
		if w := testwait.Receive(t, "a listing to join", joins); w != i+1 {
			t.Fatalf("listing %d joined with %d waiting, want %d", i+1, w, i+1)
		}
	}
	testwait.Receive(t, "the page request", arrived)
	close(release)
	a, b := testwait.Receive(t, "a listing", results), testwait.Receive(t, "a listing", results)
	if a.err != nil || b.err != nil || len(a.list.Tags) != 10 || len(b.list.Tags) != 10 {
		t.Fatalf("listings: %+v, %+v; want 10 tags each", a, b)
	}
	if got := fc.SWR.CallCount(fakecloud.SWRCallListTags); got != 1 {
		t.Fatalf("%d ListRepositoryTags, want 1 shared by the two listings", got)
	}
	want := b.list.Tags[0].Tag
	clear(a.list.Tags) // what filtering a list in place does to it, at worst
	if b.list.Tags[0].Tag != want {
		t.Fatalf("clearing one caller's list changed the other's: tag %q, want %q", b.list.Tags[0].Tag, want)
	}
}

// TestOtherCredentialsNeverShare: the same listing asked with two
// credentials at once is two requests.
func TestOtherCredentialsNeverShare(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.SWR.GenerateTags("team", "web", 10)
	httpc, joins := sharedTransport(t)
	withProject := func(cfg *swr.Config) { cfg.HTTP, cfg.ProjectID = httpc, fakecloud.DefaultSWRProjectID }
	permanent := newClient(t, srv, withProject)
	temporary := newClient(t, srv, func(cfg *swr.Config) {
		withProject(cfg)
		cfg.AccessKey, cfg.SecretKey, cfg.SecurityToken = fakecloud.TemporarySWRAccessKey, fakecloud.TemporarySWRSecretKey, fakecloud.TemporarySWRToken
	})
	arrived, release := make(chan struct{}, 10), make(chan struct{})
	fc.SWR.Inject(1, fakecloud.HoldFault(arrived, release))
	in := swr.ListTagsInput{Namespace: "team", Repository: "web"}
	first := make(chan error, 1)
	go func() { _, err := permanent.ListTags(context.Background(), in); first <- err }()
	testwait.Receive(t, "the first caller to join", joins)
	testwait.Receive(t, "the first request", arrived)
	second := make(chan error, 1)
	go func() { _, err := temporary.ListTags(context.Background(), in); second <- err }()
	if w := testwait.Receive(t, "the second caller to join", joins); w != 1 {
		t.Fatalf("the temporary credentials joined a request with %d waiting; want one of their own", w)
	}
	if err := testwait.Receive(t, "the temporary credentials' listing", second); err != nil {
		t.Fatal(err)
	}
	close(release)
	if err := testwait.Receive(t, "the first listing", first); err != nil {
		t.Fatal(err)
	}
	if got := fc.SWR.CallCount(fakecloud.SWRCallListTags); got != 2 {
		t.Fatalf("%d ListRepositoryTags, want 2: one per credential", got)
	}
}

// TestLaterReadSeesPush: nothing is kept once an answer is out, so a read
// after a push (as a data source that depends on a pushing resource makes)
// asks again and sees it.
func TestLaterReadSeesPush(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.SWR.GenerateTags("team", "web", 10)
	httpc, _ := sharedTransport(t)
	c := newClient(t, srv, func(cfg *swr.Config) { cfg.HTTP, cfg.ProjectID = httpc, fakecloud.DefaultSWRProjectID })
	in := swr.ListTagsInput{Namespace: "team", Repository: "web"}
	if l, err := c.ListTags(context.Background(), in); err != nil || len(l.Tags) != 10 {
		t.Fatalf("before the push: %v", err)
	}
	fc.SWR.PushTag("team", "web", "v99.0.0", time.Now())
	l, err := c.ListTags(context.Background(), in)
	if err != nil || len(l.Tags) != 11 || l.Tags[0].Tag != "v99.0.0" {
		t.Fatalf("after the push: %v; want the pushed tag first of 11", err)
	}
	if got := fc.SWR.CallCount(fakecloud.SWRCallListTags); got != 2 {
		t.Fatalf("%d ListRepositoryTags, want 2", got)
	}
}
