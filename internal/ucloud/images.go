package ucloud

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/apitime"
	"github.com/registry-tools/terraform-provider-registry/internal/pager"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
)

// ListRepoImagesInput selects the images of one repository.
type ListRepoImagesInput struct {
	RepoName  string
	ProjectID string // overrides Config.ProjectID when set
}

// ImageList is a complete listing.
type ImageList struct {
	Images     []Image // in the service's order
	TotalCount int     // as the service reported it
	Requests   int     // HTTP requests made, retries not counted
}

// Image is one image of a repository as UHub reports it, times in UTC.
type Image struct {
	ImageName  string
	RepoName   string
	PullCount  int64
	CreateTime time.Time
	UpdateTime time.Time
	LatestTag  string
}

// ListRepoImages returns every image of a repository. It reads the first
// page, takes TotalCount from it and fetches the other pages concurrently
// (at most MaxConcurrency at once, the first failure cancelling the rest).
// A TotalCount that changes between pages, fewer images than it promises,
// or an image on two pages is an error, never a partial list.
func (c *Client) ListRepoImages(ctx context.Context, in ListRepoImagesInput) (*ImageList, error) {
	if in.RepoName == "" {
		return nil, &apierror.Error{Cloud: CloudName, Call: callGetRepoImage, Kind: apierror.KindConfig,
			Message: "no repository name given"}
	}
	projectID := c.projectID(in.ProjectID)
	o := listing(c, callGetRepoImage, "image", "repository", func(im *Image) string { return im.ImageName },
		func(ctx context.Context, offset, limit int) (pager.Page[Image, meta], error) {
			resp, err := c.callPage(ctx, callGetRepoImage, projectID, url.Values{"RepoName": {in.RepoName}}, offset, limit)
			if err != nil {
				return pager.Page[Image, meta]{}, err
			}
			p, err := decodePage(resp, in.RepoName, limit)
			if err != nil {
				return pager.Page[Image, meta]{}, err
			}
			return *p, nil
		})
	images, st, err := o.List(ctx)
	if err != nil {
		return nil, err
	}
	return &ImageList{Images: images, TotalCount: st.Total, Requests: st.Requests}, nil
}

// wirePage is the JSON of a GetRepoImage answer.
type wirePage struct {
	wireHead
	ImageSet []wireImage `json:"ImageSet"`
}

func (w *wirePage) size() int { return len(w.ImageSet) }

// wireImage is one ImageSet item. The doc calls the times strings while its
// example shows integers; apitime takes either, and date-time strings too.
type wireImage struct {
	ImageName  string       `json:"ImageName"`
	RepoName   string       `json:"RepoName"`
	PullCount  int64        `json:"PullCount"`
	CreateTime apitime.Time `json:"CreateTime"`
	UpdateTime apitime.Time `json:"UpdateTime"`
	LatestTag  string       `json:"LatestTag"`
}

// decodePage turns a GetRepoImage answer into a page, or into the error it
// carries (see decodeAnswer); an image without a name is malformed.
func decodePage(resp *transport.Response, repo string, limit int) (*pager.Page[Image, meta], error) {
	var w wirePage
	total, m, err := decodeAnswer(resp, callGetRepoImage, "images", limit, &w)
	if err != nil {
		return nil, err
	}
	p := &pager.Page[Image, meta]{Total: total, Meta: m, Items: make([]Image, 0, len(w.ImageSet))}
	for i, wi := range w.ImageSet {
		if wi.ImageName == "" {
			return nil, decodeFailure(resp, callGetRepoImage, fmt.Errorf("image %d has no ImageName", i))
		}
		if wi.RepoName == "" {
			wi.RepoName = repo // the doc's own example leaves it out
		}
		p.Items = append(p.Items, Image{
			ImageName: wi.ImageName, RepoName: wi.RepoName, PullCount: wi.PullCount,
			CreateTime: wi.CreateTime.Time, UpdateTime: wi.UpdateTime.Time, LatestTag: wi.LatestTag,
		})
	}
	return p, nil
}
