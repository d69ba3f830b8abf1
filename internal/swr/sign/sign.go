// Package sign is Huawei Cloud's "SDK-HMAC-SHA256" request signature, both
// sides of it: Sign for the SWR client, ParseAuthorization and Verify for a
// server checking a request, as the fake SWR and IAM do. It is the official
// SDK's core/auth/signer written again (see API-NOTES) so that the provider
// binary does not carry the SDK; the tests prove it against the SDK.
package sign

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// The algorithm's name, and its date header and format.
const (
	Algorithm  = "SDK-HMAC-SHA256"
	DateHeader = "X-Sdk-Date"
	DateFormat = "20060102T150405Z"

	emptyBodySHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// Sign adds X-Sdk-Date and Authorization to req, signing every header it
// carries (plus host) except Content-Type and names holding '_'.
// body is the request body (nil for a GET).
func Sign(req *http.Request, body []byte, accessKey, secretKey string, now time.Time) {
	req.Header.Set(DateHeader, now.UTC().Format(DateFormat))
	signed := signedHeaderNames(req)
	sig := signature(secretKey, req.Header.Get(DateHeader), canonicalRequest(req, signed, body))
	req.Header.Set("Authorization", Algorithm+" Access="+accessKey+", SignedHeaders="+strings.Join(signed, ";")+", Signature="+sig)
}

// signature is the hex HMAC-SHA256 of the string to sign, keyed by the SK.
func signature(secretKey, sdkDate, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(Algorithm + "\n" + sdkDate + "\n" + hex.EncodeToString(sum[:])))
	return hex.EncodeToString(mac.Sum(nil))
}

// requestHost is the host the server sees: an explicit Host wins over the URL's.
func requestHost(req *http.Request) string {
	if req.Host != "" {
		return req.Host
	}
	return req.URL.Host
}

func signedHeaderNames(req *http.Request) []string {
	names := make([]string, 0, len(req.Header)+1)
	hasHost := false
	for k := range req.Header {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "content-type") || strings.Contains(lk, "_") || lk == "authorization" {
			continue
		}
		hasHost = hasHost || lk == "host"
		names = append(names, lk)
	}
	if !hasHost && requestHost(req) != "" {
		names = append(names, "host")
	}
	sort.Strings(names)
	return names
}

func canonicalRequest(req *http.Request, signed []string, body []byte) string {
	var b strings.Builder
	b.WriteString(req.Method)
	b.WriteByte('\n')
	b.WriteString(canonicalURI(req.URL.Path))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(req.URL.Query()))
	b.WriteByte('\n')
	for _, name := range signed {
		var values []string
		if name == "host" && req.Header.Get("Host") == "" {
			values = []string{requestHost(req)}
		} else {
			values = append(values, req.Header.Values(name)...)
			sort.Strings(values)
		}
		for _, v := range values {
			b.WriteString(name)
			b.WriteByte(':')
			b.WriteString(strings.TrimSpace(v))
			b.WriteByte('\n')
		}
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(signed, ";"))
	b.WriteByte('\n')
	if len(body) == 0 {
		b.WriteString(emptyBodySHA)
	} else {
		sum := sha256.Sum256(body)
		b.WriteString(hex.EncodeToString(sum[:]))
	}
	return b.String()
}

// canonicalURI escapes each segment of the decoded path and always ends in '/'.
func canonicalURI(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = escape(s)
	}
	uri := strings.Join(segs, "/")
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}
	return uri
}

func canonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(q))
	for _, k := range keys {
		vals := append([]string(nil), q[k]...)
		sort.Strings(vals)
		for _, v := range vals {
			parts = append(parts, escape(k)+"="+escape(v))
		}
	}
	return strings.Join(parts, "&")
}

// escape percent-encodes every byte outside A-Za-z0-9-_.~ with upper-case hex.
func escape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// Authorization is what an SDK-HMAC-SHA256 Authorization header carries.
type Authorization struct {
	AccessKey     string
	SignedHeaders []string // lower-case names, as the client listed them
	Signature     string   // hex
}

// ParseAuthorization splits an Authorization header as the service does
// before it recomputes the signature; ok is false when it is not an
// SDK-HMAC-SHA256 header naming a key, the signed headers and a signature.
func ParseAuthorization(h string) (auth Authorization, ok bool) {
	rest, found := strings.CutPrefix(h, Algorithm+" ")
	if !found {
		return Authorization{}, false
	}
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Access":
			auth.AccessKey = v
		case "SignedHeaders":
			auth.SignedHeaders = strings.Split(v, ";")
		case "Signature":
			auth.Signature = v
		}
	}
	return auth, auth.AccessKey != "" && auth.Signature != "" && len(auth.SignedHeaders) > 0
}

// Verify reports whether auth's signature is the one secretKey gives req
// (with body, nil for a GET) over the headers auth names. Which headers must
// be signed and how old X-Sdk-Date may be are the server's own rules.
func Verify(req *http.Request, body []byte, auth Authorization, secretKey string) bool {
	want := signature(secretKey, req.Header.Get(DateHeader), canonicalRequest(req, auth.SignedHeaders, body))
	return hmac.Equal([]byte(want), []byte(auth.Signature))
}
