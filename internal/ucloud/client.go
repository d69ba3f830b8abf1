// Package ucloud is a client for UCloud UHub's image listing (the
// GetRepoImage action), signed with a public and private key the way the
// official SDK signs. It knows nothing of Terraform.
package ucloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/apitime"
	"github.com/registry-tools/terraform-provider-registry/internal/pager"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
)

// CloudName names the service in errors.
const CloudName = "UCloud UHub"

// Defaults for Config fields left zero. UHub's maximum Limit is not
// documented: ask for DefaultPageSize and step by what the service gives.
const (
	DefaultEndpoint       = "https://api.ucloud.cn"
	DefaultPageSize       = 100
	DefaultMaxConcurrency = 4
)

// RetCodes the client treats specially (API-NOTES). Any other non-zero
// RetCode below RetCodeServerMin is a rejected request.
const (
	RetCodeThrottled        = 153  // retried with backoff
	RetCodeBadSignature     = 171  // wrong private key
	RetCodeNoSuchUser       = 172  // unknown public key
	RetCodeNoSuchProject    = 292  // unknown ProjectId
	RetCodePermissionDenied = 299  // key valid, not allowed
	RetCodeServerMin        = 2000 // this and above: service-side, retried
)

const (
	callGetRepoImage = "GetRepoImage"
	headerRequestID  = "X-UCLOUD-REQUEST-UUID"
)

// Config sets up a Client.
type Config struct {
	Endpoint      string // API base URL; DefaultEndpoint when empty
	PublicKey     string
	PrivateKey    string
	SecurityToken string // for temporary (STS) keys
	ProjectID     string // default project when empty; required for sub-accounts

	PageSize       int // Limit asked for; DefaultPageSize when zero
	MaxConcurrency int // pages fetched at once once the total is known
	HTTP           *transport.Client
}

// Client lists UHub images. It is safe for concurrent use.
type Client struct {
	cfg Config
}

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	if cfg.HTTP == nil {
		return nil, errors.New("ucloud: no HTTP client")
	}
	if cfg.PublicKey == "" || cfg.PrivateKey == "" {
		return nil, errors.New("ucloud: a public key and a private key are both needed")
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = DefaultEndpoint
	}
	if u, err := url.Parse(cfg.Endpoint); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("ucloud: endpoint %q is not an http(s) URL", cfg.Endpoint)
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = DefaultPageSize
	}
	if cfg.MaxConcurrency <= 0 {
		cfg.MaxConcurrency = DefaultMaxConcurrency
	}
	return &Client{cfg: cfg}, nil
}

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
	projectID := in.ProjectID
	if projectID == "" {
		projectID = c.cfg.ProjectID
	}
	limit := c.cfg.PageSize

	first, err := c.page(ctx, in.RepoName, projectID, 0, limit)
	if err != nil {
		return nil, err
	}
	list := &ImageList{Images: first.images, TotalCount: first.total, Requests: 1}
	got := len(first.images)
	if got > 0 && got < limit && got < first.total {
		limit = got // the service capped the page: step by what it gives
	}

	// An empty first page ends the listing; the count check below decides
	// whether that is an empty repository or a short answer.
	if got > 0 && got < first.total {
		pages := (first.total - got + limit - 1) / limit // pages after the first
		rest, err := pager.Rest(ctx, pages, c.cfg.MaxConcurrency, func(ctx context.Context, i int) ([]Image, error) {
			p, err := c.page(ctx, in.RepoName, projectID, got+i*limit, limit)
			if err != nil {
				return nil, err
			}
			if p.total != first.total {
				return nil, p.inconsistent(fmt.Sprintf("TotalCount changed from %d to %d while listing: the repository changed; run again", first.total, p.total))
			}
			return p.images, nil
		})
		if err != nil {
			return nil, err
		}
		list.Requests += pages
		list.Images = append(list.Images, rest...)
	}
	if len(list.Images) != first.total {
		return nil, first.inconsistent(fmt.Sprintf("TotalCount promised %d images but %d arrived: the listing is incomplete; run again", first.total, len(list.Images)))
	}
	return list, checkUnique(list.Images)
}

type imagePage struct {
	images    []Image
	total     int
	requestID string
	status    int
}

func (p *imagePage) inconsistent(msg string) error {
	return &apierror.Error{Cloud: CloudName, Call: callGetRepoImage, Kind: apierror.KindInconsistent,
		HTTPStatus: p.status, RequestID: p.requestID, Message: msg}
}

// page sends one signed GetRepoImage as the SDK does (a POSTed form) and
// decodes the answer or the service's error.
func (c *Client) page(ctx context.Context, repo, projectID string, offset, limit int) (*imagePage, error) {
	form := url.Values{
		"Action":   {callGetRepoImage},
		"RepoName": {repo},
		"Offset":   {strconv.Itoa(offset)},
		"Limit":    {strconv.Itoa(limit)},
	}
	if projectID != "" {
		form.Set("ProjectId", projectID)
	}
	Sign(form, c.cfg.PublicKey, c.cfg.PrivateKey, c.cfg.SecurityToken)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.Endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, &apierror.Error{Cloud: CloudName, Call: callGetRepoImage, Kind: apierror.KindConfig, Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := c.cfg.HTTP.Do(ctx, req, retryableRetCode)
	if err != nil {
		return nil, apierror.FromTransport(CloudName, callGetRepoImage, err)
	}
	return decodePage(resp, repo, limit)
}

// retryableRetCode asks the transport to retry throttling (153) and
// service-side failures (>= 2000), which UCloud reports in an HTTP 200.
func retryableRetCode(_ int, body []byte) (retry, throttled bool) {
	code, _, ok := head(body)
	switch {
	case !ok:
		return false, false
	case code == RetCodeThrottled:
		return true, true
	case code >= RetCodeServerMin:
		return true, false
	}
	return false, false
}

// head reads only the RetCode and Message of an answer.
func head(body []byte) (code int, message string, ok bool) {
	var h struct {
		RetCode *int   `json:"RetCode"`
		Message string `json:"Message"`
	}
	if json.Unmarshal(body, &h) != nil || h.RetCode == nil {
		return 0, "", false
	}
	return *h.RetCode, h.Message, true
}

// wirePage is the JSON of a GetRepoImage answer. RetCode and TotalCount are
// pointers so that an answer without them is told apart from a zero.
type wirePage struct {
	RetCode    *int        `json:"RetCode"`
	Message    string      `json:"Message"`
	TotalCount *int        `json:"TotalCount"`
	ImageSet   []wireImage `json:"ImageSet"`
}

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

// decodePage turns an answer into a page, or into the error it carries: a
// non-zero RetCode whatever the HTTP status, an HTTP error status, or an
// answer that is not a complete GetRepoImage response.
func decodePage(resp *transport.Response, repo string, limit int) (*imagePage, error) {
	var w wirePage
	if err := json.Unmarshal(resp.Body, &w); err != nil {
		// An error answer need not have the success shape; read its RetCode alone.
		if code, msg, ok := head(resp.Body); ok && code != 0 {
			return nil, retCodeError(resp, code, msg)
		}
		if resp.StatusCode >= 400 {
			return nil, statusError(resp)
		}
		return nil, decodeFailure(resp, err)
	}
	if w.RetCode == nil {
		if resp.StatusCode >= 400 {
			return nil, statusError(resp)
		}
		return nil, decodeFailure(resp, errors.New("answer has no RetCode"))
	}
	if *w.RetCode != 0 {
		return nil, retCodeError(resp, *w.RetCode, w.Message)
	}
	if resp.StatusCode >= 400 {
		return nil, statusError(resp)
	}
	p := &imagePage{requestID: resp.Header.Get(headerRequestID), status: resp.StatusCode}
	switch {
	case w.TotalCount != nil && *w.TotalCount < 0:
		return nil, decodeFailure(resp, fmt.Errorf("negative TotalCount %d", *w.TotalCount))
	case w.TotalCount != nil:
		p.total = *w.TotalCount
	case len(w.ImageSet) > 0:
		// Without a total the pages cannot be checked: refuse rather than guess.
		return nil, decodeFailure(resp, errors.New("answer lists images but has no TotalCount"))
	}
	if len(w.ImageSet) > limit {
		return nil, decodeFailure(resp, fmt.Errorf("page holds %d images, more than the %d asked for", len(w.ImageSet), limit))
	}
	p.images = make([]Image, 0, len(w.ImageSet))
	for i, wi := range w.ImageSet {
		if wi.ImageName == "" {
			return nil, decodeFailure(resp, fmt.Errorf("image %d has no ImageName", i))
		}
		if wi.RepoName == "" {
			wi.RepoName = repo // the doc's own example leaves it out
		}
		p.images = append(p.images, Image{
			ImageName: wi.ImageName, RepoName: wi.RepoName, PullCount: wi.PullCount,
			CreateTime: wi.CreateTime.Time, UpdateTime: wi.UpdateTime.Time, LatestTag: wi.LatestTag,
		})
	}
	return p, nil
}

// KindForRetCode classifies a non-zero RetCode by what the user can do.
func KindForRetCode(code int) apierror.Kind {
	switch {
	case code == RetCodeBadSignature || code == RetCodeNoSuchUser:
		return apierror.KindAuth
	case code == RetCodeNoSuchProject:
		return apierror.KindNotFound
	case code == RetCodePermissionDenied:
		return apierror.KindPermission
	case code == RetCodeThrottled:
		return apierror.KindThrottled
	case code >= RetCodeServerMin:
		return apierror.KindServer
	}
	return apierror.KindBadRequest
}

// retCodeError is the error of a RetCode; what the user should do about it
// is the provider's to say, in its own argument names.
func retCodeError(resp *transport.Response, code int, msg string) error {
	return &apierror.Error{Cloud: CloudName, Call: callGetRepoImage, Kind: KindForRetCode(code),
		HTTPStatus: resp.StatusCode, Code: strconv.Itoa(code), Message: msg,
		RequestID: resp.Header.Get(headerRequestID), Attempts: resp.Attempts}
}

// statusError is an HTTP error status whose body carries no RetCode (a
// gateway's page, typically).
func statusError(resp *transport.Response) error {
	return &apierror.Error{Cloud: CloudName, Call: callGetRepoImage, Kind: apierror.KindForStatus(resp.StatusCode),
		HTTPStatus: resp.StatusCode, Message: apierror.Snippet(resp.Body),
		RequestID: resp.Header.Get(headerRequestID), Attempts: resp.Attempts}
}

func decodeFailure(resp *transport.Response, err error) error {
	return &apierror.Error{Cloud: CloudName, Call: callGetRepoImage, Kind: apierror.KindDecode,
		HTTPStatus: resp.StatusCode, RequestID: resp.Header.Get(headerRequestID), Attempts: resp.Attempts,
		Message: "malformed answer: " + apierror.Snippet(resp.Body), Err: err}
}

// checkUnique rejects a listing with one image on two pages: the repository
// changed under the listing, so some other image may be missing.
func checkUnique(images []Image) error {
	if name, dup := pager.Duplicate(images, func(im *Image) string { return im.ImageName }); dup {
		return &apierror.Error{Cloud: CloudName, Call: callGetRepoImage, Kind: apierror.KindInconsistent,
			Message: fmt.Sprintf("image %q arrived on two pages: the repository changed while listing; run again", name)}
	}
	return nil
}
