// Package testwait is for tests that wait on goroutines without sleeping:
// they wait exactly as long as what they wait for takes, and fail by name,
// rather than hang, a second before the test binary's -timeout.
package testwait

import (
	"testing"
	"time"
)

// Receive is the next value from ch, failing t, with what it waited for,
// if none comes before the test's -timeout nears.
func Receive[T any](t *testing.T, what string, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-deadline(t):
		t.Fatalf("still waiting for %s as the test's -timeout nears", what)
	}
	panic("unreachable")
}

// Until polls cond until it holds, failing t, with what it waited for, if
// it still does not as the test's -timeout nears.
func Until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	stop := deadline(t)
	for !cond() {
		select {
		case <-stop:
			t.Fatalf("still waiting for %s as the test's -timeout nears", what)
		case <-time.After(time.Millisecond):
		}
	}
}

// deadline fires a second before the test's -timeout; never without one.
func deadline(t *testing.T) <-chan time.Time {
	d, ok := t.Deadline()
	if !ok {
		return nil
	}
	return time.After(time.Until(d) - time.Second)
}
