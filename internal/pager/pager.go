// Package pager holds what the offset-paged clients (SWR, UHub) share: the
// offset arithmetic and the checks of a listing (Offset), fetching the
// pages after the first at once, in order (Rest), and finding an item on
// two pages (Duplicate).
package pager

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// Rest fetches pages 0..n-1 (the pages after the first) with at most
// concurrency fetches at once and returns their items in page order. The
// first error cancels the fetches still running and is returned; when the
// caller's ctx is done, its error is returned instead.
func Rest[T any](ctx context.Context, n, concurrency int, fetch func(ctx context.Context, i int) ([]T, error)) ([]T, error) {
	pages := make([][]T, n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(concurrency, 1))
	for i := range n {
		g.Go(func() error {
			items, err := fetch(gctx, i)
			pages[i] = items
			return err
		})
	}
	if err := g.Wait(); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, err
	}
	n = 0
	for _, p := range pages {
		n += len(p)
	}
	// One allocation of the final size; each page is let go once copied.
	all := make([]T, 0, n)
	for i := range pages {
		all = append(all, pages[i]...)
		pages[i] = nil
	}
	return all, nil
}

// Duplicate returns the first key that two items share, if any.
func Duplicate[T any](items []T, key func(*T) string) (string, bool) {
	seen := make(map[string]struct{}, len(items))
	for i := range items {
		k := key(&items[i])
		if _, dup := seen[k]; dup {
			return k, true
		}
		seen[k] = struct{}{}
	}
	return "", false
}
