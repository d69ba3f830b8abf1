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

// ImageTag is one tag of an image as UHub reports it (GetImageTag).
type ImageTag struct {
	TagName    string
	UpdateTime time.Time // UTC; zero when UHub gives none
	// Digest is the content digest ("sha256:…"), "" when UHub gives none:
	// the public doc does not list it, so an answer without it is normal.
	Digest string
}

// ListImageTagsInput selects the tags of one image.
type ListImageTagsInput struct {
	RepoName  string
	ImageName string
	ProjectID string // overrides Config.ProjectID when set
}

// ImageTagList is a complete listing of an image's tags.
type ImageTagList struct {
	Tags       []ImageTag // in the service's order (UHub documents none)
	TotalCount int        // as the service reported it
	Requests   int        // HTTP requests made, retries not counted
}

// ImageTagInput names one tag.
type ImageTagInput struct {
	RepoName  string
	ImageName string
	TagName   string
	ProjectID string // overrides Config.ProjectID when set
}

// ListImageTags returns every tag of an image. Like ListRepoImages it reads
// the first page, takes TotalCount from it and fetches the other pages
// concurrently, each at the largest size the service gives; pages that do
// not add up are an error, never a partial list.
func (c *Client) ListImageTags(ctx context.Context, in ListImageTagsInput) (*ImageTagList, error) {
	if err := checkImage(in.RepoName, in.ImageName); err != nil {
		return nil, err
	}
	projectID := c.projectID(in.ProjectID)
	o := listing(c, callGetImageTag, "tag", "image", func(t *ImageTag) string { return t.TagName },
		func(ctx context.Context, offset, limit int) (pager.Page[ImageTag, meta], error) {
			p, err := c.tagPage(ctx, projectID, tagForm(in.RepoName, in.ImageName), offset, limit)
			if err != nil {
				return pager.Page[ImageTag, meta]{}, err
			}
			return *p, nil
		})
	tags, st, err := o.List(ctx)
	if err != nil {
		return nil, err
	}
	return &ImageTagList{Tags: tags, TotalCount: st.Total, Requests: st.Requests}, nil
}

// ImageTag returns one tag in one request (GetImageTag with TagName). A tag
// the image does not have is an error of kind NotFound naming it.
func (c *Client) ImageTag(ctx context.Context, in ImageTagInput) (*ImageTag, error) {
	if err := checkImage(in.RepoName, in.ImageName); err != nil {
		return nil, err
	}
	if in.TagName == "" {
		return nil, &apierror.Error{Cloud: CloudName, Call: callGetImageTag, Kind: apierror.KindConfig, Message: "no tag name given"}
	}
	form := tagForm(in.RepoName, in.ImageName)
	form.Set("TagName", in.TagName)
	p, err := c.tagPage(ctx, c.projectID(in.ProjectID), form, 0, c.cfg.PageSize)
	if err != nil {
		return nil, err
	}
	// TagName selects that tag only; look for it by name all the same, so
	// that a service filtering more loosely cannot answer another tag.
	for i := range p.Items {
		if p.Items[i].TagName == in.TagName {
			t := p.Items[i]
			return &t, nil
		}
	}
	return nil, &apierror.Error{Cloud: CloudName, Call: callGetImageTag, Kind: apierror.KindNotFound, Missing: true,
		HTTPStatus: p.Meta.status, RequestID: p.Meta.requestID,
		Message: fmt.Sprintf("tag %q not found in image %s/%s", in.TagName, in.RepoName, in.ImageName)}
}

func checkImage(repo, image string) error {
	switch {
	case repo == "":
		return &apierror.Error{Cloud: CloudName, Call: callGetImageTag, Kind: apierror.KindConfig, Message: "no repository name given"}
	case image == "":
		return &apierror.Error{Cloud: CloudName, Call: callGetImageTag, Kind: apierror.KindConfig, Message: "no image name given"}
	}
	return nil
}

func tagForm(repo, image string) url.Values {
	return url.Values{"RepoName": {repo}, "ImageName": {image}}
}

// tagPage sends one GetImageTag and decodes its page.
func (c *Client) tagPage(ctx context.Context, projectID string, form url.Values, offset, limit int) (*pager.Page[ImageTag, meta], error) {
	resp, err := c.callPage(ctx, callGetImageTag, projectID, form, offset, limit)
	if err != nil {
		return nil, err
	}
	return decodeTagPage(resp, limit)
}

// wireTagPage is the JSON of a GetImageTag answer.
type wireTagPage struct {
	wireHead
	TagSet []wireTag `json:"TagSet"`
}

func (w *wireTagPage) size() int { return len(w.TagSet) }

// wireTag is one TagSet item. Digest absent, null or "" all mean none.
type wireTag struct {
	TagName    string       `json:"TagName"`
	UpdateTime apitime.Time `json:"UpdateTime"`
	Digest     string       `json:"Digest"`
}

// decodeTagPage turns a GetImageTag answer into a page, or into the error
// it carries (see decodeAnswer); a tag without a name is malformed.
func decodeTagPage(resp *transport.Response, limit int) (*pager.Page[ImageTag, meta], error) {
	var w wireTagPage
	total, m, err := decodeAnswer(resp, callGetImageTag, "tags", limit, &w)
	if err != nil {
		return nil, err
	}
	p := &pager.Page[ImageTag, meta]{Total: total, Meta: m, Items: make([]ImageTag, 0, len(w.TagSet))}
	for i, wt := range w.TagSet {
		if wt.TagName == "" {
			return nil, decodeFailure(resp, callGetImageTag, fmt.Errorf("tag %d has no TagName", i))
		}
		p.Items = append(p.Items, ImageTag{TagName: wt.TagName, UpdateTime: wt.UpdateTime.Time, Digest: wt.Digest})
	}
	return p, nil
}
