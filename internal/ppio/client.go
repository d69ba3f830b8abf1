// Package ppio is a client for PPIO's GPU API image listing
// (GET /gpus/v2/images), authorised by a bearer API key. The same API is
// served for Novita, so the endpoint is configurable. It knows nothing of
// Terraform.
package ppio

import (
	"context"
	"fmt"
	"net/url"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
)

// CloudName names the service in errors.
const CloudName = "PPIO"

// Defaults for Config fields left zero.
const (
	DefaultEndpoint = "https://api.ppio.com"
	// DefaultPageSize is what each page asks for. The service's maximum is
	// undocumented: the client asks for this many and takes what it gets.
	DefaultPageSize = 100
)

// Config sets up a Client.
type Config struct {
	Endpoint string // API base URL; DefaultEndpoint when empty
	APIKey   string // sent as "Authorization: Bearer <key>"
	PageSize int    // limit per page; DefaultPageSize when zero
	HTTP     *transport.Client
}

// Client lists PPIO images. It is safe for concurrent use.
type Client struct {
	cfg Config
}

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	if cfg.HTTP == nil {
		return nil, fmt.Errorf("ppio: no HTTP client")
	}
	if cfg.APIKey == "" {
		return nil, fmt.Errorf("ppio: no API key")
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = DefaultEndpoint
	}
	if u, err := url.Parse(cfg.Endpoint); err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("ppio: endpoint %q is not a URL", cfg.Endpoint)
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = DefaultPageSize
	}
	return &Client{cfg: cfg}, nil
}

// get sends an authorised GET and returns the answer, or the service's
// error decoded.
func (c *Client) get(ctx context.Context, call, path string, query url.Values) (*transport.Response, error) {
	req, err := transport.NewGET(ctx, c.cfg.Endpoint, path, query)
	if err != nil {
		return nil, &apierror.Error{Cloud: CloudName, Call: call, Kind: apierror.KindConfig, Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	// PPIO reports everything, throttling included, through the HTTP
	// status, so no body check is needed. The same read in flight for
	// another data source is shared.
	resp, err := c.cfg.HTTP.DoShared(ctx, transport.Key{Cloud: CloudName, Credentials: []string{c.cfg.APIKey}}, req, nil)
	if err != nil {
		return nil, apierror.FromTransport(CloudName, call, err)
	}
	if resp.StatusCode >= 400 {
		return nil, decodeError(call, resp)
	}
	return resp, nil
}
