// Package fakecloud fakes the three registries' APIs (Huawei Cloud SWR with
// its IAM, UCloud UHub and PPIO) on one HTTP handler, for the tests and for
// `make demo`. Each fake checks credentials and signatures the way the real
// service does, pages the way it does, and answers errors in its shapes.
// Tests change a fake's data and switch faults on while it serves.
package fakecloud

import (
	"net/http"
	"net/http/httptest"
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
	mux     *http.ServeMux
	admin   *http.ServeMux

	rewriteMu sync.Mutex
	rewrites  []*pendingRewrite
}

// New returns a Cloud with empty registries and the default credentials
// (see the Default* constants).
func New() *Cloud {
	c := &Cloud{SWR: newSWR(), UHub: newUHub(), PPIO: newPPIO(), mux: http.NewServeMux()}
	c.mux.Handle("/v2/manage/", c.SWR)
	c.mux.HandleFunc("/v3/projects", c.SWR.serveIAMProjects)
	c.mux.Handle("/gpus/", c.PPIO)
	c.mux.Handle("/", c.UHub)
	c.admin = c.adminRoutes()
	return c
}

// SetLatency delays every answer by d, to model a distant service.
func (c *Cloud) SetLatency(d time.Duration) { c.latency.Store(int64(d)) }

func (c *Cloud) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_fake/") {
		c.admin.ServeHTTP(w, r) // not a cloud: no latency, no rewrites
		return
	}
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
