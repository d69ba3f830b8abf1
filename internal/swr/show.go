package swr

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
)

// Codes of SWR's "not found" answers (API-NOTES) that name what is missing,
// so that a caller can tell a missing namespace or repository from a
// missing tag, which SWR answers with another SVCSTG.SWR.404xxxx code.
const (
	CodeNamespaceNotFound  = "SVCSTG.SWR.4040009"
	CodeRepositoryNotFound = "SVCSTG.SWR.4040010"
)

// ShowTagInput names one tag.
type ShowTagInput struct {
	Namespace       string
	Repository      string // may contain '/', sent as '$'
	Tag             string // one path segment: no '/'
	IncludeManifest bool
}

// ShowTag returns one tag (SWR's ShowRepoTag), in one request once the
// project is known. A tag that does not exist is an *apierror.Error of
// KindNotFound whose Call is "ShowRepoTag"; its Code tells it from a
// missing namespace or repository (CodeNamespaceNotFound,
// CodeRepositoryNotFound).
func (c *Client) ShowTag(ctx context.Context, in ShowTagInput) (*Tag, error) {
	if in.Tag == "" || in.Tag == "." || in.Tag == ".." || strings.Contains(in.Tag, "/") {
		return nil, &apierror.Error{Cloud: CloudName, Call: CallShowTag, Kind: apierror.KindConfig,
			Message: fmt.Sprintf("tag %q is not a tag name (one path segment, not empty, no '/')", in.Tag)}
	}
	projectID, err := c.ProjectID(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := c.get(ctx, CallShowTag, c.cfg.Endpoint, tagsPath(in.Namespace, in.Repository)+"/"+in.Tag, url.Values{}, projectID)
	if err != nil {
		return nil, err
	}
	tag, err := DecodeTag(resp.Body, in.IncludeManifest)
	if err != nil {
		return nil, c.decodeFailure(CallShowTag, resp, err)
	}
	if tag.Tag != in.Tag {
		return nil, c.decodeFailure(CallShowTag, resp, fmt.Errorf("asked for tag %q, the answer is tag %q", in.Tag, tag.Tag))
	}
	return &tag, nil
}
