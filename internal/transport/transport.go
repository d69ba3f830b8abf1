// Package transport is the one HTTP layer every cloud client uses: retries
// with exponential backoff and jitter (through hashicorp/go-retryablehttp),
// Retry-After, a per-attempt timeout, a bounded body, a shared throttle gate,
// the User-Agent, one tflog line per attempt with no secret in it, and
// in-flight sharing of identical reads (DoShared, share.go).
package transport

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Defaults for Config fields left zero.
const (
	DefaultMaxRetries     = 5
	DefaultRequestTimeout = 30 * time.Second
	DefaultRetryWaitMin   = 500 * time.Millisecond
	DefaultRetryWaitMax   = 30 * time.Second
	DefaultMaxBodyBytes   = 64 << 20
	// maxRetryAfter bounds how long a Retry-After header may make us wait.
	maxRetryAfter = 5 * time.Minute
)

// Config sets up a Client. Zero values take the defaults above.
type Config struct {
	MaxRetries     int           // retries after the first attempt; negative means none
	RequestTimeout time.Duration // one HTTP attempt, body included
	RetryWaitMin   time.Duration
	RetryWaitMax   time.Duration
	MaxBodyBytes   int64  // a larger answer is an error, not a memory blow-up
	UserAgent      string // "terraform-provider-registry/<version>"
	CACertFile     string // extra PEM CA bundle for private endpoints

	// Joined, when set, is called each time a caller of DoShared is
	// registered on a request, with how many callers now wait for it (1:
	// this caller sends it). Tests use it to know callers are sharing
	// before they let the answer out.
	Joined func(waiters int)
}

// Client sends requests. It is safe for concurrent use; the throttle gate is
// shared by every request made through it, so that concurrent page workers
// back off together when the service says it is overloaded.
type Client struct {
	rc             *retryablehttp.Client
	userAgent      string
	maxBodyBytes   int64
	requestTimeout time.Duration
	gate           throttleGate
	share          *sharing
	logMu          *sync.Mutex // every tflog call of this client (see loggingRoundTripper)
}

// Response is a complete answer: the body has been read within the attempt,
// so a connection reset mid-body is retried like any other transport error.
type Response struct {
	StatusCode int
	Header     http.Header
	// Body is read only: DoShared hands one body to every caller of a
	// shared request (a copy each would cost each caller the first touch
	// of a page of up to megabytes). The decoders only read it; the race
	// detector reports a write during the tests' shared reads.
	Body     []byte
	Attempts int

	// decoded is what Decoded made of Body, one for every caller the
	// answer went to; nil for an answer of Do, which has only one.
	decoded *decodings
}

// BodyCheck lets a cloud client ask for a retry based on a 2xx body, for
// services (UCloud) that report throttling inside an HTTP 200.
// It returns throttled=true for throttling, retry=true for any retryable answer.
type BodyCheck func(status int, body []byte) (retry, throttled bool)

// ErrTooLarge is returned when an answer exceeds Config.MaxBodyBytes.
var ErrTooLarge = errors.New("response body exceeds the size limit")

// RetriesExhaustedError reports the last retryable answer after every attempt.
type RetriesExhaustedError struct {
	Attempts int
	Err      error
}

func (e *RetriesExhaustedError) Error() string {
	return fmt.Sprintf("giving up after %d attempts: %v", e.Attempts, e.Err)
}

func (e *RetriesExhaustedError) Unwrap() error { return e.Err }

// New builds a Client from cfg.
func New(cfg Config) (*Client, error) {
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = DefaultMaxRetries
	}
	if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = DefaultRetryWaitMin
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = DefaultRetryWaitMax
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}

	base := cleanhttp.DefaultPooledTransport() // honours HTTPS_PROXY / NO_PROXY
	base.MaxIdleConnsPerHost = 16
	if cfg.CACertFile != "" {
		pool, err := loadCAPool(cfg.CACertFile)
		if err != nil {
			return nil, err
		}
		base.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}

	share, err := newSharing(cfg.Joined)
	if err != nil {
		return nil, err
	}
	c := &Client{userAgent: cfg.UserAgent, maxBodyBytes: cfg.MaxBodyBytes, requestTimeout: cfg.RequestTimeout,
		share: share, logMu: &sync.Mutex{}}
	c.rc = &retryablehttp.Client{
		HTTPClient: &http.Client{
			Transport: loggingRoundTripper{next: base, mu: c.logMu},
			Timeout:   cfg.RequestTimeout,
		},
		Logger:         nil, // every attempt is logged by loggingRoundTripper
		RetryWaitMin:   cfg.RetryWaitMin,
		RetryWaitMax:   cfg.RetryWaitMax,
		RetryMax:       cfg.MaxRetries,
		RequestLogHook: countAttempt,
		CheckRetry:     c.checkRetry,
		Backoff:        c.backoff,
		ErrorHandler:   c.giveUp,
	}
	return c, nil
}

func loadCAPool(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading ca_cert_file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("ca_cert_file %s holds no PEM certificate", file)
	}
	return pool, nil
}

// attemptState follows one logical request through its attempts.
type attemptState struct {
	attempt   int
	check     BodyCheck
	body      []byte
	throttled bool
}

type stateKey struct{}

func stateFrom(ctx context.Context) *attemptState {
	s, _ := ctx.Value(stateKey{}).(*attemptState)
	return s
}

// Do sends req with retries and returns the whole answer. A non-2xx status is
// not an error here: the cloud client decodes it into its own error shape.
// An error is returned only when no final answer could be read.
func (c *Client) Do(ctx context.Context, req *http.Request, check BodyCheck) (*Response, error) {
	if err := c.gate.wait(ctx); err != nil {
		return nil, err
	}
	st := &attemptState{check: check}
	ctx = context.WithValue(ctx, stateKey{}, st)
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	rreq, err := retryablehttp.FromRequest(req.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	rreq.SetResponseHandler(func(resp *http.Response) error {
		body, err := readLimited(resp.Body, resp.ContentLength, c.maxBodyBytes, sizeHint(ctx))
		if err != nil {
			return err
		}
		st.body = body
		if st.check != nil {
			if retry, throttled := st.check(resp.StatusCode, body); retry {
				st.throttled = throttled
				return errRetryableBody
			}
		}
		st.throttled = false
		return nil
	})
	resp, err := c.rc.Do(rreq)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, err
	}
	_ = resp.Body.Close() // already read to the end; closing again is harmless
	return &Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: st.body, Attempts: st.attempt}, nil
}

var errRetryableBody = errors.New("retryable answer")

// NewGET builds a GET of base+path?query that asks for JSON: the request
// the SWR, IAM and PPIO clients sign or authorise.
func NewGET(ctx context.Context, base, path string, query url.Values) (*http.Request, error) {
	return NewRequest(ctx, http.MethodGet, base, path, query, nil)
}

// NewRequest builds a method request of base+path?query that asks for
// JSON; a body, when given, is sent as JSON (Content-Type
// application/json). A POST without a body still says application/json,
// as SWR's CreateSecret wants. The body can be sent again on a retry.
func NewRequest(ctx context.Context, method, base, path string, query url.Values, body []byte) (*http.Request, error) {
	u, err := url.Parse(strings.TrimSuffix(base, "/"))
	if err != nil {
		return nil, err
	}
	u.Path += path
	u.RawQuery = query.Encode()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil || method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// sizeHintKey carries WithSizeHint's hint.
type sizeHintKey struct{}

// WithSizeHint says that the answer to the request made with ctx is likely
// about n bytes long, such as the page before it in a listing: an answer
// that does not announce its length (a chunked one) is then read into one
// buffer of a little more than that, instead of into growing chunks joined
// at the end (twice the memory, and a copy). A wrong hint costs only that.
func WithSizeHint(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, sizeHintKey{}, n)
}

func sizeHint(ctx context.Context) int {
	n, _ := ctx.Value(sizeHintKey{}).(int)
	return n
}

func readLimited(r io.ReadCloser, size, limit int64, hint int) ([]byte, error) {
	defer func() { _ = r.Close() }()
	if size > limit {
		return nil, fmt.Errorf("%w of %d bytes", ErrTooLarge, limit)
	}
	lr := io.LimitReader(r, limit+1)
	if size >= 0 {
		// The announced size: one allocation, no copy.
		body := make([]byte, size)
		if _, err := io.ReadFull(lr, body); err != nil {
			return nil, fmt.Errorf("reading response body: %w", err)
		}
		return body, nil
	}
	if hint > 0 {
		// One buffer of the hint and an eighth more, grown (by append)
		// only if the answer is larger still.
		body := make([]byte, 0, min(int64(hint)+int64(hint)/8+512, limit+1))
		for {
			if len(body) == cap(body) {
				body = append(body, 0)[:len(body)]
			}
			m, err := lr.Read(body[len(body):cap(body)])
			body = body[:len(body)+m]
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("reading response body: %w", err)
			}
		}
		if int64(len(body)) > limit {
			return nil, fmt.Errorf("%w of %d bytes", ErrTooLarge, limit)
		}
		return body, nil
	}
	// No Content-Length (a chunked answer): read into chunks of growing
	// size and join them once, so that each byte is copied once; growing
	// one slice copied and cleared a 1,000-tag page several times over.
	var chunks [][]byte
	n, chunk := int64(0), 64<<10
	for {
		buf := make([]byte, chunk)
		m, err := io.ReadFull(lr, buf)
		chunks = append(chunks, buf[:m])
		n += int64(m)
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading response body: %w", err)
		}
		chunk = min(chunk*2, 4<<20)
	}
	if n > limit {
		return nil, fmt.Errorf("%w of %d bytes", ErrTooLarge, limit)
	}
	if len(chunks) == 1 {
		return chunks[0], nil
	}
	return bytes.Join(chunks, nil), nil
}

func countAttempt(_ retryablehttp.Logger, req *http.Request, i int) {
	if st := stateFrom(req.Context()); st != nil {
		st.attempt = i + 1
	}
}

// checkRetry retries connection errors, 429, 5xx, body-read failures and
// bodies the cloud client marks retryable; it never retries a cancelled
// context, an oversize body or a certificate failure.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	st := stateFrom(ctx)
	switch {
	case errors.Is(err, errRetryableBody):
		return true, nil
	case errors.Is(err, ErrTooLarge):
		return false, err
	case err != nil:
		retry, _ := retryablehttp.DefaultRetryPolicy(ctx, nil, err)
		return retry, err
	}
	if st != nil {
		st.throttled = resp.StatusCode == http.StatusTooManyRequests
	}
	code := resp.StatusCode
	return code == http.StatusTooManyRequests || code == 0 || (code >= 500 && code != http.StatusNotImplemented), nil
}

// backoff is exponential with jitter, honours Retry-After, and raises the
// shared gate on throttling so every concurrent request waits too.
func (c *Client) backoff(minWait, maxWait time.Duration, attemptNum int, resp *http.Response) time.Duration {
	wait, fromHeader := retryAfter(resp)
	if !fromHeader {
		ceiling := minWait << min(attemptNum, 20)
		if ceiling > maxWait || ceiling <= 0 {
			ceiling = maxWait
		}
		// "Equal jitter": half fixed, half random, so waits never collapse to zero.
		wait = ceiling/2 + rand.N(ceiling/2+1)
	}
	if resp != nil {
		if st := stateFrom(resp.Request.Context()); st != nil && st.throttled {
			return c.gate.raise(wait)
		}
	}
	// A retry for another reason still waits out a pause others raised.
	return max(wait, c.gate.remaining())
}

// retryAfter reads a Retry-After header (seconds or HTTP-date) on 429 or 503.
func retryAfter(resp *http.Response) (time.Duration, bool) {
	if resp == nil || (resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable) {
		return 0, false
	}
	v := resp.Header.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	var d time.Duration
	if secs, err := strconv.Atoi(v); err == nil {
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = time.Until(t)
	} else {
		return 0, false
	}
	return min(max(d, 0), maxRetryAfter), true
}

// giveUp runs when retries are exhausted or a non-retryable error occurred.
// A final HTTP answer (an error status, or a body the cloud marked retryable)
// goes back to the cloud client to decode with the attempt count; a transport
// failure becomes an error.
func (c *Client) giveUp(resp *http.Response, err error, attempts int) (*http.Response, error) {
	if resp != nil && (err == nil || errors.Is(err, errRetryableBody)) {
		if st := stateFrom(resp.Request.Context()); st != nil && err == nil {
			body, rerr := readLimited(resp.Body, resp.ContentLength, c.maxBodyBytes, sizeHint(resp.Request.Context()))
			if rerr != nil {
				return nil, &RetriesExhaustedError{Attempts: attempts, Err: rerr}
			}
			st.body = body
		}
		return resp, nil
	}
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	// Not a test for context.DeadlineExceeded: an http.Client.Timeout error
	// (one attempt timing out) matches it too, and must keep its attempt
	// count. The caller's own deadline never gets here wrapped: Do returns
	// ctx.Err() whenever the caller's context is done.
	if isTimeout(err) {
		// The caller's context is not done (Do returns ctx.Err() first), so
		// this is one attempt running out of RequestTimeout.
		err = fmt.Errorf("no answer within the request timeout of %s: %w", c.requestTimeout, err)
	}
	if attempts > 1 && !errors.Is(err, context.Canceled) {
		return nil, &RetriesExhaustedError{Attempts: attempts, Err: err}
	}
	return nil, err
}

func isTimeout(err error) bool {
	var ne interface{ Timeout() bool }
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// throttleGate holds back new attempts until a throttling pause has passed.
// Each request waits out the pause plus a random part of up to a fifth of
// it: released all at once, the requests held back would reach the service
// in the same order every time, and one that a service throttles by its
// place in a burst (the load story's fake: every 7th request) would be
// throttled on every retry.
type throttleGate struct {
	mu    sync.Mutex
	until time.Time
}

// raise extends the pause to at least d from now and returns the wait left.
func (g *throttleGate) raise(d time.Duration) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t := time.Now().Add(d); t.After(g.until) {
		g.until = t
	}
	return spread(time.Until(g.until))
}

// remaining is the wait left before a new attempt: none outside a pause.
func (g *throttleGate) remaining() time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	return spread(time.Until(g.until))
}

// spread is a wait of d plus a random part of up to d/5; zero for d <= 0.
func spread(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return d + rand.N(d/5+1)
}

func (g *throttleGate) wait(ctx context.Context) error {
	d := g.remaining()
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// loggingRoundTripper writes one debug line per attempt. It logs the method,
// the URL without its query values' secrets (no client puts secrets in URLs),
// the status, the duration and the attempt number; never a header or a body.
//
// Its calls to tflog are serialised: with masking options on the context,
// terraform-plugin-log masks the context's shared field map in place, so
// concurrent page workers logging under one context would race on it.
type loggingRoundTripper struct {
	next http.RoundTripper
	mu   *sync.Mutex
}

func (l loggingRoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := l.next.RoundTrip(req)
	ctx := req.Context()
	fields := map[string]any{
		"method":      req.Method,
		"url":         req.URL.Redacted(),
		"duration_ms": time.Since(start).Milliseconds(),
	}
	if st := stateFrom(ctx); st != nil {
		fields["attempt"] = st.attempt
	}
	if err != nil {
		fields["error"] = err.Error()
	} else {
		fields["status"] = resp.StatusCode
	}
	l.mu.Lock()
	tflog.Debug(ctx, "HTTP attempt", fields)
	l.mu.Unlock()
	return resp, err
}
