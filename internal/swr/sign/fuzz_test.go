package sign

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	sdksigner "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	sdkrequest "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
)

// Plain `go test` replays the f.Add seeds and the files under testdata/fuzz.

// FuzzSignMatchesOfficialSDK signs one GET with a fuzzed path, query
// parameter, header value and key pair with this signer and the SDK's, built
// the way signer_test.go builds them (generatedRequest, ourAuthorization),
// and wants the same Authorization.
func FuzzSignMatchesOfficialSDK(f *testing.F) {
	const ak, sk = "AKIDEXAMPLE0123456789", "abcdefghijklmnopqrstuvwxyz0123456789abcd"
	f.Add("/path", "limit", "1", "TEST_VALUE", "AccessKey", "SecretKey")
	f.Add("/v2/manage/namespaces/ns/repos/a$b/tags", "limit", "100", "p1", ak, sk)
	f.Add("/v2/manage/namespaces/ns/repos/a%2Fb/tags", "offset", "0", "  padded value  ", ak, sk)
	f.Add("/一/é/ /+/@!*'():,;=/", "test", "一 (&=?!#%.*)", "一", ak, sk)
	f.Add("/tmp/123/", "path", "/tmp/123", "", ak, sk)
	f.Add("", "", "", "", "a", "b")
	f.Add("//a//b", "a b", "c+d", "x\ty", "AK,Signature=x", "SK")
	f.Add("/a?b#c", "&=", "=&", "\r\n", ak, sk)
	f.Add("/\xff\xfe/%zz", "\xff", "\xfe", "\xff", "\xff", "\xff")
	f.Add("/./../.", "~-._", "~-._", "v", ak, sk)
	f.Fuzz(func(t *testing.T, path, queryKey, queryValue, headerValue, accessKey, secretKey string) {
		if accessKey == "" || secretKey == "" {
			// The SDK refuses to sign without both keys (checkAKSK); the
			// client never signs without them either (New checks).
			t.Skip("SDK refuses empty credentials")
		}
		c := generatedRequest{
			method: http.MethodGet,
			host:   "swr-api.cn-north-4.myhuaweicloud.com",
			// Paths are absolute: the client only builds "/v2/..." paths,
			// and a URL cannot carry a relative path after a host.
			path:    "/" + strings.TrimPrefix(path, "/"),
			query:   map[string][]string{queryKey: {queryValue}},
			headers: map[string]string{"Host": "swr-api.cn-north-4.myhuaweicloud.com", "X-Project-Id": "p1", "X-Fuzz-Value": headerValue},
			ak:      accessKey,
			sk:      secretKey,
			date:    "20260102T030405Z",
		}

		// Our side goes through a URL: check that the URL carries the path
		// and query exactly, or the comparison below would not be fair.
		u := &url.URL{Scheme: "https", Host: c.host, Path: c.path, RawQuery: url.Values(c.query).Encode()}
		parsed, err := url.Parse(u.String())
		if err != nil {
			t.Fatalf("URL %q does not parse: %v", u.String(), err)
		}
		if parsed.Path != c.path || !reflect.DeepEqual(map[string][]string(parsed.Query()), c.query) {
			t.Fatalf("URL round trip changed the request: path %q -> %q, query %q -> %q", c.path, parsed.Path, c.query, parsed.Query())
		}

		want, err := sdkAuthorizationErr(c)
		if err != nil {
			t.Fatalf("SDK signer: %v", err)
		}
		if got := ourAuthorization(t, c); got != want {
			t.Fatalf("request %+v\nours %s\nsdk  %s", c, got, want)
		}
	})
}

// sdkAuthorizationErr is signer_test.go's sdkAuthorization for one GET
// without a body, returning the SDK's error instead of failing.
func sdkAuthorizationErr(c generatedRequest) (string, error) {
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
	headers, err := sdksigner.Sign(b.Build(), c.ak, c.sk)
	if err != nil {
		return "", err
	}
	return headers["Authorization"], nil
}
