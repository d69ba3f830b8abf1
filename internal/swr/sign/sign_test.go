package sign

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	sdksigner "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	sdkrequest "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
)

// The published vector of the SDK's signer_test.go (test1): the SDK signs
// only the headers the caller set, so host is left out here too.
func TestSignatureMatchesPublishedVector(t *testing.T) {
	req, _ := http.NewRequest(http.MethodGet, "https://example.huaweicloud.com/path?limit=1", nil)
	req.Header.Set("X-Sdk-Date", "20060102T150405Z")
	req.Header.Set("TEST_UNDERSCORE", "TEST_VALUE")

	signed := []string{"x-sdk-date"}
	canonical := canonicalRequest(req, signed, nil)
	wantCanonical := "GET\n/path/\nlimit=1\nx-sdk-date:20060102T150405Z\n\nx-sdk-date\n" + emptyBodySHA
	if canonical != wantCanonical {
		t.Fatalf("canonical request:\n%q\nwant\n%q", canonical, wantCanonical)
	}
	got := signature("SecretKey", "20060102T150405Z", canonical)
	if want := "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"; got != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
}

func TestCanonicalQueryMatchesPublishedVector(t *testing.T) {
	q := url.Values{
		"limit":  {"1"},
		"enable": {"true"},
		"test":   {"一 (&=?!#%.*)"},
		"path":   {"/tmp/123"},
		"multi":  {"3", "1", "2"},
	}
	want := "enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29"
	if got := canonicalQuery(q); got != want {
		t.Fatalf("canonical query\n%s\nwant\n%s", got, want)
	}
}

func TestSignLeavesOutUnderscoreAndContentTypeHeaders(t *testing.T) {
	req, _ := http.NewRequest(http.MethodGet, "https://swr-api.cn-north-4.myhuaweicloud.com/v2/manage/namespaces/ns/repos/a$b/tags", nil)
	req.Header.Set("X-Project-Id", "p1")
	req.Header.Set("X-Security-Token", "tok")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X_Custom", "v")
	Sign(req, nil, "AK", "SK", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	auth, ok := ParseAuthorization(req.Header.Get("Authorization"))
	if !ok || auth.AccessKey != "AK" {
		t.Fatalf("unparsable Authorization %q", req.Header.Get("Authorization"))
	}
	if got, want := strings.Join(auth.SignedHeaders, ";"), "host;x-project-id;x-sdk-date;x-security-token"; got != want {
		t.Fatalf("signed headers %s, want %s", got, want)
	}
	if req.Header.Get("X-Sdk-Date") != "20260102T030405Z" {
		t.Fatalf("X-Sdk-Date %q", req.Header.Get("X-Sdk-Date"))
	}
}

// TestSignMatchesOfficialSDK signs several hundred generated requests with
// both this signer and the official SDK's and compares the headers.
func TestSignMatchesOfficialSDK(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 400 {
		c := randomRequest(rng)
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			want := sdkAuthorization(t, c)
			got := ourAuthorization(t, c)
			if got != want {
				t.Fatalf("request %+v\nours %s\nsdk  %s", c, got, want)
			}
		})
	}
}

type generatedRequest struct {
	method, host, path string
	query              map[string][]string
	headers            map[string]string
	body               []byte
	ak, sk, date       string
}

const pathAlphabet = "abcXYZ019-_.~$ %+é一@!*'():,;="

func randomString(rng *rand.Rand, alphabet string, n int) string {
	runes := []rune(alphabet)
	var b strings.Builder
	for range n {
		b.WriteRune(runes[rng.IntN(len(runes))])
	}
	return b.String()
}

func randomRequest(rng *rand.Rand) generatedRequest {
	c := generatedRequest{
		method:  []string{"GET", "DELETE", "POST"}[rng.IntN(3)],
		host:    []string{"swr-api.cn-north-4.myhuaweicloud.com", "127.0.0.1:8080", "iam.myhuaweicloud.com"}[rng.IntN(3)],
		query:   map[string][]string{},
		headers: map[string]string{"Host": "", "X-Project-Id": randomString(rng, "0123456789abcdef", 32)},
		ak:      randomString(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 20),
		sk:      randomString(rng, "abcdefghijklmnopqrstuvwxyz0123456789", 40),
		date:    time.Unix(rng.Int64N(4e9), 0).UTC().Format(DateFormat),
	}
	c.headers["Host"] = c.host
	var segs []string
	for range 1 + rng.IntN(5) {
		segs = append(segs, randomString(rng, pathAlphabet, 1+rng.IntN(8)))
	}
	c.path = "/" + strings.Join(segs, "/")
	if rng.IntN(4) == 0 {
		c.path += "/"
	}
	for range rng.IntN(5) {
		k := randomString(rng, "abcz_-.~ %=&", 1+rng.IntN(6))
		n := 1
		if rng.IntN(4) == 0 {
			n = 2 + rng.IntN(2)
		}
		for range n {
			c.query[k] = append(c.query[k], randomString(rng, pathAlphabet+"&=?#/", rng.IntN(10)))
		}
	}
	if rng.IntN(2) == 0 {
		c.headers["X-Security-Token"] = randomString(rng, "abcdefXYZ0123456789+/=", 60)
	}
	if rng.IntN(3) == 0 {
		c.headers["Custom_Underscore"] = "x"
	}
	if rng.IntN(3) == 0 {
		c.headers["X-Extra"] = "  padded value  "
	}
	if c.method == "POST" {
		c.headers["Content-Type"] = "application/json"
		c.body = []byte(fmt.Sprintf(`{"n":%d}`, rng.IntN(1000)))
	}
	return c
}

func sdkAuthorization(t *testing.T, c generatedRequest) string {
	t.Helper()
	b := sdkrequest.NewHttpRequestBuilder().WithMethod(c.method).WithEndpoint("https://" + c.host).WithPath(c.path)
	for k, vs := range c.query {
		if len(vs) == 1 {
			b.AddQueryParam(k, reflect.ValueOf(vs[0]))
		} else {
			b.AddQueryParam(k, reflect.ValueOf(vs))
		}
	}
	for k, v := range c.headers {
		b.AddHeaderParam(k, v)
	}
	b.AddHeaderParam("X-Sdk-Date", c.date)
	if c.body != nil {
		b.WithBody("body", string(c.body)) // a string body is sent as is
	}
	headers, err := sdksigner.Sign(b.Build(), c.ak, c.sk)
	if err != nil {
		t.Fatal(err)
	}
	return headers["Authorization"]
}

func ourAuthorization(t *testing.T, c generatedRequest) string {
	t.Helper()
	u := &url.URL{Scheme: "https", Host: c.host, Path: c.path, RawQuery: url.Values(c.query).Encode()}
	req, err := http.NewRequest(c.method, u.String(), bytes.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range c.headers {
		if k != "Host" {
			req.Header.Set(k, v)
		}
	}
	date, _ := time.Parse(DateFormat, c.date)
	Sign(req, c.body, c.ak, c.sk, date)
	return req.Header.Get("Authorization")
}

// TestVerifyAcceptsOnlyTheSignedRequest: what a server recomputes matches
// the client's signature, and fails when the request or the key differ.
func TestVerifyAcceptsOnlyTheSignedRequest(t *testing.T) {
	signed := func() *http.Request {
		req, _ := http.NewRequest(http.MethodGet, "https://swr-api.cn-north-4.myhuaweicloud.com/v2/manage/namespaces/ns/repos/a$b/tags/v1?limit=1000&offset=0", nil)
		req.Header.Set("X-Project-Id", "p1")
		Sign(req, nil, "AK", "SK", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
		return req
	}
	verify := func(req *http.Request, secret string) bool {
		auth, ok := ParseAuthorization(req.Header.Get("Authorization"))
		return ok && Verify(req, nil, auth, secret)
	}
	if !verify(signed(), "SK") {
		t.Fatal("the signed request does not verify")
	}
	tampered := map[string]func(*http.Request){
		"query":         func(r *http.Request) { r.URL.RawQuery = "limit=1000&offset=1000" },
		"path":          func(r *http.Request) { r.URL.Path = "/v2/manage/namespaces/ns/repos/a$b/tags/v2" },
		"signed header": func(r *http.Request) { r.Header.Set("X-Project-Id", "p2") },
		"date":          func(r *http.Request) { r.Header.Set(DateHeader, "20260102T030406Z") },
		"signature trimmed": func(r *http.Request) {
			r.Header.Set("Authorization", r.Header.Get("Authorization")[:len(r.Header.Get("Authorization"))-1])
		},
	}
	for name, change := range tampered {
		req := signed()
		change(req)
		if verify(req, "SK") {
			t.Errorf("%s changed: still verifies", name)
		}
	}
	if verify(signed(), "another SK") {
		t.Error("verifies with another secret key")
	}
	for _, h := range []string{"", "SDK-HMAC-SHA256 Access=AK", "AWS4-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=00", "SDK-HMAC-SHA256 SignedHeaders=host, Signature=00"} {
		if _, ok := ParseAuthorization(h); ok {
			t.Errorf("ParseAuthorization(%q) accepted", h)
		}
	}
}
