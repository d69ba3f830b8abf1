package swr

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/pager"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
)

// ListTagsInput selects the tags of one repository.
type ListTagsInput struct {
	Namespace       string
	Repository      string // may contain '/', sent as '$'
	Tag             string // server-side tag-name filter
	IncludeManifest bool
}

// TagList is a complete listing.
type TagList struct {
	Tags     []Tag // in the service's order: updated newest first, ties in no promised order
	Total    int   // as Content-Range reported it
	Requests int   // HTTP requests made, retries not counted
}

// tagsPath is the tags URL path; SWR wants '/' in a repository name as '$'.
func tagsPath(namespace, repository string) string {
	return "/v2/manage/namespaces/" + namespace + "/repos/" + strings.ReplaceAll(repository, "/", "$") + "/tags"
}

// ListTags returns every tag of a repository. It reads the first page, takes
// the total from Content-Range and fetches the other pages concurrently
// (at most MaxConcurrency at once, the first failure cancelling the rest);
// without Content-Range it reads on until an empty page. A total that
// changes between pages, a count short of what the total promises, or a
// tag on two pages is an error, never a partial list.
func (c *Client) ListTags(ctx context.Context, in ListTagsInput) (*TagList, error) {
	o, err := c.tagPager(ctx, in)
	if err != nil {
		return nil, err
	}
	tags, st, err := o.List(ctx)
	if err != nil {
		return nil, err
	}
	return &TagList{Tags: tags, Total: st.Total, Requests: st.Requests}, nil
}

// tagPager is the listing of one repository's tags as the pager sees it:
// the pages, and the errors it reports in this client's words.
func (c *Client) tagPager(ctx context.Context, in ListTagsInput) (*pager.Offset[Tag, pageMeta], error) {
	projectID, err := c.ProjectID(ctx)
	if err != nil {
		return nil, err
	}
	path := tagsPath(in.Namespace, in.Repository)
	// The size of the last page read: the next is likely as large, which
	// helps reading an answer that does not announce its length.
	var lastSize atomic.Int64
	return &pager.Offset[Tag, pageMeta]{
		PageSize:    c.cfg.PageSize,
		Concurrency: c.cfg.MaxConcurrency,
		Fetch: func(ctx context.Context, offset, limit int) (pager.Page[Tag, pageMeta], error) {
			if n := lastSize.Load(); n > 0 {
				ctx = transport.WithSizeHint(ctx, int(n))
			}
			p, size, err := c.page(ctx, path, projectID, in, offset, limit)
			if size > 0 {
				lastSize.Store(int64(size))
			}
			return p, err
		},
		Key: func(t *Tag) string { return t.Tag },
		TotalChanged: func(from, to int, p pageMeta) error {
			msg := fmt.Sprintf("the total changed from %d to %d while listing: the repository changed; run again", from, to)
			switch {
			case from < 0:
				msg = "Content-Range appeared on a later page only"
			case to < 0:
				msg = fmt.Sprintf("Content-Range (total %d on the first page) is missing on a later page: the listing cannot be checked; run again", from)
			}
			return p.inconsistent(msg)
		},
		Incomplete: func(promised, arrived int, _ pageMeta) error {
			return &apierror.Error{Cloud: CloudName, Call: CallListTags, Kind: apierror.KindInconsistent,
				Message: fmt.Sprintf("Content-Range promised %d tags but %d arrived: the listing is incomplete; run again", promised, arrived)}
		},
		Duplicate: func(tag string) error {
			return &apierror.Error{Cloud: CloudName, Call: CallListTags, Kind: apierror.KindInconsistent,
				Message: fmt.Sprintf("tag %q arrived on two pages: the repository changed while listing; run again", tag)}
		},
	}, nil
}

// pageMeta is what an error about a page names: its status and request ID.
type pageMeta struct {
	status    int
	requestID string
}

func (m pageMeta) inconsistent(msg string) error {
	return &apierror.Error{Cloud: CloudName, Call: CallListTags, Kind: apierror.KindInconsistent,
		HTTPStatus: m.status, RequestID: m.requestID, Message: msg}
}

// page reads the tags at offset: the total is -1 without Content-Range.
// size is the length of the answer's body.
func (c *Client) page(ctx context.Context, path, projectID string, in ListTagsInput, offset, limit int) (p pager.Page[Tag, pageMeta], size int, err error) {
	q := url.Values{
		"offset":       {strconv.Itoa(offset)},
		"limit":        {strconv.Itoa(limit)},
		"order_column": {"updated_at"}, // the only column the v2 API documents
		"order_type":   {"desc"},
	}
	if in.Tag != "" {
		q.Set("tag", in.Tag)
	}
	resp, err := c.get(ctx, CallListTags, c.cfg.Endpoint, path, q, projectID)
	if err != nil {
		return p, 0, err
	}
	p.Total, p.Meta = -1, pageMeta{status: resp.StatusCode, requestID: resp.Header.Get("X-Request-Id")}
	if cr := resp.Header.Get("Content-Range"); cr != "" {
		if p.Total, err = ParseContentRange(cr); err != nil {
			return p, 0, c.decodeFailure(CallListTags, resp, err)
		}
	}
	// Decoded once for every data source the answer was shared with: the
	// page is theirs to read, not to change.
	decoding := "swr.DecodeTags"
	if in.IncludeManifest {
		decoding += " with manifests"
	}
	p.Items, err = transport.Decoded(resp, decoding, func(body []byte) ([]Tag, error) {
		return DecodeTags(body, in.IncludeManifest, make([]Tag, 0, min(limit, max(p.Total, 0))))
	})
	if err != nil {
		return p, 0, c.decodeFailure(CallListTags, resp, err)
	}
	if len(p.Items) > limit {
		return p, 0, c.decodeFailure(CallListTags, resp, fmt.Errorf("page holds %d tags, more than the %d asked for", len(p.Items), limit))
	}
	return p, len(resp.Body), nil
}

// WalkStats says what WalkTags read.
type WalkStats struct {
	Total    int // as Content-Range reported it on the first page; -1 without one
	Seen     int // tags read
	Requests int // listing requests made, retries and the IAM lookup not counted
}

// WalkTags reads a repository's tags newest first (the service's order),
// one page of the largest size at a time, and hands each page to visit
// until visit returns false or every tag is read. The caller decides when
// it has read enough. On what it read it checks as ListTags does: a tag on
// two pages or a total that changes is an error and, when it read to the
// end, so is a count that does not match the total.
func (c *Client) WalkTags(ctx context.Context, in ListTagsInput, visit func(page []Tag) (more bool)) (WalkStats, error) {
	o, err := c.tagPager(ctx, in)
	if err != nil {
		return WalkStats{}, err
	}
	st, err := o.Walk(ctx, visit)
	return WalkStats{Total: st.Total, Seen: st.Seen, Requests: st.Requests}, err
}

// TagStream is a repository's tags read page by page in the service's
// order (updated newest first), as ListTags reads them and with its
// checks, without holding them all: see OpenTags.
type TagStream struct {
	s *pager.Stream[Tag, pageMeta]
}

// OpenTags reads the first page of a repository's tags and starts
// fetching the others (at most MaxConcurrency at once, a few pages held):
// Next hands them over in order. Close it when done.
func (c *Client) OpenTags(ctx context.Context, in ListTagsInput) (*TagStream, error) {
	o, err := c.tagPager(ctx, in)
	if err != nil {
		return nil, err
	}
	s, err := o.Open(ctx)
	if err != nil {
		return nil, err
	}
	return &TagStream{s: s}, nil
}

// Total is the total Content-Range reported on the first page; -1 without
// one.
func (t *TagStream) Total() int { return t.s.Total() }

// Next returns the next page of tags, and io.EOF after the last one once
// the listing has passed every check (no tag on two pages, the total
// unchanged and matched by the tags that arrived). Any other error ends
// the listing: the tags handed over are then not the whole listing.
func (t *TagStream) Next(ctx context.Context) ([]Tag, error) { return t.s.Next(ctx) }

// Requests is the listing requests made so far, retries not counted.
func (t *TagStream) Requests() int { return t.s.Stats().Requests }

// Close stops the requests still running and waits for them to return.
func (t *TagStream) Close() { t.s.Close() }
