package ucloud_test

import (
	"context"
	"testing"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
	"github.com/registry-tools/terraform-provider-registry/internal/testwait"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
	"github.com/registry-tools/terraform-provider-registry/internal/ucloud"
)

// TestIdenticalListingsShare: two listings of one image in flight at once
// send one GetImageTag (the signed form differs in nothing but is compared
// before signing); the same listing in another project is a request of its
// own. The fake's count of GetImageTag proves it.
func TestIdenticalListingsShare(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.UHub.GenerateImageTags("team", "web", 10)
	fc.UHub.AddProject("org-other")
	joins := make(chan int, 100)
	httpc, err := transport.New(transport.Config{RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond,
		Joined: func(w int) { joins <- w }})
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, srv.URL, func(cfg *ucloud.Config) { cfg.HTTP, cfg.ProjectID = httpc, fakecloud.DefaultUCloudProjectID })
	arrived, release := make(chan struct{}, 10), make(chan struct{})
	fc.UHub.Inject(1, fakecloud.HoldFault(arrived, release))

	type listed struct {
		n   int
		err error
	}
	list := func(project string) <-chan listed {
		out := make(chan listed, 1)
		go func() {
			l, err := c.ListImageTags(context.Background(), ucloud.ListImageTagsInput{RepoName: "team", ImageName: "web", ProjectID: project})
			if err != nil {
				out <- listed{err: err}
				return
			}
			out <- listed{n: len(l.Tags)}
		}()
		return out
	}
	first := list("")
	testwait.Receive(t, "the first listing to join", joins)
	testwait.Receive(t, "the first request", arrived)
	second := list("")
	if w := testwait.Receive(t, "the second listing to join", joins); w != 2 {
		t.Fatalf("the identical listing joined with %d waiting, want 2", w)
	}
	other := list("org-other")
	if w := testwait.Receive(t, "the other project's listing to join", joins); w != 1 {
		t.Fatalf("the other project's listing joined with %d waiting; want a request of its own", w)
	}
	if r := testwait.Receive(t, "the other project's listing", other); r.err != nil || r.n != 10 {
		t.Fatalf("other project: %+v; want 10 tags", r)
	}
	close(release)
	for _, ch := range []<-chan listed{first, second} {
		if r := testwait.Receive(t, "a listing", ch); r.err != nil || r.n != 10 {
			t.Fatalf("%+v; want 10 tags", r)
		}
	}
	if got := fc.UHub.CallCount("GetImageTag"); got != 2 {
		t.Fatalf("%d GetImageTag, want 2: one shared, one for the other project", got)
	}
}
