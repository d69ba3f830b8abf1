// Package swr is a client for Huawei Cloud SWR's tags (ListRepositoryTags,
// ShowRepoTag) and temporary docker logins (CreateSecret), signed with AK/SK (SDK-HMAC-SHA256, package sign) or
// authorised by an IAM token. It knows nothing of Terraform.
package swr

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/swr/sign"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
)

// CloudName names the service in errors.
const CloudName = "Huawei Cloud SWR"

// The calls the client makes, as its errors name them (apierror.Error.Call):
// the operation names of the official SDK.
const (
	CallListTags     = "ListRepositoryTags"
	CallShowTag      = "ShowRepoTag"
	CallCreateSecret = "CreateSecret"
	CallIAMProjects  = "KeystoneListProjects" // the project lookup, at IAMEndpoint
)

// Limits of the tags API.
const (
	MaxPageSize           = 1000
	DefaultIAMEndpoint    = "https://iam.myhuaweicloud.com"
	DefaultMaxConcurrency = 4
)

// EndpointForRegion is the SWR API endpoint of a region, as the SDK's
// region table has it: every region on myhuaweicloud.com but eu-west-101.
func EndpointForRegion(region string) string {
	if region == "eu-west-101" {
		return "https://swr-api.eu-west-101.myhuaweicloud.eu"
	}
	return "https://swr-api." + region + ".myhuaweicloud.com"
}

// Config sets up a Client. Either AccessKey and SecretKey, or AuthToken.
type Config struct {
	Endpoint      string // SWR API base URL
	IAMEndpoint   string // for project-id discovery; DefaultIAMEndpoint when empty
	Region        string // names the project to discover
	AccessKey     string
	SecretKey     string
	SecurityToken string // for temporary AK/SK
	AuthToken     string // IAM token, used instead of AK/SK
	ProjectID     string // discovered through IAM when empty (AK/SK only)

	PageSize       int // MaxPageSize when zero
	MaxConcurrency int // pages fetched at once once the total is known
	HTTP           *transport.Client
	Now            func() time.Time // signing clock; time.Now when nil
}

// Client lists SWR tags. It is safe for concurrent use.
type Client struct {
	cfg Config

	projectMu sync.Mutex
	projectID string // cached IAM answer
}

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	if cfg.HTTP == nil {
		return nil, fmt.Errorf("swr: no HTTP client")
	}
	if cfg.AuthToken == "" && (cfg.AccessKey == "" || cfg.SecretKey == "") {
		return nil, fmt.Errorf("swr: neither an auth token nor an access key and secret key")
	}
	if _, err := url.Parse(cfg.Endpoint); err != nil || cfg.Endpoint == "" {
		return nil, fmt.Errorf("swr: endpoint %q is not a URL", cfg.Endpoint)
	}
	if cfg.IAMEndpoint == "" {
		cfg.IAMEndpoint = DefaultIAMEndpoint
	}
	if cfg.PageSize <= 0 || cfg.PageSize > MaxPageSize {
		cfg.PageSize = MaxPageSize
	}
	if cfg.MaxConcurrency <= 0 {
		cfg.MaxConcurrency = DefaultMaxConcurrency
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Client{cfg: cfg, projectID: cfg.ProjectID}, nil
}

// get sends a GET, authorised the configured way, and returns the answer or
// the service's error decoded.
func (c *Client) get(ctx context.Context, call, base, path string, query url.Values, projectID string) (*transport.Response, error) {
	return c.send(ctx, call, http.MethodGet, base, path, query, nil, projectID)
}

// send is get for any method, with a JSON body (nil for none), which the
// AK/SK signature covers.
func (c *Client) send(ctx context.Context, call, method, base, path string, query url.Values, body []byte, projectID string) (*transport.Response, error) {
	req, err := transport.NewRequest(ctx, method, base, path, query, body)
	if err != nil {
		return nil, &apierror.Error{Cloud: CloudName, Call: call, Kind: apierror.KindConfig, Err: err}
	}
	if c.cfg.AuthToken != "" {
		req.Header.Set("X-Auth-Token", c.cfg.AuthToken)
	} else {
		if projectID != "" {
			req.Header.Set("X-Project-Id", projectID)
		}
		if c.cfg.SecurityToken != "" {
			req.Header.Set("X-Security-Token", c.cfg.SecurityToken)
		}
		sign.Sign(req, body, c.cfg.AccessKey, c.cfg.SecretKey, c.cfg.Now())
	}
	var resp *transport.Response
	if method == http.MethodGet {
		// A read: the same one in flight for another data source is shared
		// (the project header changes the answer, so it counts).
		who := transport.Key{Cloud: CloudName, Credentials: []string{
			c.cfg.AccessKey, c.cfg.SecretKey, c.cfg.SecurityToken, c.cfg.AuthToken, req.Header.Get("X-Project-Id")}}
		resp, err = c.cfg.HTTP.DoShared(ctx, who, req, nil)
	} else {
		// A call that creates something (CreateSecret's login) is never
		// shared: each caller gets a credential of its own.
		resp, err = c.cfg.HTTP.Do(ctx, req, nil)
	}
	if err != nil {
		return nil, apierror.FromTransport(CloudName, call, err)
	}
	if resp.StatusCode >= 400 {
		return nil, decodeError(call, resp)
	}
	return resp, nil
}

// ProjectID returns the configured project ID, or finds the region's
// project through IAM (as the SDK does) and remembers it.
func (c *Client) ProjectID(ctx context.Context) (string, error) {
	if c.cfg.AuthToken != "" {
		return c.cfg.ProjectID, nil // the token is already scoped
	}
	c.projectMu.Lock()
	defer c.projectMu.Unlock()
	if c.projectID != "" {
		return c.projectID, nil
	}
	if c.cfg.Region == "" {
		return "", &apierror.Error{Cloud: CloudName, Call: CallIAMProjects, Kind: apierror.KindConfig,
			Message: "no project ID given and no region to look one up by"}
	}
	resp, err := c.get(ctx, CallIAMProjects, c.cfg.IAMEndpoint, "/v3/projects", url.Values{"name": {c.cfg.Region}}, "")
	if err != nil {
		return "", err
	}
	id, malformed, err := decodeProjects(resp.Body, c.cfg.Region)
	switch {
	case malformed:
		return "", c.decodeFailure(CallIAMProjects, resp, err)
	case err != nil:
		// A region without exactly one project: the project ID must be given.
		return "", &apierror.Error{Cloud: CloudName, Call: CallIAMProjects, Kind: apierror.KindConfig,
			HTTPStatus: resp.StatusCode, RequestID: resp.Header.Get("X-Request-Id"), Message: err.Error()}
	}
	c.projectID = id
	return id, nil
}

// decodeFailure is the error for an answer that is not what call returns:
// it quotes the start of the body (an HTML page from a gateway, a truncated
// JSON) with the status and request ID.
func (c *Client) decodeFailure(call string, resp *transport.Response, err error) error {
	return &apierror.Error{Cloud: CloudName, Call: call, Kind: apierror.KindDecode, HTTPStatus: resp.StatusCode,
		RequestID: resp.Header.Get("X-Request-Id"), Attempts: resp.Attempts,
		Message: "malformed answer: " + apierror.Snippet(resp.Body), Err: err}
}
