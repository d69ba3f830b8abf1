package pager

import (
	"context"
	"slices"
)

// Page is what one request of an offset-paged listing brought back.
type Page[T, M any] struct {
	// Items may be shared with other readers of the same answer (an SWR
	// page decoded once for every data source it was shared with:
	// transport.Decoded), so the pager and whatever it hands them to only
	// read them; List returns a slice of its own.
	Items []T
	Total int // the total the page announced; negative when it announced none
	Meta  M   // the caller's own (status, request ID…), handed back to its error builders
}

// Offset is one offset-paged listing (SWR ListRepositoryTags, UHub
// GetRepoImage and GetImageTag). It owns the arithmetic and the checks the
// clients share; the caller supplies the request and builds every error, so
// that messages name its cloud and call.
//
// Every request asks for PageSize items, the API's largest page. A first
// page with fewer items than that is either the whole listing or a sign that
// the service caps pages lower: the listing then steps by what it gave, so
// page k starts at offset k*step (and, without a total, an empty page says
// it was the whole listing). The total is taken from the first page; a later
// page that announces another one, a count of items that does not match it,
// or an item on two pages is an error, never a partial list.
type Offset[T, M any] struct {
	PageSize    int // the API's largest page
	Concurrency int // pages fetched at once once the total is known (List)
	Fetch       func(ctx context.Context, offset, limit int) (Page[T, M], error)
	Key         func(*T) string // identity of an item, for the two-pages check

	// TotalChanged builds the error for a page announcing total to where the
	// first page announced from (negative: the first announced none).
	TotalChanged func(from, to int, page M) error
	// Incomplete builds the error for a listing whose count of items,
	// arrived, does not match the first page's total, promised.
	Incomplete func(promised, arrived int, first M) error
	// Duplicate builds the error for an item, named by its key, that came
	// on two pages.
	Duplicate func(key string) error
}

// Stats says what a listing read.
type Stats struct {
	Total    int // as the first page announced it; negative when it announced none
	Seen     int // items read
	Requests int // requests made (retries not counted)
}

// List returns every item, in the service's order. With a total it fetches
// the pages after the first concurrently, as Rest does; without one it reads
// on page by page until an empty page. When the API announced no total,
// Stats.Total is the count of items read.
func (o *Offset[T, M]) List(ctx context.Context) ([]T, Stats, error) {
	first, err := o.Fetch(ctx, 0, o.PageSize)
	if err != nil {
		return nil, Stats{Requests: 1}, err
	}
	st := Stats{Total: first.Total, Seen: len(first.Items), Requests: 1}
	if first.Total < 0 {
		var all []T
		st, err = o.walk(ctx, first, func(items []T) bool { all = append(all, items...); return true })
		st.Total = len(all)
		if err != nil {
			return nil, st, err
		}
		return all, st, nil
	}
	var all []T // the caller's own: never a page's items (see Page.Items)
	step := o.step(len(first.Items))
	if len(first.Items) > 0 && len(first.Items) < first.Total {
		pages := (first.Total - 1) / step // pages after the first
		rest, err := Rest(ctx, pages, o.Concurrency, func(ctx context.Context, i int) ([]T, error) {
			p, err := o.Fetch(ctx, (i+1)*step, step)
			if err != nil {
				return nil, err
			}
			if p.Total != first.Total {
				return nil, o.TotalChanged(first.Total, p.Total, p.Meta)
			}
			return p.Items, nil
		})
		st.Requests += pages
		if err != nil {
			return nil, st, err
		}
		// The first page and the rest, in one allocation of the final size.
		all = append(append(make([]T, 0, len(first.Items)+len(rest)), first.Items...), rest...)
	} else {
		all = slices.Clone(first.Items)
	}
	st.Seen = len(all)
	if len(all) != first.Total {
		return nil, st, o.Incomplete(first.Total, len(all), first.Meta)
	}
	if key, dup := Duplicate(all, o.Key); dup {
		return nil, st, o.Duplicate(key)
	}
	return all, st, nil
}

// Walk reads the listing one page at a time in the service's order and
// hands each page to visit, stopping when visit returns false or the
// listing ends: every announced item read, or an empty page. The checks
// apply to what was read: a total that changes and an item on two pages
// always, the count against the total when it read to the end.
func (o *Offset[T, M]) Walk(ctx context.Context, visit func(items []T) (more bool)) (Stats, error) {
	first, err := o.Fetch(ctx, 0, o.PageSize)
	if err != nil {
		return Stats{Requests: 1}, err
	}
	return o.walk(ctx, first, visit)
}

// walk goes on from a first page already read.
func (o *Offset[T, M]) walk(ctx context.Context, first Page[T, M], visit func([]T) bool) (Stats, error) {
	st := Stats{Total: first.Total, Requests: 1}
	step := o.step(len(first.Items))
	seen := make(map[string]struct{}, len(first.Items))
	p := first
	for {
		for i := range p.Items {
			k := o.Key(&p.Items[i])
			if _, dup := seen[k]; dup {
				return st, o.Duplicate(k)
			}
			seen[k] = struct{}{}
		}
		st.Seen += len(p.Items)
		if len(p.Items) == 0 || !visit(p.Items) {
			break
		}
		if first.Total >= 0 && st.Requests*step >= first.Total {
			break
		}
		var err error
		if p, err = o.Fetch(ctx, st.Requests*step, step); err != nil {
			return st, err
		}
		st.Requests++
		if p.Total != first.Total {
			return st, o.TotalChanged(first.Total, p.Total, p.Meta)
		}
	}
	ended := len(p.Items) == 0 || (first.Total >= 0 && st.Requests*step >= first.Total)
	if ended && first.Total >= 0 && st.Seen != first.Total {
		return st, o.Incomplete(first.Total, st.Seen, first.Meta)
	}
	return st, nil
}

// step is how far apart pages start: the page size, or less when the
// service capped the first page below it.
func (o *Offset[T, M]) step(firstCount int) int {
	if firstCount > 0 && firstCount < o.PageSize {
		return firstCount
	}
	return o.PageSize
}
