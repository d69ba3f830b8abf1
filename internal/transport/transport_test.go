// The tests are in package transport (not transport_test) for one reason:
// TestThrottleGateHoldsNewRequests must start its second request only once
// the first request's 429 has raised the shared gate, and the gate is the
// only place that moment can be observed without sleeping. Every other test
// uses the exported API only.
package transport

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/registry-tools/terraform-provider-registry/internal/testwait"
)

// testRetries is the MaxRetries of the fast test configuration: every
// "retries exhausted" case therefore sees testRetries+1 attempts.
const testRetries = 3

// fastConfig retries quickly so that backoff never slows the tests down.
func fastConfig() Config {
	return Config{MaxRetries: testRetries, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond}
}

func newClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// server is an httptest server that numbers the requests it receives and
// records when each arrived.
type server struct {
	*httptest.Server
	mu       sync.Mutex
	arrivals []time.Time
	requests []*http.Request
}

// serve starts a server whose handler gets the 0-based number of the request.
func serve(t *testing.T, handler func(n int, w http.ResponseWriter, r *http.Request)) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		n := len(s.arrivals)
		s.arrivals = append(s.arrivals, time.Now())
		s.requests = append(s.requests, r.Clone(context.Background()))
		s.mu.Unlock()
		handler(n, w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) hits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.arrivals)
}

func (s *server) arrival(i int) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.arrivals[i]
}

func (s *server) request(i int) *http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[i]
}

func get(ctx context.Context, t *testing.T, c *Client, url string, check BodyCheck) (*Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c.Do(ctx, req, check)
}

// TestRetryAfterHonoured: a 429 is retried and the answer after it returned;
// a Retry-After in either form holds the retry back for as long as it says.
// These are the only tests that wait for real (about a second, in parallel).
// The gap checked is a lower bound, measured from before the 429 was
// written: a slow machine only makes it longer.
func TestRetryAfterHonoured(t *testing.T) {
	cases := []struct {
		name       string
		retryAfter func() string
		minGap     time.Duration
	}{
		{name: "no header", retryAfter: func() string { return "" }},
		{name: "seconds", retryAfter: func() string { return "1" }, minGap: 900 * time.Millisecond},
		// http.TimeFormat has whole seconds, so now+1s may truncate to
		// "a few milliseconds from now"; now+2s always lies over a second ahead.
		{name: "HTTP-date", retryAfter: func() string { return time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat) }, minGap: 900 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, func(n int, w http.ResponseWriter, _ *http.Request) {
				if n == 0 {
					if v := tc.retryAfter(); v != "" {
						w.Header().Set("Retry-After", v)
					}
					w.WriteHeader(http.StatusTooManyRequests)
					_, _ = io.WriteString(w, `{"error":"slow down"}`)
					return
				}
				_, _ = io.WriteString(w, "ok")
			})
			resp, err := get(t.Context(), t, newClient(t, fastConfig()), srv.URL, nil)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusOK || string(resp.Body) != "ok" || resp.Attempts != 2 {
				t.Fatalf("got status %d body %q after %d attempts; want 200 \"ok\" after 2", resp.StatusCode, resp.Body, resp.Attempts)
			}
			if srv.hits() != 2 {
				t.Fatalf("server saw %d requests, want 2", srv.hits())
			}
			if gap := srv.arrival(1).Sub(srv.arrival(0)); gap < tc.minGap {
				t.Fatalf("retry came %v after the 429, want at least %v (Retry-After ignored)", gap, tc.minGap)
			}
		})
	}
}

// TestServerErrorsRetried: 500/502/503 are retried; a burst shorter than the
// retry budget ends in success, a longer one hands the last error answer
// (status and body) back to the cloud client to decode, not a Go error.
func TestServerErrorsRetried(t *testing.T) {
	for _, status := range []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable} {
		for _, failures := range []int{1, testRetries, testRetries + 1} {
			t.Run(fmt.Sprintf("%d x%d", status, failures), func(t *testing.T) {
				t.Parallel()
				srv := serve(t, func(n int, w http.ResponseWriter, _ *http.Request) {
					if n < failures {
						w.WriteHeader(status)
						_, _ = fmt.Fprintf(w, `{"code":%d}`, n)
						return
					}
					_, _ = io.WriteString(w, "ok")
				})
				resp, err := get(t.Context(), t, newClient(t, fastConfig()), srv.URL, nil)
				if err != nil {
					t.Fatalf("got error %v; want the final HTTP answer", err)
				}
				wantAttempts, wantStatus, wantBody := failures+1, http.StatusOK, "ok"
				if failures > testRetries {
					wantAttempts, wantStatus, wantBody = testRetries+1, status, fmt.Sprintf(`{"code":%d}`, testRetries)
				}
				if resp.StatusCode != wantStatus || string(resp.Body) != wantBody || resp.Attempts != wantAttempts {
					t.Fatalf("got %d %q after %d attempts; want %d %q after %d",
						resp.StatusCode, resp.Body, resp.Attempts, wantStatus, wantBody, wantAttempts)
				}
				if srv.hits() != wantAttempts {
					t.Fatalf("server saw %d requests, want %d", srv.hits(), wantAttempts)
				}
			})
		}
	}
}

// TestClientErrorsNotRetried: 501 and every 4xx but 429 are final answers.
func TestClientErrorsNotRetried(t *testing.T) {
	statuses := []int{
		http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden,
		http.StatusNotFound, http.StatusConflict, http.StatusNotImplemented,
	}
	for _, status := range statuses {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			srv := serve(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(status)
				_, _ = io.WriteString(w, `{"message":"no"}`)
			})
			resp, err := get(t.Context(), t, newClient(t, fastConfig()), srv.URL, nil)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != status || resp.Attempts != 1 || string(resp.Body) != `{"message":"no"}` {
				t.Fatalf("got %d %q after %d attempts; want %d after 1", resp.StatusCode, resp.Body, resp.Attempts, status)
			}
			if srv.hits() != 1 {
				t.Fatalf("server saw %d requests, want 1", srv.hits())
			}
		})
	}
}

// resetMidBody promises a long body, sends a little and drops the connection.
func resetMidBody(t *testing.T, w http.ResponseWriter) {
	w.Header().Set("Content-Length", "100000")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, `[{"id":1,`)
	w.(http.Flusher).Flush()
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	_ = conn.Close()
}

// TestConnectionResetMidBody: the body is read inside the attempt, so a
// connection dropped half-way through it is retried like any transport error.
func TestConnectionResetMidBody(t *testing.T) {
	for _, resets := range []int{1, testRetries, testRetries + 1} {
		t.Run(fmt.Sprintf("%d resets", resets), func(t *testing.T) {
			t.Parallel()
			srv := serve(t, func(n int, w http.ResponseWriter, _ *http.Request) {
				if n < resets {
					resetMidBody(t, w)
					return
				}
				_, _ = io.WriteString(w, `[{"id":1}]`)
			})
			resp, err := get(t.Context(), t, newClient(t, fastConfig()), srv.URL, nil)
			if resets <= testRetries {
				if err != nil {
					t.Fatal(err)
				}
				if string(resp.Body) != `[{"id":1}]` || resp.Attempts != resets+1 {
					t.Fatalf("got %q after %d attempts; want the whole body after %d", resp.Body, resp.Attempts, resets+1)
				}
				return
			}
			var ex *RetriesExhaustedError
			if !errors.As(err, &ex) || ex.Attempts != testRetries+1 {
				t.Fatalf("got %v (%T); want a RetriesExhaustedError after %d attempts", err, err, testRetries+1)
			}
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("got %v; want it to wrap the truncated read", err)
			}
			if srv.hits() != testRetries+1 {
				t.Fatalf("server saw %d requests, want %d", srv.hits(), testRetries+1)
			}
		})
	}
}

// TestRequestTimeoutPerAttempt: RequestTimeout bounds each attempt, headers
// and body alike; every timed-out attempt is retried and the final error says
// how many attempts were made and that they timed out.
func TestRequestTimeoutPerAttempt(t *testing.T) {
	cases := []struct {
		name  string
		stall func(w http.ResponseWriter, r *http.Request)
	}{
		{name: "before headers", stall: func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }},
		{name: "mid body", stall: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, `{"items":[`)
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, func(_ int, w http.ResponseWriter, r *http.Request) { tc.stall(w, r) })
			cfg := fastConfig()
			cfg.RequestTimeout = 50 * time.Millisecond
			_, err := get(t.Context(), t, newClient(t, cfg), srv.URL, nil)
			var ex *RetriesExhaustedError
			if !errors.As(err, &ex) || ex.Attempts != testRetries+1 {
				t.Fatalf("got %v (%T); want a RetriesExhaustedError after %d attempts", err, err, testRetries+1)
			}
			var netErr net.Error
			if !errors.As(err, &netErr) || !netErr.Timeout() {
				t.Fatalf("got %v; want a timeout", err)
			}
			if srv.hits() != testRetries+1 {
				t.Fatalf("server saw %d requests, want %d", srv.hits(), testRetries+1)
			}
		})
	}
}

// TestCancelMidRequest: cancelling the caller's context stops a request in
// flight at once: the connection is dropped (the service sees the client
// hang up), it is not retried, Do reports context.Canceled and no goroutine
// of this package or of the retry library is left running. Not parallel:
// it reads every goroutine's stack, and another test's requests would be
// there too.
func TestCancelMidRequest(t *testing.T) {
	arrived := make(chan struct{})
	hungUp := make(chan struct{})
	var once sync.Once
	srv := serve(t, func(_ int, _ http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(arrived) })
		<-r.Context().Done()
		close(hungUp)
	})

	cfg := fastConfig()
	cfg.RequestTimeout = time.Minute // only the cancellation can end the attempt
	c := newClient(t, cfg)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	type result struct {
		resp *Response
		err  error
	}
	done := make(chan result, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		resp, err := c.Do(ctx, req, nil)
		done <- result{resp, err}
	}()
	<-arrived
	cancel()
	res := testwait.Receive(t, "Do to return after its context was cancelled", done)
	if !errors.Is(res.err, context.Canceled) || res.resp != nil {
		t.Fatalf("got %v, %v; want context.Canceled and no answer", res.resp, res.err)
	}
	if srv.hits() != 1 {
		t.Fatalf("server saw %d requests, want 1 (a cancelled request is not retried)", srv.hits())
	}

	// The service sees the connection go: the cancelled request does not
	// stay open on it.
	testwait.Receive(t, "the service to see the cancelled request's connection close", hungUp)
	// Do returned, so nothing of the request should run any more; a
	// goroutine of ours still unwinding gets the time it needs, one stuck
	// would stay forever. (Not a goroutine count: net/http's own idle-pool
	// goroutines come and go as they please.)
	testwait.Until(t, "the request's goroutines to end", func() bool { return requestGoroutines() == "" })
}

// requestGoroutines returns the stacks, other than the caller's, running a
// Client method or the retry library.
func requestGoroutines() string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	stacks := strings.Split(string(buf), "\n\n")
	var out []string
	for _, st := range stacks[1:] { // the first is the caller's
		if strings.Contains(st, "/internal/transport.(*") || strings.Contains(st, "go-retryablehttp") {
			out = append(out, st)
		}
	}
	return strings.Join(out, "\n\n")
}

// TestBodyTooLarge: an answer over MaxBodyBytes is an error, not retried.
func TestBodyTooLarge(t *testing.T) {
	const limit = 16
	for _, size := range []int{limit, limit + 1, 10 * limit} {
		t.Run(strconv.Itoa(size), func(t *testing.T) {
			t.Parallel()
			srv := serve(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				_, _ = w.Write(bytes.Repeat([]byte("x"), size))
			})
			cfg := fastConfig()
			cfg.MaxBodyBytes = limit
			resp, err := get(t.Context(), t, newClient(t, cfg), srv.URL, nil)
			if size <= limit {
				if err != nil || len(resp.Body) != size {
					t.Fatalf("got %v; want the %d-byte body", err, size)
				}
				return
			}
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("got %v; want ErrTooLarge", err)
			}
			if srv.hits() != 1 {
				t.Fatalf("server saw %d requests, want 1", srv.hits())
			}
		})
	}
}

// TestBodyCheck: a 200 that the cloud client marks as throttling is retried;
// when it never stops, the last such answer is handed back for decoding.
func TestBodyCheck(t *testing.T) {
	const throttledBody = `{"RetCode":172,"Message":"throttled"}`
	check := func(status int, body []byte) (retry, throttled bool) {
		t := status == http.StatusOK && bytes.Contains(body, []byte("throttled"))
		return t, t
	}
	for _, throttles := range []int{0, 2, testRetries + 1} {
		t.Run(fmt.Sprintf("%d throttled", throttles), func(t *testing.T) {
			t.Parallel()
			srv := serve(t, func(n int, w http.ResponseWriter, _ *http.Request) {
				if n < throttles {
					_, _ = io.WriteString(w, throttledBody)
					return
				}
				_, _ = io.WriteString(w, `{"RetCode":0}`)
			})
			resp, err := get(t.Context(), t, newClient(t, fastConfig()), srv.URL, check)
			if err != nil {
				t.Fatal(err)
			}
			wantAttempts, wantBody := throttles+1, `{"RetCode":0}`
			if throttles > testRetries {
				wantAttempts, wantBody = testRetries+1, throttledBody
			}
			if resp.StatusCode != http.StatusOK || string(resp.Body) != wantBody || resp.Attempts != wantAttempts {
				t.Fatalf("got %d %q after %d attempts; want 200 %q after %d", resp.StatusCode, resp.Body, resp.Attempts, wantBody, wantAttempts)
			}
			if srv.hits() != wantAttempts {
				t.Fatalf("server saw %d requests, want %d", srv.hits(), wantAttempts)
			}
		})
	}
}

// TestThrottleGateHoldsNewRequests: once one request is told to back off, a
// request started afterwards through the same client waits the pause out too
// instead of adding to the overload.
func TestThrottleGateHoldsNewRequests(t *testing.T) {
	t.Parallel()
	var throttledAt atomic.Int64 // unix nanoseconds the 429 was answered
	srv := serve(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/first" && throttledAt.Load() == 0 {
			throttledAt.Store(time.Now().UnixNano())
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		_, _ = io.WriteString(w, "ok")
	})
	c := newClient(t, fastConfig())

	first := make(chan error, 1)
	go func() {
		resp, err := get(t.Context(), t, c, srv.URL+"/first", nil)
		if err == nil && (resp.StatusCode != http.StatusOK || resp.Attempts != 2) {
			err = fmt.Errorf("got %d after %d attempts, want 200 after 2", resp.StatusCode, resp.Attempts)
		}
		first <- err
	}()
	// Start the second request once the first one has taken in the 429.
	testwait.Until(t, "the 429 to raise the throttle gate", func() bool {
		c.gate.mu.Lock()
		defer c.gate.mu.Unlock()
		return !c.gate.until.IsZero()
	})
	resp, err := get(t.Context(), t, c, srv.URL+"/second", nil)
	if err != nil || resp.Attempts != 1 {
		t.Fatalf("second request: %v, %+v", err, resp)
	}
	if err := <-first; err != nil {
		t.Fatalf("first request: %v", err)
	}

	var secondAt time.Time
	srv.mu.Lock()
	for i, r := range srv.requests {
		if r.URL.Path == "/second" {
			secondAt = srv.arrivals[i]
		}
	}
	srv.mu.Unlock()
	if gap := secondAt.Sub(time.Unix(0, throttledAt.Load())); gap < 900*time.Millisecond {
		t.Fatalf("second request reached the server %v after the 429, want at least 900ms (Retry-After: 1)", gap)
	}
}

// TestUserAgent: every attempt, retries included, carries Config.UserAgent.
func TestUserAgent(t *testing.T) {
	t.Parallel()
	srv := serve(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	cfg := fastConfig()
	cfg.UserAgent = "terraform-provider-registry/1.2.3"
	if _, err := get(t.Context(), t, newClient(t, cfg), srv.URL, nil); err != nil {
		t.Fatal(err)
	}
	for i := range srv.hits() {
		if ua := srv.request(i).Header.Get("User-Agent"); ua != cfg.UserAgent {
			t.Fatalf("attempt %d sent User-Agent %q, want %q", i+1, ua, cfg.UserAgent)
		}
	}
	if srv.hits() != 2 {
		t.Fatalf("server saw %d requests, want 2", srv.hits())
	}
}

// TestTLS: a certificate the system does not trust fails at once (retrying
// cannot fix it); CACertFile makes it trusted; a CACertFile that is missing
// or holds no certificate is a configuration error from New.
func TestTLS(t *testing.T) {
	var hellos atomic.Int64 // TLS handshakes the server saw
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "secure")
	}))
	srv.TLS = &tls.Config{GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
		hellos.Add(1)
		return nil, nil
	}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the failed handshake is expected
	srv.StartTLS()
	t.Cleanup(srv.Close)

	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	var pemBuf bytes.Buffer
	if err := pem.Encode(&pemBuf, &pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(caFile, pemBuf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	t.Run("untrusted", func(t *testing.T) {
		hellos.Store(0)
		_, err := get(t.Context(), t, newClient(t, fastConfig()), srv.URL, nil)
		var certErr *tls.CertificateVerificationError
		if !errors.As(err, &certErr) {
			t.Fatalf("got %v; want a certificate verification error", err)
		}
		var ex *RetriesExhaustedError
		if errors.As(err, &ex) || hellos.Load() != 1 {
			t.Fatalf("%d handshakes (%v); want exactly 1, not retried", hellos.Load(), err)
		}
	})
	t.Run("ca_cert_file", func(t *testing.T) {
		cfg := fastConfig()
		cfg.CACertFile = caFile
		resp, err := get(t.Context(), t, newClient(t, cfg), srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		if string(resp.Body) != "secure" || resp.Attempts != 1 {
			t.Fatalf("got %q after %d attempts", resp.Body, resp.Attempts)
		}
	})

	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("just text\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		name, file, want string
		is               error
	}{
		{name: "missing", file: filepath.Join(dir, "absent.pem"), want: "reading ca_cert_file", is: fs.ErrNotExist},
		{name: "no PEM", file: notPEM, want: "holds no PEM certificate"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(Config{CACertFile: tc.file})
			if err == nil || !strings.Contains(err.Error(), tc.want) || (tc.is != nil && !errors.Is(err, tc.is)) {
				t.Fatalf("got %v; want an error saying %q", err, tc.want)
			}
		})
	}
}

// Environment of the proxy child process (see TestProxyFromEnvironment).
const (
	proxyChildEnv  = "TRANSPORT_TEST_PROXY_CHILD"
	proxyTargetEnv = "TRANSPORT_TEST_PROXY_TARGET"
)

// TestProxyFromEnvironment: HTTP_PROXY, HTTPS_PROXY and NO_PROXY are honoured.
//
// net/http reads the proxy variables once per process (ProxyFromEnvironment
// caches them behind a sync.Once), so t.Setenv cannot change them after any
// other test made a request, and it never proxies a loopback target. Each
// case therefore re-runs this test binary as a child (the standard os/exec
// pattern, guarded by proxyChildEnv) with the variables set from the start,
// asking for a non-loopback name; the proxy, an httptest server in this
// process, records what reached it. registry.invalid never resolves, so a
// request that bypasses the proxy fails in the child and never reaches it.
func TestProxyFromEnvironment(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.String())
		mu.Unlock()
		if r.Method == http.MethodConnect {
			// Record the tunnel request and refuse it: that it arrived proves
			// HTTPS_PROXY was used; the child then fails, as expected.
			http.Error(w, "no tunnels here", http.StatusForbidden)
			return
		}
		_, _ = io.WriteString(w, "via proxy")
	}))
	t.Cleanup(proxy.Close)

	cases := []struct {
		name   string
		env    []string
		target string
		want   []string // requests the proxy must see
	}{
		{name: "HTTP_PROXY", env: []string{"HTTP_PROXY=" + proxy.URL},
			target: "http://registry.invalid/v2/", want: []string{"GET http://registry.invalid/v2/"}},
		{name: "HTTPS_PROXY", env: []string{"HTTPS_PROXY=" + proxy.URL},
			target: "https://registry.invalid/v2/", want: []string{"CONNECT //registry.invalid:443"}},
		{name: "NO_PROXY", env: []string{"HTTP_PROXY=" + proxy.URL, "NO_PROXY=example.com,registry.invalid"},
			target: "http://registry.invalid/v2/"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			seen = nil
			mu.Unlock()
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestProxyChild$", "-test.count=1")
			cmd.Env = append(cleanEnv(), append(tc.env, proxyChildEnv+"=1", proxyTargetEnv+"="+tc.target)...)
			out, err := cmd.CombinedOutput()
			viaProxy := len(tc.want) > 0 && !strings.HasPrefix(tc.target, "https")
			if viaProxy && err != nil {
				t.Fatalf("child failed: %v\n%s", err, out)
			}
			mu.Lock()
			got := strings.Join(seen, "; ")
			mu.Unlock()
			if want := strings.Join(tc.want, "; "); got != want {
				t.Fatalf("proxy saw %q, want %q\nchild output:\n%s", got, want, out)
			}
		})
	}
}

// cleanEnv is this process's environment without any proxy setting.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(name) {
		case "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "REQUEST_METHOD", proxyChildEnv, proxyTargetEnv:
			continue
		}
		env = append(env, kv)
	}
	return env
}

// TestProxyChild is the child half of TestProxyFromEnvironment.
func TestProxyChild(t *testing.T) {
	if os.Getenv(proxyChildEnv) != "1" {
		t.Skip("runs only as TestProxyFromEnvironment's child process")
	}
	cfg := fastConfig()
	cfg.MaxRetries = -1 // one attempt: the parent counts what reached the proxy
	// Far above a loopback round trip on any machine: only a resolver that
	// hangs on registry.invalid (a case that fails anyway) comes near it.
	cfg.RequestTimeout = 2 * time.Minute
	resp, err := get(t.Context(), t, newClient(t, cfg), os.Getenv(proxyTargetEnv), nil)
	if err != nil {
		t.Logf("request failed: %v", err)
		t.FailNow()
	}
	if string(resp.Body) != "via proxy" {
		t.Fatalf("got %d %q, want the proxy's answer", resp.StatusCode, resp.Body)
	}
}

// TestLogging: one debug line per attempt with method, URL, status, duration
// and attempt number, and never a header value; values the provider masks
// (tflog.MaskAllFieldValuesStrings) stay masked in the URL.
func TestLogging(t *testing.T) {
	t.Parallel()
	srv := serve(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 0 {
			w.WriteHeader(http.StatusBadGateway)
		}
	})
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(t.Context(), &buf)
	ctx = tflog.MaskAllFieldValuesStrings(ctx, "s3cret")

	const authz = "Bearer tok-4f9a2c"
	url := strings.Replace(srv.URL, "http://", "http://alice:pa55word@", 1) + "/v2/_catalog?token=s3cret"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", authz)
	resp, err := newClient(t, fastConfig()).Do(ctx, req, nil)
	if err != nil || resp.Attempts != 2 {
		t.Fatalf("got %v, %+v; want success after 2 attempts", err, resp)
	}

	for _, secret := range []string{"tok-4f9a2c", "s3cret", "pa55word"} {
		if strings.Contains(buf.String(), secret) {
			t.Fatalf("log holds %q:\n%s", secret, buf.String())
		}
	}
	entries, err := tflogtest.MultilineJSONDecode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("got %d log lines, want one per attempt (2):\n%v", len(entries), entries)
	}
	for i, e := range entries {
		wantStatus := []float64{http.StatusBadGateway, http.StatusOK}[i]
		if e["@message"] != "HTTP attempt" || e["@level"] != "debug" || e["method"] != "GET" ||
			e["status"] != wantStatus || e["attempt"] != float64(i+1) {
			t.Fatalf("line %d: %v; want a debug line with GET, status %v, attempt %d", i+1, e, wantStatus, i+1)
		}
		if _, ok := e["duration_ms"].(float64); !ok {
			t.Fatalf("line %d has no duration_ms: %v", i+1, e)
		}
		if u, _ := e["url"].(string); !strings.Contains(u, "/v2/_catalog?token=***") || !strings.Contains(u, "alice:xxxxx@") {
			t.Fatalf("line %d url %q; want the path with the secrets masked", i+1, u)
		}
		for k, v := range e {
			if s, ok := v.(string); ok && strings.Contains(s, "Bearer") {
				t.Fatalf("line %d field %s holds the Authorization header: %q", i+1, k, s)
			}
		}
	}
}

// TestThrottlePauseSpreadsTheRequestsHeldBack: the requests held back by a
// throttling pause each wait it out plus up to a fifth of it more, chosen
// at random, so that they do not reach the service in one burst in the
// same order on every retry.
func TestThrottlePauseSpreadsTheRequestsHeldBack(t *testing.T) {
	const pause = time.Second
	seen := map[time.Duration]bool{}
	for range 100 {
		w := spread(pause)
		if w < pause || w > pause+pause/5 {
			t.Fatalf("a wait of %s for a pause of %s; want the pause plus up to a fifth", w, pause)
		}
		seen[w] = true
	}
	if len(seen) < 50 {
		t.Fatalf("%d different waits in 100: the requests held back would leave together", len(seen))
	}
	if w := spread(0); w != 0 {
		t.Fatalf("outside a pause a request waited %s", w)
	}
}
