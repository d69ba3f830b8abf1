package ppio_test

import (
	"context"
	"testing"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
	"github.com/registry-tools/terraform-provider-registry/internal/ppio"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
)

// TestIdenticalListingsShare: two listings with one API key in flight at
// once are one request; the same listing with another key is its own.
func TestIdenticalListingsShare(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.PPIO.GenerateImages(10)
	fc.PPIO.AddAPIKey("second-key")
	joins := make(chan int, 100)
	httpc, err := transport.New(transport.Config{RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond,
		Joined: func(w int) { joins <- w }})
	if err != nil {
		t.Fatal(err)
	}
	one := newClient(t, srv, func(cfg *ppio.Config) { cfg.HTTP = httpc })
	two := newClient(t, srv, func(cfg *ppio.Config) { cfg.HTTP, cfg.APIKey = httpc, "second-key" })
	arrived, release := make(chan struct{}, 10), make(chan struct{})
	fc.PPIO.Inject(1, fakecloud.HoldFault(arrived, release))
	receive := func(what string, ch <-chan error) {
		t.Helper()
		if err := <-ch; err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	wantJoin := func(what string, want int) {
		t.Helper()
		if w := <-joins; w != want {
			t.Fatalf("%s joined with %d waiting, want %d", what, w, want)
		}
	}
	list := func(c *ppio.Client) <-chan error {
		out := make(chan error, 1)
		go func() { _, err := c.ListImages(context.Background(), ppio.ListImagesInput{}); out <- err }()
		return out
	}
	first := list(one)
	wantJoin("the first listing", 1)
	<-arrived
	second := list(one)
	wantJoin("the identical listing", 2)
	other := list(two)
	wantJoin("the other key's listing", 1)
	receive("the other key's listing", other)
	close(release)
	receive("the first listing", first)
	receive("the identical listing", second)
	if got := fc.PPIO.Requests(); got != 2 {
		t.Fatalf("%d requests, want 2: one shared, one for the other key", got)
	}
}
