package fakecloud

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
)

// Rewrite changes a fake's answer after it was served: the way to fake a
// service whose pages disagree (a total that changes, an item on two
// pages) without teaching each fake every inconsistency.
type Rewrite struct {
	// Match picks the requests to rewrite; params are the query and form
	// parameters. nil matches every request.
	Match func(r *http.Request, params url.Values) bool
	// Edit returns the status and body to send; it may change header.
	Edit func(status int, header http.Header, body []byte) (int, []byte)
}

type pendingRewrite struct {
	Rewrite
	left int // answers still to rewrite; unlimited when < 0
}

// AddRewrite applies rw to the next n requests it matches.
func (c *Cloud) AddRewrite(n int, rw Rewrite) {
	if n <= 0 {
		return
	}
	c.addRewrite(n, rw)
}

// RewriteEvery applies rw to every request it matches for as long as the
// fake serves. A fault that is a property of the page (every attempt,
// retries included, gets it) reaches the client however slow the machine:
// a retry cannot step around it the way it steps around a one-shot edit.
func (c *Cloud) RewriteEvery(rw Rewrite) { c.addRewrite(-1, rw) }

func (c *Cloud) addRewrite(n int, rw Rewrite) {
	c.rewriteMu.Lock()
	defer c.rewriteMu.Unlock()
	c.rewrites = append(c.rewrites, &pendingRewrite{Rewrite: rw, left: n})
}

// takeRewrite returns the first pending rewrite matching r, if any.
func (c *Cloud) takeRewrite(r *http.Request) *pendingRewrite {
	c.rewriteMu.Lock()
	defer c.rewriteMu.Unlock()
	if len(c.rewrites) == 0 {
		return nil
	}
	params := r.URL.Query()
	if r.Body != nil && r.Method == http.MethodPost {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if form, err := url.ParseQuery(string(body)); err == nil {
			for k, v := range form {
				params[k] = append(params[k], v...)
			}
		}
	}
	for i, rw := range c.rewrites {
		if rw.Match == nil || rw.Match(r, params) {
			if rw.left > 0 {
				rw.left--
				if rw.left == 0 {
					c.rewrites = append(c.rewrites[:i], c.rewrites[i+1:]...)
				}
			}
			return rw
		}
	}
	return nil
}

// serveRewritten serves r into a recorder and sends what rw makes of it.
func (c *Cloud) serveRewritten(w http.ResponseWriter, r *http.Request, rw *pendingRewrite) {
	rec := httptest.NewRecorder()
	c.mux.ServeHTTP(rec, r)
	status, body := rw.Edit(rec.Code, rec.Header(), rec.Body.Bytes())
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Del("Content-Length")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
