// Package ucloud is a client for UCloud UHub's image and tag listings (the
// GetRepoImage and GetImageTag actions), signed with a public and private
// key the way the official SDK signs. It knows nothing of Terraform.
package ucloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
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
	// UHub's "no such repository" and "no such image", not retried.
	RetCodeNoSuchRepo  = 20404
	RetCodeNoSuchImage = 20405
)

const (
	callGetRepoImage = "GetRepoImage"
	callGetImageTag  = "GetImageTag"
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

// Client lists UHub images and tags. It is safe for concurrent use.
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

// projectID is the ProjectId to send: the call's override, else Config's.
func (c *Client) projectID(override string) string {
	if override != "" {
		return override
	}
	return c.cfg.ProjectID
}

// call sends one signed action as the SDK does (a POSTed form) and returns
// the answer, undecoded. The transport retries throttling and service-side
// RetCodes; what the answer means is the caller's to decode.
func (c *Client) call(ctx context.Context, action, projectID string, form url.Values) (*transport.Response, error) {
	form.Set("Action", action)
	if projectID != "" {
		form.Set("ProjectId", projectID)
	}
	// Every action is a read: the same one in flight for another data
	// source is shared. Its identity is the form before signing.
	who := transport.Key{Cloud: CloudName, Form: maps.Clone(form),
		Credentials: []string{c.cfg.PublicKey, c.cfg.PrivateKey, c.cfg.SecurityToken}}
	Sign(form, c.cfg.PublicKey, c.cfg.PrivateKey, c.cfg.SecurityToken)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.Endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, &apierror.Error{Cloud: CloudName, Call: action, Kind: apierror.KindConfig, Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := c.cfg.HTTP.DoShared(ctx, who, req, retryableRetCode)
	if err != nil {
		return nil, apierror.FromTransport(CloudName, action, err)
	}
	return resp, nil
}

// callPage sends one page's request of an offset-paged action.
func (c *Client) callPage(ctx context.Context, action, projectID string, form url.Values, offset, limit int) (*transport.Response, error) {
	form.Set("Offset", strconv.Itoa(offset))
	form.Set("Limit", strconv.Itoa(limit))
	return c.call(ctx, action, projectID, form)
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
	case code == RetCodeNoSuchRepo || code == RetCodeNoSuchImage:
		return false, false
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

// wireHead is what every paged answer carries beside its set. RetCode and
// TotalCount are pointers so that an answer without them is told apart
// from a zero.
type wireHead struct {
	RetCode    *int   `json:"RetCode"`
	Message    string `json:"Message"`
	TotalCount *int   `json:"TotalCount"`
}

func (h *wireHead) answerHead() *wireHead { return h }

// wireAnswer is the JSON of one paged action's answer: a wireHead and the
// set of items (ImageSet, TagSet), counted by size.
type wireAnswer interface {
	answerHead() *wireHead
	size() int
}

// meta is what an error about a page names: its status and request ID.
type meta struct {
	status    int
	requestID string
}

func (m meta) inconsistent(call, msg string) error {
	return &apierror.Error{Cloud: CloudName, Call: call, Kind: apierror.KindInconsistent,
		HTTPStatus: m.status, RequestID: m.requestID, Message: msg}
}

// decodeAnswer decodes an answer of call into w and returns its TotalCount,
// or the error it carries: a non-zero RetCode whatever the HTTP status, an
// HTTP error status, or an answer that is not a complete response (no
// RetCode, no TotalCount beside items, more items than limit). noun names
// the items in messages ("images").
func decodeAnswer(resp *transport.Response, call, noun string, limit int, w wireAnswer) (total int, m meta, err error) {
	if err := json.Unmarshal(resp.Body, w); err != nil {
		// An error answer need not have the success shape; read its RetCode alone.
		if code, msg, ok := head(resp.Body); ok && code != 0 {
			return 0, m, retCodeError(resp, call, code, msg)
		}
		if resp.StatusCode >= 400 {
			return 0, m, statusError(resp, call)
		}
		return 0, m, decodeFailure(resp, call, err)
	}
	h := w.answerHead()
	if h.RetCode == nil {
		if resp.StatusCode >= 400 {
			return 0, m, statusError(resp, call)
		}
		return 0, m, decodeFailure(resp, call, errors.New("answer has no RetCode"))
	}
	if *h.RetCode != 0 {
		return 0, m, retCodeError(resp, call, *h.RetCode, h.Message)
	}
	if resp.StatusCode >= 400 {
		return 0, m, statusError(resp, call)
	}
	switch {
	case h.TotalCount != nil && *h.TotalCount < 0:
		return 0, m, decodeFailure(resp, call, fmt.Errorf("negative TotalCount %d", *h.TotalCount))
	case h.TotalCount != nil:
		total = *h.TotalCount
	case w.size() > 0:
		// Without a total the pages cannot be checked: refuse rather than guess.
		return 0, m, decodeFailure(resp, call, fmt.Errorf("answer lists %s but has no TotalCount", noun))
	}
	if w.size() > limit {
		return 0, m, decodeFailure(resp, call, fmt.Errorf("page holds %d %s, more than the %d asked for", w.size(), noun, limit))
	}
	return total, meta{status: resp.StatusCode, requestID: resp.Header.Get(headerRequestID)}, nil
}

// listing is an offset-paged action as the pager reads it, its errors in
// this client's words: noun is what it lists (singular, "image"), holder
// what holds them ("repository"), whose change is the likely cause of pages
// that do not add up.
func listing[T any](c *Client, call, noun, holder string, key func(*T) string,
	fetch func(ctx context.Context, offset, limit int) (pager.Page[T, meta], error),
) *pager.Offset[T, meta] {
	return &pager.Offset[T, meta]{
		PageSize:    c.cfg.PageSize,
		Concurrency: c.cfg.MaxConcurrency,
		Fetch:       fetch,
		Key:         key,
		TotalChanged: func(from, to int, m meta) error {
			return m.inconsistent(call, fmt.Sprintf("TotalCount changed from %d to %d while listing: the %s changed; run again", from, to, holder))
		},
		Incomplete: func(promised, arrived int, m meta) error {
			return m.inconsistent(call, fmt.Sprintf("TotalCount promised %d %ss but %d arrived: the listing is incomplete; run again", promised, noun, arrived))
		},
		Duplicate: func(key string) error {
			return &apierror.Error{Cloud: CloudName, Call: call, Kind: apierror.KindInconsistent,
				Message: fmt.Sprintf("%s %q arrived on two pages: the %s changed while listing; run again", noun, key, holder)}
		},
	}
}

// KindForRetCode classifies a non-zero RetCode by what the user can do.
func KindForRetCode(code int) apierror.Kind {
	switch {
	case code == RetCodeBadSignature || code == RetCodeNoSuchUser:
		return apierror.KindAuth
	case code == RetCodeNoSuchProject || code == RetCodeNoSuchRepo || code == RetCodeNoSuchImage:
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
func retCodeError(resp *transport.Response, call string, code int, msg string) error {
	return &apierror.Error{Cloud: CloudName, Call: call, Kind: KindForRetCode(code),
		HTTPStatus: resp.StatusCode, Code: strconv.Itoa(code), Message: msg,
		RequestID: resp.Header.Get(headerRequestID), Attempts: resp.Attempts, Missing: retCodeMissing(code, msg)}
}

// retCodeMissing says whether a RetCode means that the repository or image
// does not exist: 20404 and 20405, and, by the tolerant rule for what UHub
// does not document, a RetCode that is not about credentials, permission,
// the project, throttling or a service failure (>= 2000, which may say "not
// available" of the service itself), whose message says so.
func retCodeMissing(code int, msg string) bool {
	switch code {
	case RetCodeNoSuchRepo, RetCodeNoSuchImage:
		return true
	case 0, RetCodeThrottled, RetCodeBadSignature, RetCodeNoSuchUser, RetCodeNoSuchProject, RetCodePermissionDenied:
		return false
	}
	if code >= RetCodeServerMin {
		return false
	}
	m := strings.ToLower(msg)
	return strings.Contains(m, "not exist") || strings.Contains(m, "not found") || strings.Contains(m, "not available")
}

// statusError is an HTTP error status whose body carries no RetCode (a
// gateway's page, typically).
func statusError(resp *transport.Response, call string) error {
	return &apierror.Error{Cloud: CloudName, Call: call, Kind: apierror.KindForStatus(resp.StatusCode),
		HTTPStatus: resp.StatusCode, Message: apierror.Snippet(resp.Body),
		RequestID: resp.Header.Get(headerRequestID), Attempts: resp.Attempts}
}

func decodeFailure(resp *transport.Response, call string, err error) error {
	return &apierror.Error{Cloud: CloudName, Call: call, Kind: apierror.KindDecode,
		HTTPStatus: resp.StatusCode, RequestID: resp.Header.Get(headerRequestID), Attempts: resp.Attempts,
		Message: "malformed answer: " + apierror.Snippet(resp.Body), Err: err}
}
