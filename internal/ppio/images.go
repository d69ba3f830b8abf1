package ppio

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
)

const (
	callListImages = "ListImages"
	imagesPath     = "/gpus/v2/images"
	// maxEmptyPages bounds a run of pages that bring no image yet promise
	// more behind a fresh cursor: the cursor check cannot catch a service
	// that makes up a new cursor each time, and such pages make no progress.
	maxEmptyPages = 10
)

// ListImagesInput selects images; empty fields do not filter.
type ListImagesInput struct {
	Type string // base, community or private
	Name string // server-side name filter, 0–255 characters
}

// ImageList is a complete listing.
type ImageList struct {
	Images   []Image // in the service's order; callers sort as they document
	Requests int     // HTTP requests made, retries not counted
}

// ListImages returns every image the filters select, following cursors one
// page after another (a cursor only comes with the page before it, so pages
// cannot be fetched at once). It goes on while has_more is true and
// next_cursor is not empty: the doc says an empty cursor means no more data,
// so has_more with an empty cursor ends the listing rather than being taken
// as an error. A cursor that comes back a second time is a loop, and an image
// on two pages means the listing shifted under us; both are errors, never a
// partial or endless list.
func (c *Client) ListImages(ctx context.Context, in ListImagesInput) (*ImageList, error) {
	list := &ImageList{}
	seenCursors := map[string]struct{}{}
	seenIDs := map[string]struct{}{}
	cursor, emptyRun := "", 0
	for {
		p, err := c.page(ctx, in, cursor)
		if err != nil {
			return nil, err
		}
		list.Requests++
		for _, img := range p.images {
			if _, dup := seenIDs[img.ID]; dup {
				return nil, inconsistent(p, fmt.Sprintf("image %s arrived on two pages (page %d): the image list changed while listing; run again", img.ID, list.Requests))
			}
			seenIDs[img.ID] = struct{}{}
		}
		list.Images = append(list.Images, p.images...)
		if !p.hasMore || p.nextCursor == "" {
			return list, nil
		}
		if cursor != "" {
			seenCursors[cursor] = struct{}{}
		}
		if _, loop := seenCursors[p.nextCursor]; loop {
			return nil, inconsistent(p, fmt.Sprintf("page %d returned a next_cursor already used, after %d distinct cursors: the service's pagination loops; refusing an endless listing", list.Requests, len(seenCursors)))
		}
		if len(p.images) == 0 {
			if emptyRun++; emptyRun >= maxEmptyPages {
				return nil, inconsistent(p, fmt.Sprintf("%d pages in a row held no image yet promised more: the service's pagination makes no progress", emptyRun))
			}
		} else {
			emptyRun = 0
		}
		cursor = p.nextCursor
	}
}

type imagePage struct {
	images     []Image
	nextCursor string
	hasMore    bool
	requestID  string
	status     int
}

func (c *Client) page(ctx context.Context, in ListImagesInput, cursor string) (*imagePage, error) {
	q := url.Values{
		"limit":  {strconv.Itoa(c.cfg.PageSize)},
		"cursor": {cursor},
	}
	if in.Type != "" {
		q.Set("type", in.Type)
	}
	if in.Name != "" {
		q.Set("name", in.Name)
	}
	resp, err := c.get(ctx, callListImages, imagesPath, q)
	if err != nil {
		return nil, err
	}
	env, err := decodeImagePage(resp.Body)
	if err != nil {
		return nil, decodeFailure(resp, err)
	}
	return &imagePage{images: env.images, nextCursor: env.nextCursor, hasMore: env.hasMore,
		requestID: resp.Header.Get("X-Request-Id"), status: resp.StatusCode}, nil
}

func decodeFailure(resp *transport.Response, err error) error {
	return &apierror.Error{Cloud: CloudName, Call: callListImages, Kind: apierror.KindDecode, HTTPStatus: resp.StatusCode,
		RequestID: resp.Header.Get("X-Request-Id"), Attempts: resp.Attempts,
		Message: "malformed answer: " + apierror.Snippet(resp.Body), Err: err}
}

func inconsistent(p *imagePage, msg string) error {
	return &apierror.Error{Cloud: CloudName, Call: callListImages, Kind: apierror.KindInconsistent,
		HTTPStatus: p.status, RequestID: p.requestID, Message: msg}
}
