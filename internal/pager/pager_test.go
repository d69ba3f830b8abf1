package pager

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
)

func TestRestKeepsPageOrderWithinTheConcurrencyLimit(t *testing.T) {
	var running, peak atomic.Int32
	items, err := Rest(context.Background(), 20, 3, func(_ context.Context, i int) ([]string, error) {
		n := running.Add(1)
		defer running.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		return []string{fmt.Sprint(i, "a"), fmt.Sprint(i, "b")}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 40 || items[0] != "0a" || items[1] != "0b" || items[39] != "19b" {
		t.Fatalf("items out of page order: %v", items)
	}
	if peak.Load() > 3 {
		t.Fatalf("%d fetches at once, limit 3", peak.Load())
	}
}

func TestRestStopsOnTheFirstError(t *testing.T) {
	boom := errors.New("page 2 failed")
	_, err := Rest(context.Background(), 5, 1, func(ctx context.Context, i int) ([]int, error) {
		if i == 2 {
			return nil, boom
		}
		return []int{i}, ctx.Err()
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want the page's error", err)
	}
}

func TestRestReturnsTheCallersCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	_, err := Rest(ctx, 3, 2, func(ctx context.Context, _ int) ([]int, error) {
		cancel()
		<-ctx.Done()
		return nil, errors.New("transport saw a cancelled request")
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

func TestDuplicate(t *testing.T) {
	key := func(s *string) string { return *s }
	if k, dup := Duplicate([]string{"a", "b", "c", "b"}, key); !dup || k != "b" {
		t.Fatalf("got %q, %v; want b", k, dup)
	}
	if _, dup := Duplicate([]string{"a", "b"}, key); dup {
		t.Fatal("no duplicate, but one reported")
	}
}
