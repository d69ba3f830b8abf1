package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestPinImageRefFunction_valid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ref, digest, want string
	}{
		{testSWRHost + "/team/apps/web:v1", testSHA256, testSWRHost + "/team/apps/web@" + testSHA256},
		{testSWRHost + "/team/web", testSHA256, testSWRHost + "/team/web@" + testSHA256},
		{"localhost:5000/web:latest", testSHA512, "localhost:5000/web@" + testSHA512},
		{"[::1]:5000/a/b:v2", testSHA384, "[::1]:5000/a/b@" + testSHA384},
		// Already pinned to the same digest: comes back pinned, the tag dropped.
		{testSWRHost + "/team/web@" + testSHA256, testSHA256, testSWRHost + "/team/web@" + testSHA256},
		{testSWRHost + "/team/web:v1@" + testSHA256, testSHA256, testSWRHost + "/team/web@" + testSHA256},
	} {
		t.Run(tc.ref+"+"+tc.digest, func(t *testing.T) {
			t.Parallel()
			got, err := runFunction(t, NewPinImageRefFunction(), types.StringUnknown(), tc.ref, tc.digest)
			if err != nil {
				t.Fatalf("error: %s", err.Text)
			}
			if want := types.StringValue(tc.want); !got.Equal(want) {
				t.Errorf("got %s, want %s", got, want)
			}
		})
	}
}

func TestPinImageRefFunction_invalid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, ref, digest string
		arg               int64
		want              []string
	}{
		{"no host", "team/web:v1", testSHA256, 0, []string{`"team/web:v1" has no registry host`}},
		{"upper-case repository", testSWRHost + "/Web:v1", testSHA256, 0, []string{`repository "Web" has upper-case letters`}},
		{"empty ref", "", testSHA256, 0, []string{"the image reference is empty"}},
		{
			"pinned to another digest", testSWRHost + "/web:v1@" + testSHA256, testSHA256b, 0,
			[]string{fmt.Sprintf("%q is already pinned to %s, not to %s", testSWRHost+"/web:v1@"+testSHA256, testSHA256, testSHA256b), "without its @digest"},
		},
		{"empty digest", testSWRHost + "/web:v1", "", 1, []string{"the digest is empty", `"sha256:"`}},
		{"digest without algorithm", testSWRHost + "/web:v1", testSHA256[len("sha256:"):], 1, []string{"is not valid", "<algorithm>:<hex>"}},
		{"upper-case hex", testSWRHost + "/web:v1", "sha256:6C3C624B58DBBCD3C0DD82B4C53F04194D1247C6EEBDAAB7C610CF7D66709B3B", 1, []string{"is not valid", "all in lower case"}},
		{"upper-case algorithm", testSWRHost + "/web:v1", "SHA256:" + testSHA256[len("sha256:"):], 1, []string{"is not valid", "all in lower case"}},
		{"unsupported algorithm", testSWRHost + "/web:v1", "md5:0123456789abcdef0123456789abcdef", 1, []string{`algorithm "md5" is not supported`, "sha256"}},
		{"short", testSWRHost + "/web:v1", "sha256:abc", 1, []string{`digest "sha256:abc" has the wrong length for sha256`, "64 hex digits"}},
		{"sha512 too short", testSWRHost + "/web:v1", "sha512:" + testSHA256[len("sha256:"):], 1, []string{"wrong length for sha512", "128 hex digits"}},
		{"a reference, not a digest", testSWRHost + "/web:v1", testSWRHost + "/web@" + testSHA256, 1, []string{"is not valid"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := runFunction(t, NewPinImageRefFunction(), types.StringUnknown(), tc.ref, tc.digest)
			quoted := fmt.Sprintf("%q", tc.ref)
			if tc.arg == 1 {
				quoted = fmt.Sprintf("%q", tc.digest)
			}
			if tc.ref == "" || tc.digest == "" {
				quoted = "" // "is empty" says it
			}
			checkFuncError(t, err, tc.arg, append(tc.want, quoted)...)
			if !got.IsUnknown() {
				t.Errorf("result set despite the error: %s", got)
			}
		})
	}
}
