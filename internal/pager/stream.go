package pager

import (
	"context"
	"io"
	"sync"
	"sync/atomic"
)

// Stream is a listing read page by page in the service's order, the pages
// after the first fetched concurrently, as List fetches them, but handed
// over one at a time (Next) instead of joined: at most Concurrency + 1
// pages are held at once (in flight, or arrived and waiting for Next, or
// the one the caller holds), so a listing of any size costs a few pages of
// memory. It checks what List checks; the count against the total can
// only be checked at the end, so what Next handed over is a complete
// listing only once Next has returned io.EOF.
type Stream[T, M any] struct {
	o     *Offset[T, M]
	first Page[T, M]
	step  int
	seen  map[string]struct{}
	st    Stats
	next  int   // index of the next page Next hands over; 0 is the first
	err   error // the error Next returns from now on

	// With a total: the pages after the first, each on its own channel,
	// fetched by the goroutines fetch starts.
	pages  []chan pageResult[T]
	window chan struct{} // a slot per page held; freed when the next page is asked for
	held   bool          // the caller holds a page that took a slot
	cancel context.CancelFunc
	wg     sync.WaitGroup
	sent   atomic.Int64 // requests the fetching goroutines made

	errOnce  sync.Once
	firstErr error // the first fetch error, the one Next reports
}

type pageResult[T any] struct {
	items []T
	err   error
}

// Open reads the first page and, when it announces a total and more pages,
// starts fetching the others. Close it when done (it is safe to Close a
// finished or failed Stream).
func (o *Offset[T, M]) Open(ctx context.Context) (*Stream[T, M], error) {
	first, err := o.Fetch(ctx, 0, o.PageSize)
	if err != nil {
		return nil, err
	}
	s := &Stream[T, M]{o: o, first: first, step: o.step(len(first.Items)), st: Stats{Total: first.Total, Requests: 1},
		seen: make(map[string]struct{}, max(first.Total, len(first.Items))), cancel: func() {}}
	if first.Total >= 0 && len(first.Items) > 0 && len(first.Items) < first.Total {
		s.fetchRest(ctx, (first.Total-1)/s.step)
	}
	return s, nil
}

// Total is what the first page announced; negative when it announced none.
func (s *Stream[T, M]) Total() int { return s.first.Total }

// Stats says what the listing read so far.
func (s *Stream[T, M]) Stats() Stats {
	st := s.st
	st.Requests += int(s.sent.Load())
	return st
}

// fetchRest starts fetching pages 1..n, in order, never more than
// Concurrency at once nor more than Concurrency + 1 held.
func (s *Stream[T, M]) fetchRest(ctx context.Context, n int) {
	ctx, s.cancel = context.WithCancel(ctx)
	s.pages = make([]chan pageResult[T], n)
	for i := range s.pages {
		s.pages[i] = make(chan pageResult[T], 1)
	}
	c := max(s.o.Concurrency, 1)
	s.window = make(chan struct{}, c+1)
	s.window <- struct{}{} // the first page, which the caller is about to hold
	fetching := make(chan struct{}, c)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for i := range n {
			select {
			case s.window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case fetching <- struct{}{}:
			case <-ctx.Done():
				return
			}
			s.sent.Add(1)
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer func() { <-fetching }()
				p, err := s.o.Fetch(ctx, (i+1)*s.step, s.step)
				if err == nil && p.Total != s.first.Total {
					err = s.o.TotalChanged(s.first.Total, p.Total, p.Meta)
				}
				if err != nil {
					// The first error cancels the fetches still running,
					// as List's does, and is the one reported.
					s.errOnce.Do(func() { s.firstErr = err; s.cancel() })
				}
				s.pages[i] <- pageResult[T]{items: p.Items, err: err}
			}()
		}
	}()
}

// Next returns the next page's items, in the service's order, and io.EOF
// after the last one once every check has passed. Any other error ends the
// listing: what was handed over is then not the whole listing. The items
// are the caller's.
func (s *Stream[T, M]) Next(ctx context.Context) ([]T, error) {
	if s.err != nil {
		return nil, s.err
	}
	items, err := s.nextPage(ctx)
	if err == nil && items == nil {
		err = s.end()
	}
	if err == nil {
		err = s.check(items)
	}
	if err != nil {
		s.err = err
		s.Close()
		return nil, err
	}
	return items, nil
}

// nextPage is the next page's items, or nil at the end of the listing.
func (s *Stream[T, M]) nextPage(ctx context.Context) ([]T, error) {
	i := s.next
	s.next++
	if i == 0 {
		if len(s.first.Items) == 0 {
			return nil, nil
		}
		items := s.first.Items
		s.first.Items = nil
		s.held = s.pages != nil
		return items, nil
	}
	if s.first.Total < 0 {
		return s.nextUnannounced(ctx, i)
	}
	if i-1 >= len(s.pages) {
		return nil, nil
	}
	if s.held {
		<-s.window // the page handed over last is the caller's now
	}
	select {
	case r := <-s.pages[i-1]:
		if r.err != nil {
			s.Close() // every fetch returned: firstErr is final
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			return nil, s.firstErr
		}
		return r.items, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// nextUnannounced reads page i of a listing without a total, one page at a
// time: the listing ends at an empty page.
func (s *Stream[T, M]) nextUnannounced(ctx context.Context, i int) ([]T, error) {
	p, err := s.o.Fetch(ctx, i*s.step, s.step)
	s.st.Requests++
	if err != nil {
		return nil, err
	}
	if p.Total != s.first.Total {
		return nil, s.o.TotalChanged(s.first.Total, p.Total, p.Meta)
	}
	if len(p.Items) == 0 {
		return nil, nil
	}
	return p.Items, nil
}

// check counts the page's items and refuses an item seen before.
func (s *Stream[T, M]) check(items []T) error {
	for i := range items {
		k := s.o.Key(&items[i])
		if _, dup := s.seen[k]; dup {
			return s.o.Duplicate(k)
		}
		s.seen[k] = struct{}{}
	}
	s.st.Seen += len(items)
	return nil
}

// end is the end of the listing: io.EOF when the count matches the total.
func (s *Stream[T, M]) end() error {
	s.Close()
	if s.first.Total < 0 {
		s.st.Total = s.st.Seen
	} else if s.st.Seen != s.first.Total {
		return s.o.Incomplete(s.first.Total, s.st.Seen, s.first.Meta)
	}
	return io.EOF
}

// Close stops the fetches still running and waits for them to return.
func (s *Stream[T, M]) Close() {
	s.cancel()
	s.wg.Wait()
	s.seen = nil
}
