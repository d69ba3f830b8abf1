package swr_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
	"github.com/registry-tools/terraform-provider-registry/internal/swr"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
)

func newClient(t *testing.T, srv *httptest.Server, mutate func(*swr.Config)) *swr.Client {
	t.Helper()
	httpc, err := transport.New(transport.Config{RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	cfg := swr.Config{
		Endpoint: srv.URL, IAMEndpoint: srv.URL, Region: fakecloud.DefaultSWRRegion,
		AccessKey: fakecloud.DefaultSWRAccessKey, SecretKey: fakecloud.DefaultSWRSecretKey, HTTP: httpc,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	c, err := swr.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestListTagsExhaustsPagesWithFewestRequests(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.SWR.GenerateTags("team", "apps/web", 2500)
	c := newClient(t, srv, nil)

	list, err := c.ListTags(context.Background(), swr.ListTagsInput{Namespace: "team", Repository: "apps/web"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Tags) != 2500 || list.Total != 2500 {
		t.Fatalf("got %d tags, total %d; want 2500", len(list.Tags), list.Total)
	}
	if list.Requests != 3 {
		t.Fatalf("%d tag requests, want 3 (pages of 1000)", list.Requests)
	}
	seen := map[string]bool{}
	for _, tag := range list.Tags {
		seen[tag.Tag] = true
		if tag.Manifest != "" {
			t.Fatalf("tag %s carries a manifest that was not asked for", tag.Tag)
		}
	}
	for i := range 2500 {
		if !seen[fmt.Sprintf("v%d.0.0", i)] {
			t.Fatalf("tag v%d.0.0 missing", i)
		}
	}
	// One IAM lookup for the project, then cached.
	before := fc.SWR.Requests()
	if _, err := c.ListTags(context.Background(), swr.ListTagsInput{Namespace: "team", Repository: "apps/web"}); err != nil {
		t.Fatal(err)
	}
	if got := fc.SWR.Requests() - before; got != 3 {
		t.Fatalf("second listing made %d requests, want 3 (project ID cached)", got)
	}
}

// TestListTagsReadsNewestFirst: the listing asks for the one order the v2
// API documents (the fake refuses any other column with a 400) and keeps
// the service's order, newest first across pages.
func TestListTagsReadsNewestFirst(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.SWR.GenerateTags("team", "web", 2500)
	list, err := newClient(t, srv, nil).ListTags(context.Background(), swr.ListTagsInput{Namespace: "team", Repository: "web"})
	if err != nil {
		t.Fatal(err)
	}
	if list.Tags[0].Tag != "v2499.0.0" {
		t.Fatalf("first tag %s, want the newest, v2499.0.0", list.Tags[0].Tag)
	}
	for i := 1; i < len(list.Tags); i++ {
		if list.Tags[i].Updated.After(list.Tags[i-1].Updated) {
			t.Fatalf("tag %d (%s, %s) is newer than the one before it (%s, %s)", i,
				list.Tags[i].Tag, list.Tags[i].Updated, list.Tags[i-1].Tag, list.Tags[i-1].Updated)
		}
	}
}

func TestListTagsAuthModes(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.SWR.GenerateTags("team", "web", 3)
	cases := map[string]func(*swr.Config){
		"given project id": func(c *swr.Config) { c.ProjectID = fakecloud.DefaultSWRProjectID },
		"temporary keys": func(c *swr.Config) {
			c.AccessKey, c.SecretKey, c.SecurityToken = fakecloud.TemporarySWRAccessKey, fakecloud.TemporarySWRSecretKey, fakecloud.TemporarySWRToken
		},
		"iam token": func(c *swr.Config) { c.AccessKey, c.SecretKey, c.AuthToken = "", "", fakecloud.DefaultSWRAuthToken },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			list, err := newClient(t, srv, mutate).ListTags(context.Background(), swr.ListTagsInput{Namespace: "team", Repository: "web", IncludeManifest: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(list.Tags) != 3 || list.Tags[0].Manifest == "" {
				t.Fatalf("got %d tags (manifest %q)", len(list.Tags), list.Tags[0].Manifest)
			}
		})
	}
}

func TestListTagsErrors(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.SWR.GenerateTags("team", "web", 3)
	cases := []struct {
		name   string
		mutate func(*swr.Config)
		in     swr.ListTagsInput
		status int
		code   string
		kind   apierror.Kind
	}{
		{"wrong secret key", func(c *swr.Config) { c.SecretKey = "wrong" }, swr.ListTagsInput{Namespace: "team", Repository: "web"}, 401, "APIGW.0301", apierror.KindAuth},
		{"missing repository", nil, swr.ListTagsInput{Namespace: "team", Repository: "nope"}, 404, "SVCSTG.SWR.4040010", apierror.KindNotFound},
		{"missing namespace", nil, swr.ListTagsInput{Namespace: "nobody", Repository: "web"}, 404, "SVCSTG.SWR.4040009", apierror.KindNotFound},
		{"bad token", func(c *swr.Config) { c.AuthToken = "expired" }, swr.ListTagsInput{Namespace: "team", Repository: "web"}, 401, "APIGW.0301", apierror.KindAuth},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := newClient(t, srv, tc.mutate).ListTags(context.Background(), tc.in)
			e, ok := apierror.As(err)
			if !ok {
				t.Fatalf("error %v is not an *apierror.Error", err)
			}
			if e.HTTPStatus != tc.status || e.Code != tc.code || e.Kind != tc.kind || e.RequestID == "" {
				t.Fatalf("got %+v; want status %d code %s kind %d and a request ID", e, tc.status, tc.code, tc.kind)
			}
		})
	}
}

func TestProjectDiscoveryNeedsExactlyOneProject(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	_, err := newClient(t, srv, func(c *swr.Config) { c.Region = "ap-southeast-9" }).ProjectID(context.Background())
	if e, ok := apierror.As(err); !ok || e.Kind != apierror.KindConfig {
		t.Fatalf("unknown region: got %v, want a configuration error", err)
	}
	fc.SWR.AddProject(fakecloud.DefaultSWRRegion, "another")
	_, err = newClient(t, srv, nil).ProjectID(context.Background())
	if err == nil {
		t.Fatal("two projects for one region: want an error")
	}
}

func TestListTagsRetriesThrottling(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.SWR.GenerateTags("team", "web", 1500)
	c := newClient(t, srv, nil)
	fc.SWR.Inject(2, fc.SWR.ThrottleFault(""))
	list, err := c.ListTags(context.Background(), swr.ListTagsInput{Namespace: "team", Repository: "web"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Tags) != 1500 {
		t.Fatalf("got %d tags after throttling, want 1500", len(list.Tags))
	}
}

// TestListTagsHonoursCancellation: against a service that never answers,
// only the deadline can end the listing, so the outcome does not depend on
// how fast the machine is.
func TestListTagsHonoursCancellation(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.SWR.GenerateTags("team", "web", 10)
	fc.SWR.Inject(1, fakecloud.StallFault())
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := newClient(t, srv, func(c *swr.Config) { c.ProjectID = fakecloud.DefaultSWRProjectID }).ListTags(ctx, swr.ListTagsInput{Namespace: "team", Repository: "web"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the context's deadline error", err)
	}
}

// TestListTagsCancelledMidListingReturnsTheCancellation cancels while the
// concurrent page workers wait on a service that never answers (Terraform's
// Ctrl-C): the listing returns the context's error instead of waiting. That
// no worker outlives the listing is the pager's promise (it returns only
// once every fetch has returned), checked in package pager without looking
// at goroutines or clocks.
func TestListTagsCancelledMidListingReturnsTheCancellation(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.SWR.GenerateTags("team", "web", 5000)
	c := newClient(t, srv, func(c *swr.Config) { c.ProjectID = fakecloud.DefaultSWRProjectID })

	stalled := make(chan struct{}, 8)
	fc.SWR.Inject(1, func(http.ResponseWriter, *http.Request) bool { return false }) // the first page passes
	fc.SWR.Inject(4, func(_ http.ResponseWriter, r *http.Request) bool {
		stalled <- struct{}{}
		<-r.Context().Done()
		return true
	})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-stalled // a worker is waiting on the service
		cancel()
	}()
	list, err := c.ListTags(ctx, swr.ListTagsInput{Namespace: "team", Repository: "web"})
	if !errors.Is(err, context.Canceled) || list != nil {
		t.Fatalf("got %v, %v; want no list and context.Canceled", list, err)
	}
}
