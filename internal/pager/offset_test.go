package pager

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
)

// service is an offset-paged API over items, serving at most maxPage per page.
type service struct {
	items      []string
	maxPage    int
	noTotal    bool             // announce no total
	total      map[int]int      // offset -> total announced instead of len(items)
	page       map[int][]string // offset -> items served instead
	ignoresOff bool             // serves the first page whatever the offset

	mu       sync.Mutex
	requests [][2]int // (offset, limit)
}

func newService(n, maxPage int) *service {
	s := &service{maxPage: maxPage, total: map[int]int{}, page: map[int][]string{}}
	for i := range n {
		s.items = append(s.items, fmt.Sprintf("item-%d", i))
	}
	return s
}

func (s *service) fetch(ctx context.Context, offset, limit int) (Page[string, int], error) {
	if err := ctx.Err(); err != nil {
		return Page[string, int]{}, fmt.Errorf("request at %d: %w", offset, err)
	}
	s.mu.Lock()
	s.requests = append(s.requests, [2]int{offset, limit})
	s.mu.Unlock()
	from := offset
	if s.ignoresOff {
		from = 0
	}
	n := min(limit, s.maxPage)
	items := s.items[min(from, len(s.items)):min(from+n, len(s.items))]
	if p, ok := s.page[offset]; ok {
		items = p
	}
	total := len(s.items)
	if t, ok := s.total[offset]; ok {
		total = t
	}
	if s.noTotal {
		total = -1
	}
	return Page[string, int]{Items: slices.Clone(items), Total: total, Meta: offset}, nil
}

// The errors the caller builds; Meta is the offset of the page.
type (
	errTotalChanged struct{ from, to, offset int }
	errIncomplete   struct{ promised, arrived, offset int }
	errDuplicate    struct{ key string }
)

func (e errTotalChanged) Error() string { return fmt.Sprintf("total %d -> %d", e.from, e.to) }
func (e errIncomplete) Error() string {
	return fmt.Sprintf("promised %d got %d", e.promised, e.arrived)
}
func (e errDuplicate) Error() string { return "duplicate " + e.key }

func (s *service) offset(pageSize int) *Offset[string, int] {
	return &Offset[string, int]{
		PageSize: pageSize, Concurrency: 3, Fetch: s.fetch,
		Key:          func(s *string) string { return *s },
		TotalChanged: func(from, to, off int) error { return errTotalChanged{from, to, off} },
		Incomplete:   func(p, a, off int) error { return errIncomplete{p, a, off} },
		Duplicate:    func(k string) error { return errDuplicate{k} },
	}
}

func TestOffsetListAndWalkToTheEnd(t *testing.T) {
	cases := []struct {
		name     string
		svc      func() *service
		pageSize int
		wantErr  error // nil: every item, in order
		requests [][2]int
		total    int
	}{
		{name: "full pages", svc: func() *service { return newService(2500, 1000) }, pageSize: 1000,
			requests: [][2]int{{0, 1000}, {1000, 1000}, {2000, 1000}}, total: 2500},
		{name: "one page holds all", svc: func() *service { return newService(3, 1000) }, pageSize: 1000,
			requests: [][2]int{{0, 1000}}, total: 3},
		{name: "empty listing", svc: func() *service { return newService(0, 1000) }, pageSize: 1000,
			requests: [][2]int{{0, 1000}}, total: 0},
		{name: "capped first page: steps by what came", svc: func() *service { return newService(250, 100) }, pageSize: 1000,
			requests: [][2]int{{0, 1000}, {100, 100}, {200, 100}}, total: 250},
		{name: "total changes on a later page", svc: func() *service {
			s := newService(2500, 1000)
			s.total[1000] = 2507
			return s
		}, pageSize: 1000, wantErr: errTotalChanged{2500, 2507, 1000}},
		{name: "total promises more than arrives", svc: func() *service {
			s := newService(2500, 1000)
			for _, off := range []int{0, 1000, 2000} {
				s.total[off] = 3000
			}
			return s
		}, pageSize: 1000, wantErr: errIncomplete{3000, 2500, 0}},
		{name: "a page short in the middle", svc: func() *service {
			s := newService(2500, 1000)
			s.page[1000] = s.items[1000:1990]
			return s
		}, pageSize: 1000, wantErr: errIncomplete{2500, 2490, 0}},
		{name: "first page empty though a total is promised", svc: func() *service {
			s := newService(0, 1000)
			s.total[0] = 5
			return s
		}, pageSize: 1000, wantErr: errIncomplete{5, 0, 0}},
		{name: "an item on two pages (a push shifted the listing)", svc: func() *service {
			s := newService(2500, 1000)
			s.page[1000] = s.items[999:1999]
			return s
		}, pageSize: 1000, wantErr: errDuplicate{"item-999"}},
		{name: "no total: reads on until an empty page", svc: func() *service {
			s := newService(2500, 1000)
			s.noTotal = true
			return s
		}, pageSize: 1000, requests: [][2]int{{0, 1000}, {1000, 1000}, {2000, 1000}, {3000, 1000}}, total: 2500},
		{name: "no total, capped first page", svc: func() *service {
			s := newService(250, 100)
			s.noTotal = true
			return s
		}, pageSize: 1000, requests: [][2]int{{0, 1000}, {100, 100}, {200, 100}, {300, 100}}, total: 250},
		{name: "no total and the offset ignored: stops at the repeat", svc: func() *service {
			s := newService(2500, 1000)
			s.noTotal = true
			s.ignoresOff = true
			return s
		}, pageSize: 1000, wantErr: errDuplicate{"item-0"}},
	}
	for _, tc := range cases {
		for _, mode := range []string{"List", "Walk", "Stream"} {
			t.Run(tc.name+"/"+mode, func(t *testing.T) {
				svc := tc.svc()
				o := svc.offset(tc.pageSize)
				var got []string
				var st Stats
				var err error
				switch mode {
				case "List":
					got, st, err = o.List(context.Background())
				case "Stream":
					got, st, err = drain(context.Background(), o)
				default:
					st, err = o.Walk(context.Background(), func(items []string) bool { got = append(got, items...); return true })
				}
				if tc.wantErr != nil {
					if err == nil || !errors.Is(err, tc.wantErr) {
						t.Fatalf("got %v, want %v", err, tc.wantErr)
					}
					if mode == "List" && got != nil {
						t.Fatalf("a failed listing returned %d items", len(got))
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, svc.items) {
					t.Fatalf("got %d items, want the service's %d in order", len(got), len(svc.items))
				}
				if st.Requests != len(tc.requests) || st.Seen != len(svc.items) {
					t.Fatalf("stats %+v; want %d requests, %d seen", st, len(tc.requests), len(svc.items))
				}
				if mode != "Walk" && st.Total != tc.total {
					t.Fatalf("total %d, want %d", st.Total, tc.total)
				}
				reqs := slices.Clone(svc.requests)
				slices.SortFunc(reqs, func(a, b [2]int) int { return a[0] - b[0] })
				if !slices.Equal(reqs, tc.requests) {
					t.Fatalf("requests (offset, limit) %v, want %v", reqs, tc.requests)
				}
			})
		}
	}
}

// TestOffsetTotalAppearingLater: a first page without a total and a later
// one with it is a change of total, reported from "none" (negative).
func TestOffsetTotalAppearingLater(t *testing.T) {
	svc := newService(2500, 1000)
	o := svc.offset(1000)
	inner := o.Fetch
	o.Fetch = func(ctx context.Context, offset, limit int) (Page[string, int], error) {
		p, err := inner(ctx, offset, limit)
		if offset == 0 {
			p.Total = -1
		}
		return p, err
	}
	_, _, err := o.List(context.Background())
	var tc errTotalChanged
	if !errors.As(err, &tc) || tc.from >= 0 || tc.to != 2500 || tc.offset != 1000 {
		t.Fatalf("got %v, want a total change from none to 2500 at offset 1000", err)
	}
}

func TestOffsetWalkStopsWhenVisitSaysSo(t *testing.T) {
	svc := newService(5000, 1000)
	var pages int
	st, err := svc.offset(1000).Walk(context.Background(), func([]string) bool { pages++; return pages < 2 })
	if err != nil {
		t.Fatal(err)
	}
	if pages != 2 || st.Requests != 2 || st.Seen != 2000 || st.Total != 5000 {
		t.Fatalf("visited %d pages, stats %+v; want 2 pages, 2 requests, 2000 seen of 5000", pages, st)
	}
	if len(svc.requests) != 2 {
		t.Fatalf("%d requests reached the service, want 2", len(svc.requests))
	}
}

// TestOffsetWalkChecksOnlyWhatItRead: stopping before the end is not an
// incomplete listing, but a total that changed on a page read is an error.
func TestOffsetWalkChecksOnlyWhatItRead(t *testing.T) {
	svc := newService(5000, 1000)
	svc.total[3000] = 4999 // never read
	if _, err := svc.offset(1000).Walk(context.Background(), func([]string) bool { return false }); err != nil {
		t.Fatalf("stopped after page 1: %v", err)
	}
	svc.total[1000] = 5001
	_, err := svc.offset(1000).Walk(context.Background(), func([]string) bool { return true })
	if !errors.Is(err, errTotalChanged{5000, 5001, 1000}) {
		t.Fatalf("got %v, want the total change on page 2", err)
	}
}

// TestListingCancelledReturnsTheCallersError: cancelled while fetches
// wait, List and a Stream return the caller's error, and only once every
// fetch they started has returned: nothing of the listing outlives them.
func TestListingCancelledReturnsTheCallersError(t *testing.T) {
	lists := map[string]func(context.Context, *Offset[string, int]) ([]string, Stats, error){
		"List":   func(ctx context.Context, o *Offset[string, int]) ([]string, Stats, error) { return o.List(ctx) },
		"Stream": drain,
	}
	for name, list := range lists {
		t.Run(name, func(t *testing.T) {
			svc := newService(5000, 1000)
			o := svc.offset(1000)
			ctx, cancel := context.WithCancel(context.Background())
			inner := o.Fetch
			var started, returned atomic.Int32
			o.Fetch = func(fctx context.Context, offset, limit int) (Page[string, int], error) {
				if offset == 0 {
					return inner(fctx, offset, limit)
				}
				started.Add(1)
				defer returned.Add(1)
				cancel()
				<-fctx.Done()
				return Page[string, int]{}, errors.New("transport saw a cancelled request")
			}
			items, _, err := list(ctx, o)
			if !errors.Is(err, context.Canceled) || items != nil {
				t.Fatalf("got %d items, %v; want no items and context.Canceled", len(items), err)
			}
			if s, r := started.Load(), returned.Load(); s == 0 || s != r {
				t.Fatalf("%d fetches started, %d returned when the listing returned; want all of them", s, r)
			}
		})
	}
}

func TestOffsetWalkCancelledStopsReading(t *testing.T) {
	svc := newService(5000, 1000)
	ctx, cancel := context.WithCancel(context.Background())
	st, err := svc.offset(1000).Walk(ctx, func([]string) bool { cancel(); return true })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if len(svc.requests) != 1 || st.Seen != 1000 {
		t.Fatalf("%d requests reached the service after the cancel (stats %+v), want only the first", len(svc.requests), st)
	}
}

// drain reads a Stream to its end as List would return it: every item,
// or nil and the error.
func drain(ctx context.Context, o *Offset[string, int]) ([]string, Stats, error) {
	s, err := o.Open(ctx)
	if err != nil {
		return nil, Stats{Requests: 1}, err
	}
	defer s.Close()
	var all []string
	for {
		items, err := s.Next(ctx)
		if errors.Is(err, io.EOF) {
			return all, s.Stats(), nil
		}
		if err != nil {
			return nil, s.Stats(), err
		}
		all = append(all, items...)
	}
}

// TestStreamHoldsAFewPages: however slowly the caller reads, no more than
// Concurrency pages are in flight and Concurrency + 1 held at once.
func TestStreamHoldsAFewPages(t *testing.T) {
	svc := newService(20000, 1000)
	o := svc.offset(1000) // Concurrency 3
	inner := o.Fetch
	var inFlight, maxInFlight atomic.Int32
	o.Fetch = func(ctx context.Context, offset, limit int) (Page[string, int], error) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := maxInFlight.Load()
			if n <= m || maxInFlight.CompareAndSwap(m, n) {
				break
			}
		}
		return inner(ctx, offset, limit)
	}
	ctx := context.Background()
	s, err := o.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var got []string
	for {
		// Every page fetched but not yet handed over is in a channel: the
		// pages requested minus those handed over is what is held.
		svc.mu.Lock()
		requested := len(svc.requests)
		svc.mu.Unlock()
		if held := requested - len(got)/1000; held > 4 {
			t.Fatalf("%d pages requested, %d handed over: %d held, want at most 4", requested, len(got)/1000, held)
		}
		items, err := s.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, items...)
	}
	if !slices.Equal(got, svc.items) {
		t.Fatalf("got %d items, want the service's %d in order", len(got), len(svc.items))
	}
	if m := maxInFlight.Load(); m > 3 {
		t.Fatalf("%d fetches at once, want at most 3", m)
	}
	if st := s.Stats(); st.Requests != 20 || st.Seen != 20000 || st.Total != 20000 {
		t.Fatalf("stats %+v, want 20 requests, 20000 seen of 20000", st)
	}
}

// TestStreamReportsTheFirstError: a page that fails cancels the fetches
// still running and its error, not their cancellation, is what Next
// returns, after the pages before it; every fetch has returned by then.
func TestStreamReportsTheFirstError(t *testing.T) {
	svc := newService(10000, 1000)
	o := svc.offset(1000)
	inner := o.Fetch
	boom := errors.New("page 3 failed")
	var started, returned atomic.Int32
	o.Fetch = func(ctx context.Context, offset, limit int) (Page[string, int], error) {
		if offset == 0 {
			return inner(ctx, offset, limit)
		}
		started.Add(1)
		defer returned.Add(1)
		if offset == 3000 {
			return Page[string, int]{}, boom
		}
		if offset > 1000 {
			<-ctx.Done() // held until page 3's failure cancels them
			return Page[string, int]{}, fmt.Errorf("request at %d: %w", offset, ctx.Err())
		}
		return inner(ctx, offset, limit)
	}
	_, _, err := drain(context.Background(), o)
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want page 3's error", err)
	}
	if s, r := started.Load(), returned.Load(); s == 0 || s != r {
		t.Fatalf("%d fetches started, %d returned; want all of them", s, r)
	}
}
