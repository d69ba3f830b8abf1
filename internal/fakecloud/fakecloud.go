// Package fakecloud fakes the three registries' APIs (Huawei Cloud SWR with
// its IAM, UCloud UHub and PPIO) on one HTTP handler, for the tests and for
// `make demo`. Each fake checks credentials and signatures the way the real
// service does, pages the way it does, and answers errors in its shapes.
// Tests change a fake's data and switch faults on while it serves.
package fakecloud

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Cloud is the three fakes behind one handler: SWR under /v2/manage/, IAM
// under /v3/, PPIO under /gpus/, and UHub's action API at /; plus the admin
// API under /_fake/ (admin.go), which changes the fakes while they serve.
type Cloud struct {
	SWR  *SWR
	UHub *UHub
	PPIO *PPIO

	latency atomic.Int64 // nanoseconds added before every answer
	every   *everyNth    // ThrottleEvery, shared by the three fakes
	mux     *http.ServeMux
	admin   *http.ServeMux

	distinctMu sync.Mutex
	distinct   map[string]map[string]bool // cloud -> requests told apart as Distinct does

	rewriteMu sync.Mutex
	rewrites  []*pendingRewrite
}

// New returns a Cloud with empty registries and the default credentials
// (see the Default* constants).
func New() *Cloud {
	c := &Cloud{SWR: newSWR(), UHub: newUHub(), PPIO: newPPIO(), mux: http.NewServeMux(), every: &everyNth{}}
	c.SWR.every, c.SWR.throttle = c.every, c.SWR.ThrottleFault("")
	c.UHub.every, c.UHub.throttle = c.every, c.UHub.ThrottleFault()
	c.PPIO.every, c.PPIO.throttle = c.every, c.PPIO.ThrottleFault()
	c.mux.Handle("/v2/manage/", c.SWR)
	c.mux.HandleFunc("/v3/projects", c.SWR.serveIAMProjects)
	c.mux.Handle("/gpus/", c.PPIO)
	c.mux.Handle("/", c.UHub)
	c.admin = c.adminRoutes()
	return c
}

// SetLatency delays every answer by d, to model a distant service.
func (c *Cloud) SetLatency(d time.Duration) { c.latency.Store(int64(d)) }

// ThrottleEvery answers every n-th request to the clouds (the three fakes
// counted together, admin requests not counted) with the throttling of the
// cloud it was sent to: HTTP 429 from SWR and PPIO, RetCode 153 from UHub.
// 0 turns it off. The requests a queued fault answers do not count.
func (c *Cloud) ThrottleEvery(n int) { c.every.n.Store(int64(n)) }

// Throttled is how many requests ThrottleEvery has answered.
func (c *Cloud) Throttled() int64 { return c.every.throttled.Load() }

func (c *Cloud) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_fake/") {
		c.admin.ServeHTTP(w, r) // not a cloud: no latency, no rewrites
		return
	}
	c.noteDistinct(r)
	if d := time.Duration(c.latency.Load()); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-r.Context().Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
	if rw := c.takeRewrite(r); rw != nil {
		c.serveRewritten(w, r, rw)
		return
	}
	c.mux.ServeHTTP(w, r)
}

// TB is the part of testing.TB that Start needs (this package is also
// linked into the demo's command, which has no business importing testing).
type TB interface {
	Helper()
	Cleanup(func())
}

// Start serves a new Cloud on a loopback port for one test, closed when
// the test ends.
func Start(t TB) (*Cloud, *httptest.Server) {
	t.Helper()
	c := New()
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return c, srv
}

// cloudOf names the fake a request goes to, as /_fake/requests does.
func cloudOf(r *http.Request) string {
	switch {
	case strings.HasPrefix(r.URL.Path, "/v2/manage/"), strings.HasPrefix(r.URL.Path, "/v3/"):
		return "swr"
	case strings.HasPrefix(r.URL.Path, "/gpus/"):
		return "ppio"
	}
	return "uhub"
}

// noteDistinct records which question a request asks: its method, path,
// parameters (query and form, UHub's Signature left out) and the
// credential headers; the SWR signature and its date are left out, so
// that a request sent again, or by another caller a second later, is the
// same question. It reads a POSTed body and puts it back for the fakes.
func (c *Cloud) noteDistinct(r *http.Request) {
	params := r.URL.Query()
	if r.Body != nil && r.Method == http.MethodPost {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if form, err := url.ParseQuery(string(body)); err == nil { // a bad form is the fake's to answer
			for k, v := range form {
				params[k] = append(params[k], v...)
			}
		}
	}
	params.Del("Signature")
	auth := r.Header.Get("Authorization")
	if strings.HasPrefix(auth, "SDK-HMAC-SHA256") { // keep "Access=..." only
		if _, rest, ok := strings.Cut(auth, "Access="); ok {
			auth, _, _ = strings.Cut(rest, ",")
		}
	}
	key := strings.Join([]string{r.Method, r.URL.Path, params.Encode(), auth,
		r.Header.Get("X-Auth-Token"), r.Header.Get("X-Project-Id"), r.Header.Get("X-Security-Token")}, "\n")
	cloud := cloudOf(r)
	c.distinctMu.Lock()
	defer c.distinctMu.Unlock()
	if c.distinct == nil {
		c.distinct = map[string]map[string]bool{}
	}
	if c.distinct[cloud] == nil {
		c.distinct[cloud] = map[string]bool{}
	}
	c.distinct[cloud][key] = true
}

// Distinct is how many different requests each fake has been sent since
// it started or since ResetCounts (see noteDistinct): the requests a
// client that never asked the same question twice would have sent.
func (c *Cloud) Distinct() map[string]int {
	c.distinctMu.Lock()
	defer c.distinctMu.Unlock()
	out := map[string]int{"swr": 0, "uhub": 0, "ppio": 0}
	for cloud, keys := range c.distinct {
		out[cloud] = len(keys)
	}
	return out
}

// ResetCounts sets every request count to zero (Requests, CallCount,
// Distinct, Throttled), for a script that measures one run after another.
func (c *Cloud) ResetCounts() {
	c.SWR.resetCounts()
	c.UHub.resetCounts()
	c.PPIO.requests.Store(0)
	c.every.seen.Store(0)
	c.every.throttled.Store(0)
	c.distinctMu.Lock()
	c.distinct = nil
	c.distinctMu.Unlock()
}
