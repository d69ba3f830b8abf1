package transport

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"net/http"
	"net/url"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/sync/singleflight"
)

// In-flight request sharing (SPEC "Within one plan: one request per
// question"): identical requests in flight at the same time are sent once
// and the answer is handed to every caller. Nothing is kept once the answer
// is out: a caller that asks after it has arrived sends the request again.

// Key says who asks a request of DoShared, beside what the request itself
// says (its method, URL and query, which DoShared reads from it). Two
// requests share only when all of it is equal.
type Key struct {
	// Cloud names the service.
	Cloud string
	// Credentials are every credential the request is sent with, and
	// anything else sent beside them that changes the answer (a project
	// header). Only a keyed hash of them enters the sharing key: two
	// requests with different credentials never share, with the same
	// credentials they do.
	Credentials []string
	// Form is a POSTed form as it is before signing: the signature and the
	// credentials left out. Nil for a request without a body.
	Form url.Values
}

// sharing is the in-flight state of one Client: the requests being sent for
// several callers, by key. singleflight.Group does the sharing; flights
// counts the callers still waiting on each request, so that the request
// stops when the last one has gone, and no sooner.
type sharing struct {
	salt   []byte // random per Client: keys hash credentials with it
	group  singleflight.Group
	joined func(waiters int) // Config.Joined

	mu      sync.Mutex
	flights map[string]*flight // exactly the keys group has in flight
}

// flight is one request in flight for one or more callers.
type flight struct {
	ctx     context.Context // the first caller's values, no caller's deadline or cancellation
	cancel  context.CancelFunc
	waiters int // callers waiting for the answer now
	callers int // callers it was asked for, those gone included
}

func newSharing(joined func(int)) (*sharing, error) {
	salt := make([]byte, 32)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	return &sharing{salt: salt, joined: joined, flights: map[string]*flight{}}, nil
}

// key is the sharing key of req for k: a keyed SHA-256 of the cloud, the
// credentials, the method, the URL without its query, the query in
// canonical order (url.Values.Encode sorts by name) and the form. Nothing in
// it can be read back, and without the Client's salt nothing can be tested
// against it.
func (s *sharing) key(k Key, req *http.Request) string {
	u := *req.URL
	query := u.Query().Encode()
	u.RawQuery, u.Fragment = "", ""
	mac := hmac.New(sha256.New, s.salt)
	write := func(h hash.Hash, v string) {
		_ = binary.Write(h, binary.BigEndian, uint64(len(v))) // length first: no two lists write the same bytes
		_, _ = h.Write([]byte(v))
	}
	write(mac, k.Cloud)
	write(mac, req.Method)
	write(mac, u.String())
	write(mac, query)
	write(mac, k.Form.Encode())
	_ = binary.Write(mac, binary.BigEndian, uint64(len(k.Credentials)))
	for _, c := range k.Credentials {
		write(mac, c)
	}
	return hex.EncodeToString(mac.Sum(nil))
}

// DoShared is Do for a request that only reads: when the same request
// (same cloud, credentials, method, URL, query and form) is already in
// flight, it waits for that one's answer instead of sending its own.
//
// The shared request, retries included, runs on the context of the caller
// that started it with neither its deadline nor its cancellation: a caller
// whose context ends gets its context's error at once and the others keep
// waiting; the request stops when every caller waiting for it has gone.
// So a first caller with a short timeouts { read } never cuts the answer
// short for a later caller with a longer one. Each attempt is still bounded
// by Config.RequestTimeout and the attempts by Config.MaxRetries.
//
// Every caller gets its own copy of the answer's header, and the one body
// (read only: see Response.Body). The
// answer, or the error, goes to the callers waiting when it arrives and to
// no one after.
func (c *Client) DoShared(ctx context.Context, k Key, req *http.Request, check BodyCheck) (*Response, error) {
	key := c.share.key(k, req)
	f, answer := c.share.join(ctx, key, func(fctx context.Context) (*Response, error) { return c.Do(fctx, req, check) })
	select {
	case <-ctx.Done():
		c.share.leave(key, f)
		return nil, ctx.Err()
	case r := <-answer:
		callers := c.share.leave(key, f)
		if r.Err != nil {
			return nil, r.Err
		}
		resp, _ := r.Val.(*Response)
		if !r.Shared {
			return resp, nil
		}
		c.logShared(ctx, k.Cloud, req, callers)
		return &Response{StatusCode: resp.StatusCode, Header: resp.Header.Clone(), Body: resp.Body, Attempts: resp.Attempts,
			decoded: resp.decoded}, nil
	}
}

// join registers a caller on the request in flight for key, starting it
// with do when there is none. The flight map and the group change together
// under s.mu, so a caller that finds a flight joins that very request.
func (s *sharing) join(ctx context.Context, key string, do func(context.Context) (*Response, error)) (*flight, <-chan singleflight.Result) {
	s.mu.Lock()
	f := s.flights[key]
	if f == nil {
		fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		f = &flight{ctx: fctx, cancel: cancel}
		s.flights[key] = f
	}
	f.waiters++
	f.callers++
	waiters := f.waiters
	answer := s.group.DoChan(key, func() (any, error) {
		defer s.done(key, f)
		resp, err := do(f.ctx)
		if resp != nil {
			resp.decoded = &decodings{}
		}
		return resp, err
	})
	s.mu.Unlock()
	if s.joined != nil {
		s.joined(waiters)
	}
	return f, answer
}

// done ends a flight whose request has its answer: from now on the same
// request is sent again (group forgets it here, before handing the answer
// out, so that no caller joins a request that is over).
func (s *sharing) done(key string, f *flight) {
	s.mu.Lock()
	if s.flights[key] == f {
		delete(s.flights, key)
		s.group.Forget(key)
	}
	s.mu.Unlock()
	f.cancel() // the body is read: this frees the context only
}

// leave unregisters a caller that has its answer or has given up, and
// stops the request when it was the last caller waiting for it. It returns
// how many callers the request was for.
func (s *sharing) leave(key string, f *flight) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	f.waiters--
	if f.waiters == 0 && s.flights[key] == f {
		// Abandoned before its answer: a later caller starts afresh.
		delete(s.flights, key)
		s.group.Forget(key)
		f.cancel()
	}
	return f.callers
}

// logShared says, at TRACE, that a caller got an answer it shared with
// others: the cloud, the method and the URL (no client puts a secret in one).
func (c *Client) logShared(ctx context.Context, cloud string, req *http.Request, callers int) {
	c.logMu.Lock()
	defer c.logMu.Unlock()
	tflog.Trace(ctx, "HTTP answer shared", map[string]any{
		"cloud": cloud, "method": req.Method, "url": req.URL.Redacted(), "callers": callers,
	})
}

// decodings are the values Decoded made of one shared answer's body, by
// the name of the decoding.
type decodings struct {
	mu     sync.Mutex
	byName map[string]*decoding
}

// decoding is one value made of a body, made once.
type decoding struct {
	once sync.Once
	v    any
	err  error
}

// Decoded is decode(r.Body), made once for all the callers a shared answer
// (DoShared) went to: the first caller to ask decodes, the others wait for
// it and get the same value, which, like the body, they must only read.
// So the callers of one request also leave it together, and the next
// reads they make overlap again. name says what decode makes (the
// function and its options): two decodings of one body are two values.
// Nothing outlives the answer: a later caller of the same request gets a
// new answer and decodes it.
func Decoded[V any](r *Response, name string, decode func(body []byte) (V, error)) (V, error) {
	if r.decoded == nil {
		return decode(r.Body)
	}
	r.decoded.mu.Lock()
	if r.decoded.byName == nil {
		r.decoded.byName = map[string]*decoding{}
	}
	d := r.decoded.byName[name]
	if d == nil {
		d = &decoding{}
		r.decoded.byName[name] = d
	}
	r.decoded.mu.Unlock()
	d.once.Do(func() { d.v, d.err = decode(r.Body) })
	v, _ := d.v.(V)
	return v, d.err
}
