package fakecloud

import (
	"net/http"
	"sync"
	"sync/atomic"
)

// Fault answers a request in place of the fake's normal handler. It
// returns false to let the request through after all (e.g. to count it).
type Fault func(w http.ResponseWriter, r *http.Request) bool

// faults is a queue of faults each fake consults before serving, plus a
// count of requests; tests push faults while the fake serves. every, when
// set, is the periodic throttling the fakes of one Cloud share
// (Cloud.ThrottleEvery), answered with throttle, this fake's own shape.
type faults struct {
	mu       sync.Mutex
	queue    []Fault
	requests atomic.Int64

	every    *everyNth
	throttle Fault
}

// everyNth counts the requests of every fake of one Cloud together and
// says which ones are the n-th.
type everyNth struct {
	n         atomic.Int64 // 0: off
	seen      atomic.Int64
	throttled atomic.Int64
}

// hit counts one request and reports whether it is an n-th one.
func (e *everyNth) hit() bool {
	n := e.n.Load()
	if n <= 0 {
		return false
	}
	if e.seen.Add(1)%n != 0 {
		return false
	}
	e.throttled.Add(1)
	return true
}

// push queues f for the next n requests.
func (f *faults) push(n int, fault Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.queue = append(f.queue, fault)
	}
}

func (f *faults) clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queue = nil
}

// intercept counts the request and serves the next queued fault, if any,
// else the periodic throttling when this request is an n-th one.
func (f *faults) intercept(w http.ResponseWriter, r *http.Request) bool {
	f.requests.Add(1)
	f.mu.Lock()
	var next Fault
	if len(f.queue) > 0 {
		next, f.queue = f.queue[0], f.queue[1:]
	}
	f.mu.Unlock()
	if next != nil && next(w, r) {
		return true
	}
	// A request a queued fault answered does not count towards the n-th.
	return f.every != nil && f.throttle != nil && f.every.hit() && f.throttle(w, r)
}

// StatusFault answers with status, extra headers and body.
func StatusFault(status int, header map[string]string, body string) Fault {
	return func(w http.ResponseWriter, _ *http.Request) bool {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
		return true
	}
}

// ResetMidBodyFault promises a long body, sends part of it and drops the
// connection, as a failing load balancer does.
func ResetMidBodyFault() Fault {
	return func(w http.ResponseWriter, _ *http.Request) bool {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "100000")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`[{"id":1,`))
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
			}
		}
		return true
	}
}

// StallFault holds the request until the client gives up.
func StallFault() Fault {
	return func(_ http.ResponseWriter, r *http.Request) bool {
		<-r.Context().Done()
		return true
	}
}

// HoldFault signals arrived when a request reaches the fake, holds it until
// release is closed (or the client hangs up), then lets it through: tests
// use it to keep a request in flight while other callers line up behind it.
func HoldFault(arrived chan<- struct{}, release <-chan struct{}) Fault {
	return func(_ http.ResponseWriter, r *http.Request) bool {
		arrived <- struct{}{}
		select {
		case <-release:
			return false
		case <-r.Context().Done():
			return true
		}
	}
}
