package provider

import (
	"context"
	"errors"
	"io"
	"regexp"
	"runtime"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/swr"
	"github.com/registry-tools/terraform-provider-registry/internal/tagkind"
)

// registry_swr_tags writes its listing into state as the pages arrive:
// over 50,000 tags, holding every decoded tag until the end, and then the
// state beside it, cost more memory than the state itself (issue 21).
//
// The order is still the one the attribute promises: updated newest first,
// tags of the same time by descending natural order of the name (sortTags).
// SWR is asked for its listing by updated time, newest first, which is that
// order except among tags of the same time. So each run of tags of the same
// time is held back and sorted before it is written, and nothing else is
// held (a repository whose tags all share one time is thus held whole, as
// before). Should the service hand over a tag newer than one already written,
// the listing is read again and held whole, as before (errNotNewestFirst).

// swrTagList is the tags of one read, filtered by tag_regex and sorted:
// either held whole (held), or streamed from the listing while the state is
// written (stream).
type swrTagList struct {
	held   []swr.Tag
	stream *swrTagStream
}

// each hands over the tags in order until yield returns false. A stream
// can be read once.
func (l *swrTagList) each(yield func(*swr.Tag) bool) {
	if l.stream != nil {
		l.stream.each(yield)
		return
	}
	for i := range l.held {
		if !yield(&l.held[i]) {
			return
		}
	}
}

// latest is the first tag that a machine can run, nil when none. For a
// stream it is known only once each has gone through it: swrTags lists
// tags before latest, and asking before is a provider bug reported as such.
func (l *swrTagList) latest() *swr.Tag {
	if l.stream == nil {
		return firstRunnable(l.held, func(t *swr.Tag) tagkind.Kind { return t.Kind })
	}
	if !l.stream.done && l.stream.err == nil {
		l.stream.err = errLatestBeforeTags
	}
	return l.stream.latest
}

var (
	// errNotNewestFirst: the service's listing was not by updated time,
	// newest first. Not an error of the read: the listing is then read again
	// and held whole.
	errNotNewestFirst = errors.New("the listing is not newest first")
	// errLatestBeforeTags is a provider bug: see swrTagList.latest.
	errLatestBeforeTags = errors.New("latest was written before the tags it is chosen from")
)

// collectEvery is how many pages a stream reads between two garbage
// collections it asks for. The state buffer, sized for the whole listing
// from the start, counts as live heap, so left to itself the collector
// lets as much garbage again (page bodies, decoded pages) pile up before it
// runs. A collection costs a few milliseconds here (the buffer holds no
// pointers, so it is not scanned). Peak RSS of the 50,000-tag plan's read
// (2026-12-07): without these collections 150-156 MiB; every 8 pages 89-95
// MiB; every 4, 77-81 MiB; every 2, 74-77 MiB for more CPU.
const collectEvery = 4

// tagPages is the listing as swrTagStream reads it: swr.TagStream.
type tagPages interface {
	Next(ctx context.Context) ([]swr.Tag, error)
}

// swrTagStream writes a listing that arrives updated newest first in the
// order of sortTags, holding only the run of tags of the current time.
type swrTagStream struct {
	ctx   context.Context
	pages tagPages
	first []swr.Tag      // the first page, already read
	re    *regexp.Regexp // tag_regex; nil: every tag

	run    []swr.Tag // tags of one time, not yet written
	latest *swr.Tag  // the first runnable tag written
	done   bool      // every page read and every tag written
	err    error     // the listing's error, errNotNewestFirst, or a provider bug
}

// each reads the listing to its end, handing each tag to yield in order.
// It stops at the first error (err) or when yield returns false.
func (s *swrTagStream) each(yield func(*swr.Tag) bool) {
	page := s.first
	s.first = nil
	for pages := 0; ; pages++ {
		if pages > 0 && pages%collectEvery == 0 {
			runtime.GC()
		}
		if page == nil {
			var err error
			if page, err = s.pages.Next(s.ctx); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				s.err = err
				return
			}
		}
		for i := range page {
			t := &page[i]
			if s.re != nil && !s.re.MatchString(t.Tag) {
				continue
			}
			if len(s.run) > 0 {
				switch c := t.Updated.Compare(s.run[0].Updated); {
				case c > 0:
					s.err = errNotNewestFirst
					return
				case c < 0:
					if !s.flush(yield) {
						return
					}
				}
			}
			s.run = append(s.run, *t)
		}
		page = nil
	}
	if s.flush(yield) {
		s.done = true
	}
}

// flush writes the run held back, sorted, and empties it; false when yield
// asked to stop.
func (s *swrTagStream) flush(yield func(*swr.Tag) bool) bool {
	if len(s.run) > 1 {
		sortTags(s.run, func(t *swr.Tag) string { return t.Tag }, func(t *swr.Tag) time.Time { return t.Updated })
	}
	for i := range s.run {
		t := &s.run[i]
		if s.latest == nil && t.Kind.Runnable() {
			latest := *t
			s.latest = &latest
		}
		if !yield(t) {
			return false
		}
	}
	clear(s.run)
	s.run = s.run[:0]
	return true
}
