package swr

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/pager"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
)

const callListTags = "ListRepositoryTags"

// ListTagsInput selects the tags of one repository.
type ListTagsInput struct {
	Namespace       string
	Repository      string // may contain '/', sent as '$'
	Tag             string // server-side tag-name filter
	IncludeManifest bool
}

// TagList is a complete listing.
type TagList struct {
	Tags     []Tag // in the service's order (tag name, ascending)
	Total    int   // as Content-Range reported it
	Requests int   // HTTP requests made, retries not counted
}

// tagsPath is the tags URL path; SWR wants '/' in a repository name as '$'.
func tagsPath(namespace, repository string) string {
	return "/v2/manage/namespaces/" + namespace + "/repos/" + strings.ReplaceAll(repository, "/", "$") + "/tags"
}

// ListTags returns every tag of a repository. It reads the first page, takes
// the total from Content-Range and fetches the other pages concurrently
// (at most MaxConcurrency at once, the first failure cancelling the rest).
// A total that changes between pages, a page short of what the total
// promises, or a tag on two pages is an error, never a partial list.
func (c *Client) ListTags(ctx context.Context, in ListTagsInput) (*TagList, error) {
	projectID, err := c.ProjectID(ctx)
	if err != nil {
		return nil, err
	}
	path := tagsPath(in.Namespace, in.Repository)
	limit := c.cfg.PageSize

	first, err := c.page(ctx, path, projectID, in, 0, limit)
	if err != nil {
		return nil, err
	}
	list := &TagList{Tags: first.tags, Total: first.total, Requests: 1}
	if n := len(first.tags); n > 0 && n < limit && n < first.total {
		limit = n // the service capped the page: step by what it gives
	}
	if first.total < 0 {
		// No Content-Range: walk on until an empty page.
		for offset := limit; len(first.tags) > 0; offset += limit {
			next, err := c.page(ctx, path, projectID, in, offset, limit)
			if err != nil {
				return nil, err
			}
			list.Requests++
			if next.total >= 0 {
				return nil, c.inconsistent(next, "Content-Range appeared on a later page only")
			}
			list.Tags = append(list.Tags, next.tags...)
			first = next
		}
		list.Total = len(list.Tags)
		return list, checkUnique(list.Tags)
	}

	if len(first.tags) < first.total && len(first.tags) > 0 {
		pages := (first.total - 1) / limit // pages after the first
		rest, err := pager.Rest(ctx, pages, c.cfg.MaxConcurrency, func(ctx context.Context, i int) ([]Tag, error) {
			p, err := c.page(ctx, path, projectID, in, (i+1)*limit, limit)
			if err != nil {
				return nil, err
			}
			if p.total != first.total {
				return nil, c.inconsistent(p, fmt.Sprintf("the total changed from %d to %d while listing: the repository changed; run again", first.total, p.total))
			}
			return p.tags, nil
		})
		if err != nil {
			return nil, err
		}
		list.Requests += pages
		list.Tags = append(list.Tags, rest...)
	}
	if len(list.Tags) != first.total {
		return nil, &apierror.Error{Cloud: CloudName, Call: callListTags, Kind: apierror.KindInconsistent,
			Message: fmt.Sprintf("Content-Range promised %d tags but %d arrived: the listing is incomplete; run again", first.total, len(list.Tags))}
	}
	return list, checkUnique(list.Tags)
}

type tagPage struct {
	tags      []Tag
	total     int // -1 without Content-Range
	requestID string
	status    int
}

func (c *Client) page(ctx context.Context, path, projectID string, in ListTagsInput, offset, limit int) (*tagPage, error) {
	q := url.Values{
		"offset":       {strconv.Itoa(offset)},
		"limit":        {strconv.Itoa(limit)},
		"order_column": {"tag"},
		"order_type":   {"asc"},
	}
	if in.Tag != "" {
		q.Set("tag", in.Tag)
	}
	resp, err := c.get(ctx, callListTags, c.cfg.Endpoint, path, q, projectID)
	if err != nil {
		return nil, err
	}
	p := &tagPage{total: -1, requestID: resp.Header.Get("X-Request-Id"), status: resp.StatusCode}
	if cr := resp.Header.Get("Content-Range"); cr != "" {
		if p.total, err = ParseContentRange(cr); err != nil {
			return nil, c.decodeFailure(resp, err)
		}
	}
	if p.tags, err = DecodeTags(resp.Body, in.IncludeManifest, make([]Tag, 0, min(limit, max(p.total, 0)))); err != nil {
		return nil, c.decodeFailure(resp, err)
	}
	if len(p.tags) > limit {
		return nil, c.decodeFailure(resp, fmt.Errorf("page holds %d tags, more than the %d asked for", len(p.tags), limit))
	}
	return p, nil
}

func (c *Client) decodeFailure(resp *transport.Response, err error) error {
	return &apierror.Error{Cloud: CloudName, Call: callListTags, Kind: apierror.KindDecode, HTTPStatus: resp.StatusCode,
		RequestID: resp.Header.Get("X-Request-Id"), Attempts: resp.Attempts,
		Message: "malformed answer: " + apierror.Snippet(resp.Body), Err: err}
}

func (c *Client) inconsistent(p *tagPage, msg string) error {
	return &apierror.Error{Cloud: CloudName, Call: callListTags, Kind: apierror.KindInconsistent,
		HTTPStatus: p.status, RequestID: p.requestID, Message: msg}
}

// checkUnique rejects a listing with one tag on two pages: the repository
// changed under the listing, so some other tag may be missing.
func checkUnique(tags []Tag) error {
	if tag, dup := pager.Duplicate(tags, func(t *Tag) string { return t.Tag }); dup {
		return &apierror.Error{Cloud: CloudName, Call: callListTags, Kind: apierror.KindInconsistent,
			Message: fmt.Sprintf("tag %q arrived on two pages: the repository changed while listing; run again", tag)}
	}
	return nil
}
