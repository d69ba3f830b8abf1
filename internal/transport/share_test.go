package transport

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/registry-tools/terraform-provider-registry/internal/testwait"
)

// gate is a test server that holds every request until released, so that
// callers can be made to overlap without any sleep: the test starts a
// caller, learns from Config.Joined that it is registered on a request (and
// with how many others), and only then lets the answer out.
type gate struct {
	*server
	arrived   chan int      // the number of each request, as it arrives
	release   chan struct{} // closed: every held request is answered
	abandoned chan int      // requests whose client went away while held
	answer    func(n int, w http.ResponseWriter)
}

func newGate(t *testing.T, answer func(n int, w http.ResponseWriter)) *gate {
	t.Helper()
	g := &gate{arrived: make(chan int, 100), release: make(chan struct{}), abandoned: make(chan int, 100), answer: answer}
	g.server = serve(t, func(n int, w http.ResponseWriter, r *http.Request) {
		g.arrived <- n
		select {
		case <-g.release:
			g.answer(n, w)
		case <-r.Context().Done():
			g.abandoned <- n
		}
	})
	return g
}

func okAnswer(_ int, w http.ResponseWriter) { _, _ = w.Write([]byte("the answer")) }

// sharingClient is a fast-retrying client whose Joined hook reports on the
// returned channel.
func sharingClient(t *testing.T, cfg Config) (*Client, chan int) {
	t.Helper()
	joins := make(chan int, 100)
	cfg.Joined = func(waiters int) { joins <- waiters }
	return newClient(t, cfg), joins
}

type result struct {
	resp *Response
	err  error
}

// sharedGet starts one DoShared of GET url in its own goroutine.
func sharedGet(ctx context.Context, t *testing.T, c *Client, k Key, url string) <-chan result {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan result, 1)
	go func() {
		resp, err := c.DoShared(ctx, k, req, nil)
		out <- result{resp, err}
	}()
	return out
}

var alice = Key{Cloud: "SWR", Credentials: []string{"AK-alice", "SK-alice"}}

// TestSharedIdenticalReads: five identical reads in flight at once are one
// request; every caller gets the answer, in the one body they share (read
// only: see Response.Body).
func TestSharedIdenticalReads(t *testing.T) {
	t.Parallel()
	g := newGate(t, okAnswer)
	c, joins := sharingClient(t, fastConfig())
	var results []<-chan result
	for i := range 5 {
		results = append(results, sharedGet(t.Context(), t, c, alice, g.URL+"/tags?limit=1000&offset=0"))
		if w := testwait.Receive(t, "a caller to join", joins); w != i+1 {
			t.Fatalf("caller %d joined with %d waiting, want %d", i+1, w, i+1)
		}
	}
	testwait.Receive(t, "the request", g.arrived)
	close(g.release)
	var bodies [][]byte
	for i, ch := range results {
		r := testwait.Receive(t, "an answer", ch)
		if r.err != nil || r.resp.StatusCode != http.StatusOK || string(r.resp.Body) != "the answer" {
			t.Fatalf("caller %d: %v, %+v; want the answer", i+1, r.err, r.resp)
		}
		bodies = append(bodies, r.resp.Body)
	}
	if g.hits() != 1 {
		t.Fatalf("the server got %d requests, want 1", g.hits())
	}
	for i, b := range bodies[1:] {
		if &b[0] != &bodies[0][0] {
			t.Fatalf("caller %d got a copy of the body: a page copied for each caller costs each its first touch", i+2)
		}
	}
}

// TestSharedAnswerIsDecodedOnce: the callers of one shared answer that
// decode it the same way run the decoding once between them and get the
// one value; another decoding is made apart; an answer to a later request
// is decoded again (nothing outlives the answer); an answer of one caller
// is simply decoded.
func TestSharedAnswerIsDecodedOnce(t *testing.T) {
	t.Parallel()
	g := newGate(t, func(n int, w http.ResponseWriter) { _, _ = w.Write([]byte("answer " + strconv.Itoa(n))) })
	c, joins := sharingClient(t, fastConfig())
	var mu sync.Mutex
	decodes := map[string]int{}
	decoder := func(name string) func([]byte) (*string, error) {
		return func(body []byte) (*string, error) {
			mu.Lock()
			decodes[name]++
			mu.Unlock()
			v := name + ": " + string(body)
			return &v, nil
		}
	}
	url := g.URL + "/tags?limit=1000&offset=0"
	var results []<-chan result
	for range 4 {
		results = append(results, sharedGet(t.Context(), t, c, alice, url))
		testwait.Receive(t, "a caller to join", joins)
	}
	first := testwait.Receive(t, "the request", g.arrived)
	close(g.release)
	answer := func(n int) string { return "answer " + strconv.Itoa(n) }
	var wg sync.WaitGroup
	got := make([]*string, len(results))
	for i, ch := range results {
		r := testwait.Receive(t, "an answer", ch)
		if r.err != nil {
			t.Fatal(r.err)
		}
		wg.Add(1)
		go func() { // the callers decode at once, as data sources read together do
			defer wg.Done()
			v, err := Decoded(r.resp, "tags", decoder("tags"))
			if err != nil {
				t.Error(err)
			}
			got[i] = v
		}()
		if i == 0 {
			other, err := Decoded(r.resp, "tags with manifests", decoder("tags with manifests"))
			if err != nil || *other != "tags with manifests: "+answer(first) {
				t.Fatalf("another decoding: %v, %v", other, err)
			}
		}
	}
	wg.Wait()
	for i, v := range got {
		if v == nil || v != got[0] || *v != "tags: "+answer(first) {
			t.Fatalf("caller %d got %v; want the one value decoded of the answer", i+1, v)
		}
	}
	if decodes["tags"] != 1 || decodes["tags with manifests"] != 1 {
		t.Fatalf("decodings made: %v; want each once", decodes)
	}

	// The same request once the answer is out: a new answer, decoded anew.
	laterCh := sharedGet(t.Context(), t, c, alice, url)
	testwait.Receive(t, "a caller to join", joins)
	second := testwait.Receive(t, "the later request", g.arrived)
	later := testwait.Receive(t, "the later answer", laterCh)
	if later.err != nil {
		t.Fatal(later.err)
	}
	v, err := Decoded(later.resp, "tags", decoder("tags"))
	if err != nil || *v != "tags: "+answer(second) || decodes["tags"] != 2 {
		t.Fatalf("later: %v, %v, %d decodings; want the new answer decoded again", v, err, decodes["tags"])
	}
}

// TestSharedOnlyWhenEverythingMatches: a read shares only with one of the
// same cloud, credentials, method, URL, query (in any order) and form.
func TestSharedOnlyWhenEverythingMatches(t *testing.T) {
	t.Parallel()
	bob := Key{Cloud: "SWR", Credentials: []string{"AK-bob", "SK-bob"}}
	cases := map[string]struct {
		k2     Key
		path2  string
		shared bool
	}{
		"same everything":           {alice, "/tags?a=1&b=2", true},
		"query in another order":    {alice, "/tags?b=2&a=1", true},
		"other credentials":         {bob, "/tags?a=1&b=2", false},
		"same key, other secret":    {Key{Cloud: "SWR", Credentials: []string{"AK-alice", "SK-eve"}}, "/tags?a=1&b=2", false},
		"credentials split another": {Key{Cloud: "SWR", Credentials: []string{"AK-aliceSK", "-alice"}}, "/tags?a=1&b=2", false},
		"other project header":      {Key{Cloud: "SWR", Credentials: []string{"AK-alice", "SK-alice", "p2"}}, "/tags?a=1&b=2", false},
		"other cloud":               {Key{Cloud: "PPIO", Credentials: alice.Credentials}, "/tags?a=1&b=2", false},
		"other query":               {alice, "/tags?a=1&b=3", false},
		"other path":                {alice, "/tagz?a=1&b=2", false},
		"other form":                {Key{Cloud: "SWR", Credentials: alice.Credentials, Form: url.Values{"Offset": {"20"}}}, "/tags?a=1&b=2", false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := newGate(t, okAnswer)
			c, joins := sharingClient(t, fastConfig())
			first := sharedGet(t.Context(), t, c, alice, g.URL+"/tags?a=1&b=2")
			testwait.Receive(t, "the first caller to join", joins)
			testwait.Receive(t, "the first request", g.arrived)
			second := sharedGet(t.Context(), t, c, tc.k2, g.URL+tc.path2)
			// The first request is held: the second caller either joins it
			// (2 waiting) or starts its own (1 waiting).
			if w := testwait.Receive(t, "the second caller to join", joins); (w == 2) != tc.shared {
				t.Fatalf("the second caller joined with %d waiting; shared = %t, want %t", w, w == 2, tc.shared)
			}
			close(g.release)
			for _, ch := range []<-chan result{first, second} {
				if r := testwait.Receive(t, "an answer", ch); r.err != nil || string(r.resp.Body) != "the answer" {
					t.Fatalf("%v, %+v; want the answer", r.err, r.resp)
				}
			}
			if want := map[bool]int{true: 1, false: 2}[tc.shared]; g.hits() != want {
				t.Fatalf("the server got %d requests, want %d", g.hits(), want)
			}
		})
	}
}

// TestSharedCallerCancelled: the caller that started the request gives up
// (its context is cancelled, as when its timeouts { read } runs out); the
// request goes on, uncancelled, for the other caller, who gets the answer.
func TestSharedCallerCancelled(t *testing.T) {
	t.Parallel()
	g := newGate(t, okAnswer)
	c, joins := sharingClient(t, fastConfig())
	ctx, cancel := context.WithCancel(t.Context())
	first := sharedGet(ctx, t, c, alice, g.URL+"/tags")
	testwait.Receive(t, "the first caller to join", joins)
	testwait.Receive(t, "the request", g.arrived)
	second := sharedGet(t.Context(), t, c, alice, g.URL+"/tags")
	if w := testwait.Receive(t, "the second caller to join", joins); w != 2 {
		t.Fatalf("the second caller joined with %d waiting, want 2", w)
	}
	cancel()
	if r := testwait.Receive(t, "the cancelled caller", first); !errors.Is(r.err, context.Canceled) {
		t.Fatalf("the cancelled caller got %v, %+v; want context.Canceled", r.err, r.resp)
	}
	close(g.release)
	if r := testwait.Receive(t, "the other caller", second); r.err != nil || string(r.resp.Body) != "the answer" {
		t.Fatalf("the other caller got %v, %+v; want the answer", r.err, r.resp)
	}
	select {
	case n := <-g.abandoned:
		t.Fatalf("request %d was cancelled with the first caller", n)
	default:
	}
	if g.hits() != 1 {
		t.Fatalf("the server got %d requests, want 1", g.hits())
	}
}

// TestSharedRequestStopsWithItsLastCaller: when every caller has given up
// the request is cancelled, and a caller that comes after sends a new one
// rather than joining the dead one.
func TestSharedRequestStopsWithItsLastCaller(t *testing.T) {
	t.Parallel()
	g := newGate(t, okAnswer)
	c, joins := sharingClient(t, fastConfig())
	ctx, cancel := context.WithCancel(t.Context())
	first := sharedGet(ctx, t, c, alice, g.URL+"/tags")
	testwait.Receive(t, "the caller to join", joins)
	testwait.Receive(t, "the request", g.arrived)
	cancel()
	if r := testwait.Receive(t, "the cancelled caller", first); !errors.Is(r.err, context.Canceled) {
		t.Fatalf("got %v; want context.Canceled", r.err)
	}
	if n := testwait.Receive(t, "the server to see the request cancelled", g.abandoned); n != 0 {
		t.Fatalf("request %d abandoned, want request 0", n)
	}
	later := sharedGet(t.Context(), t, c, alice, g.URL+"/tags")
	if w := testwait.Receive(t, "the later caller to join", joins); w != 1 {
		t.Fatalf("the later caller joined with %d waiting; want a request of its own", w)
	}
	close(g.release)
	if r := testwait.Receive(t, "the later caller", later); r.err != nil || string(r.resp.Body) != "the answer" {
		t.Fatalf("the later caller got %v, %+v; want the answer", r.err, r.resp)
	}
	if g.hits() != 2 {
		t.Fatalf("the server got %d requests, want 2", g.hits())
	}
}

// TestSharedNothingKept: an answer, an error status or a transport error
// goes to the callers waiting for it and to no later one: the same read
// asked again is sent again.
func TestSharedNothingKept(t *testing.T) {
	t.Parallel()
	srv := serve(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		switch n {
		case 0:
			resetMidBody(t, w)
		case 1:
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			_, _ = w.Write([]byte("answer " + strconv.Itoa(n)))
		}
	})
	cfg := fastConfig()
	cfg.MaxRetries = -1 // one attempt each: every call is one request
	c, _ := sharingClient(t, cfg)
	ask := func() result {
		return testwait.Receive(t, "an answer", sharedGet(t.Context(), t, c, alice, srv.URL+"/tags"))
	}
	if r := ask(); r.err == nil {
		t.Fatalf("request 0 (reset): got %+v, want an error", r.resp)
	}
	if r := ask(); r.err != nil || r.resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("request 1: %v, %+v; want the 503 of a new request", r.err, r.resp)
	}
	for _, want := range []string{"answer 2", "answer 3"} {
		if r := ask(); r.err != nil || string(r.resp.Body) != want {
			t.Fatalf("got %v, %+v; want %q from a new request", r.err, r.resp, want)
		}
	}
	if srv.hits() != 4 {
		t.Fatalf("the server got %d requests, want 4: one per call", srv.hits())
	}
}

// TestSharedRetriesOnce: a throttled shared request is retried once for all
// its callers, not once per caller.
func TestSharedRetriesOnce(t *testing.T) {
	t.Parallel()
	g := newGate(t, func(n int, w http.ResponseWriter) {
		if n == 0 {
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		okAnswer(n, w)
	})
	c, joins := sharingClient(t, fastConfig())
	// The first attempt is held until three callers wait on it; the retry
	// finds the gate open.
	var results []<-chan result
	for range 3 {
		results = append(results, sharedGet(t.Context(), t, c, alice, g.URL+"/tags"))
		testwait.Receive(t, "a caller to join", joins)
	}
	close(g.release)
	for _, ch := range results {
		if r := testwait.Receive(t, "an answer", ch); r.err != nil || string(r.resp.Body) != "the answer" || r.resp.Attempts != 2 {
			t.Fatalf("got %v, %+v; want the answer after 2 attempts", r.err, r.resp)
		}
	}
	if g.hits() != 2 {
		t.Fatalf("the server got %d requests, want 2 (one 429, one retry)", g.hits())
	}
}

// TestSharedLogging: a shared answer is logged at TRACE once per caller,
// with the cloud, method, URL and number of callers, and no credential.
func TestSharedLogging(t *testing.T) {
	t.Parallel()
	g := newGate(t, okAnswer)
	c, joins := sharingClient(t, fastConfig())
	var buf bytes.Buffer
	var mu sync.Mutex // the two callers' log lines come from one buffer
	ctx := tflogtest.RootLogger(t.Context(), &lockedWriter{w: &buf, mu: &mu})
	first := sharedGet(ctx, t, c, alice, g.URL+"/tags?limit=10")
	testwait.Receive(t, "the first caller to join", joins)
	second := sharedGet(ctx, t, c, alice, g.URL+"/tags?limit=10")
	testwait.Receive(t, "the second caller to join", joins)
	close(g.release)
	testwait.Receive(t, "an answer", first)
	testwait.Receive(t, "an answer", second)

	mu.Lock()
	defer mu.Unlock()
	for _, secret := range alice.Credentials {
		if strings.Contains(buf.String(), secret) {
			t.Fatalf("the log holds %q:\n%s", secret, buf.String())
		}
	}
	entries, err := tflogtest.MultilineJSONDecode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	shared := 0
	for _, e := range entries {
		if e["@message"] != "HTTP answer shared" {
			continue
		}
		shared++
		if e["@level"] != "trace" || e["cloud"] != "SWR" || e["method"] != "GET" || e["callers"] != float64(2) ||
			!strings.HasSuffix(e["url"].(string), "/tags?limit=10") {
			t.Fatalf("shared line %v; want trace, cloud SWR, GET, the URL, 2 callers", e)
		}
	}
	if shared != 2 {
		t.Fatalf("%d shared lines, want one per caller (2):\n%v", shared, entries)
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestSharingKeyHoldsNoSecret: the key is a keyed hash; the same request
// and credentials give the same key within one client only.
func TestSharingKeyHoldsNoSecret(t *testing.T) {
	t.Parallel()
	c1, c2 := newClient(t, Config{}), newClient(t, Config{})
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "https://swr.example/tags?b=2&a=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	k := Key{Cloud: "SWR", Credentials: []string{"AK-7e1", "SK-9c4d"}}
	key := c1.share.key(k, req)
	for _, secret := range []string{"AK-7e1", "SK-9c4d", "swr.example"} {
		if strings.Contains(key, secret) {
			t.Fatalf("key %q holds %q", key, secret)
		}
	}
	if key != c1.share.key(k, req.Clone(t.Context())) {
		t.Fatal("the same request gave two keys in one client")
	}
	if key == c2.share.key(k, req) {
		t.Fatal("two clients gave the same key: the hash is not keyed per client")
	}
}
