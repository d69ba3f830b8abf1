package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

const (
	testSWRHost = "swr.cn-north-4.myhuaweicloud.com"
	// Digests as registries print them; the functions only check their form.
	testSHA256  = "sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"
	testSHA256b = "sha256:0b7f5c0cc5ea1a6b9f0ea4f4e9a3f1c8f2b0d6a3e9c1a2b3c4d5e6f708192a3b"
	testSHA512  = "sha512:" + "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca7" +
		"2323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043"
	testSHA384 = "sha384:" + "768412320f7b0aa5812fce428dc4706b3cae50e02a64caa16a782249bfe8efc4" +
		"b7ef1ccb126255d196047dfedf17a0a9"
)

// imageRefObject is the object parse_image_ref should return; "" is null.
func imageRefObject(registry, repository, tag, digest string) attr.Value {
	str := func(s string) attr.Value {
		if s == "" {
			return types.StringNull()
		}
		return types.StringValue(s)
	}
	return types.ObjectValueMust(imageRefAttrTypes, map[string]attr.Value{
		"registry": str(registry), "repository": str(repository), "tag": str(tag), "digest": str(digest),
	})
}

func runFunction(t *testing.T, f function.Function, ret attr.Value, args ...string) (attr.Value, *function.FuncError) {
	t.Helper()
	values := make([]attr.Value, len(args))
	for i, a := range args {
		values[i] = types.StringValue(a)
	}
	resp := &function.RunResponse{Result: function.NewResultData(ret)}
	f.Run(context.Background(), function.RunRequest{Arguments: function.NewArgumentsData(values)}, resp)
	return resp.Result.Value(), resp.Error
}

// checkFuncError checks that err is an error of argument arg whose text has
// every one of want.
func checkFuncError(t *testing.T, err *function.FuncError, arg int64, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one with %q", want)
	}
	if err.FunctionArgument == nil || *err.FunctionArgument != arg {
		t.Errorf("error names argument %v, want %d: %s", err.FunctionArgument, arg, err.Text)
	}
	for _, w := range want {
		if !strings.Contains(err.Text, w) {
			t.Errorf("error %q does not contain %q", err.Text, w)
		}
	}
}

func TestParseImageRefFunction_valid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ref  string
		want attr.Value
	}{
		{testSWRHost + "/team/apps/web:v1", imageRefObject(testSWRHost, "team/apps/web", "v1", "")},
		{testSWRHost + "/team/web", imageRefObject(testSWRHost, "team/web", "", "")},
		{testSWRHost + "/team/web@" + testSHA256, imageRefObject(testSWRHost, "team/web", "", testSHA256)},
		{testSWRHost + "/team/web:v1.4.2@" + testSHA256, imageRefObject(testSWRHost, "team/web", "v1.4.2", testSHA256)},
		{"uhub.service.ucloud.cn/repo/image:latest", imageRefObject("uhub.service.ucloud.cn", "repo/image", "latest", "")},
		{"registry.example.com:5000/a/b/c/d:1.0_RC-1", imageRefObject("registry.example.com:5000", "a/b/c/d", "1.0_RC-1", "")},
		{"localhost:5000/web", imageRefObject("localhost:5000", "web", "", "")},
		{"localhost/web:v1", imageRefObject("localhost", "web", "v1", "")},
		{"[::1]:5000/web:v1", imageRefObject("[::1]:5000", "web", "v1", "")},
		{"[2001:db8::1]/team/web", imageRefObject("[2001:db8::1]", "team/web", "", "")},
		{"10.0.0.1:5000/team/web", imageRefObject("10.0.0.1:5000", "team/web", "", "")},
		{"Registry.Example.com/web", imageRefObject("Registry.Example.com", "web", "", "")}, // hosts are case-insensitive: kept as written
		{"registry.example.com/my_team/web-app__x.y:V1", imageRefObject("registry.example.com", "my_team/web-app__x.y", "V1", "")},
		{testSWRHost + "/team/web@" + testSHA512, imageRefObject(testSWRHost, "team/web", "", testSHA512)},
		{testSWRHost + "/team/web@" + testSHA384, imageRefObject(testSWRHost, "team/web", "", testSHA384)},
	} {
		t.Run(tc.ref, func(t *testing.T) {
			t.Parallel()
			got, err := runFunction(t, NewParseImageRefFunction(), types.ObjectUnknown(imageRefAttrTypes), tc.ref)
			if err != nil {
				t.Fatalf("error: %s", err.Text)
			}
			if !got.Equal(tc.want) {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestParseImageRefFunction_invalid(t *testing.T) {
	t.Parallel()
	upperDigest := "sha256:6C3C624B58DBBCD3C0DD82B4C53F04194D1247C6EEBDAAB7C610CF7D66709B3B"
	for _, tc := range []struct {
		name string
		ref  string
		want []string // besides the quoted input
	}{
		{"no host", "web:v1", []string{"has no registry host", "Docker Hub short names are not expanded", `"swr.cn-north-4.myhuaweicloud.com/team/web:v1"`}},
		{"namespace is not a host", "team/web:v1", []string{"has no registry host"}},
		{"bare name", "web", []string{"has no registry host"}},
		{"upper-case first component is not a host", "Team/web", []string{"has no registry host"}},
		{"host without repository", testSWRHost + ":5000", []string{"has no registry host", "<registry>/<repository>"}},
		{"invalid host", "swr_x.example.com/web", []string{`registry host "swr_x.example.com" is not a valid host name`}},
		{"upper-case repository", testSWRHost + "/Team/Web:V1", []string{`repository "Team/Web" has upper-case letters`, `write it as "team/web"`}},
		{"upper-case repository with digest", testSWRHost + "/WEB@" + testSHA256, []string{`repository "WEB" has upper-case letters`, `write it as "web"`}},
		{"upper-case digest", testSWRHost + "/web@" + upperDigest, []string{fmt.Sprintf("digest %q is not valid", upperDigest), "all in lower case"}},
		{"unsupported digest algorithm", testSWRHost + "/web@md5:0123456789abcdef0123456789abcdef", []string{`digest "md5:0123456789abcdef0123456789abcdef": algorithm "md5" is not supported`, "sha256"}},
		{"short sha256", testSWRHost + "/web@sha256:0123456789abcdef0123456789abcdef", []string{`digest "sha256:0123456789abcdef0123456789abcdef" has the wrong length`, "64 hex digits"}},
		{"sha512 of sha256 length", testSWRHost + "/web@sha512:" + testSHA256[len("sha256:"):], []string{"has the wrong length for sha512", "128 hex digits"}},
		{"digest too short for the grammar", testSWRHost + "/web@sha256:abc", []string{"is not a valid image reference"}},
		{"tag after digest", testSWRHost + "/web@" + testSHA256 + ":v1", []string{"is not a valid image reference"}},
		{"empty tag", testSWRHost + "/web:", []string{"is not a valid image reference", "<registry>/<repository>[:tag][@digest]"}},
		{"tag too long", testSWRHost + "/web:" + strings.Repeat("a", 129), []string{"is not a valid image reference", "up to 128"}},
		{"no repository", testSWRHost + "/", []string{"is not a valid image reference"}},
		{"URL", "https://" + testSWRHost + "/team/web:v1", []string{"is a URL", "drop the scheme"}},
		{"white space", " " + testSWRHost + "/team/web:v1\n", []string{"leading or trailing white space", "trimspace"}},
		{"repository too long", testSWRHost + "/" + strings.Repeat("a", 256), []string{"longer than 255 characters"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := runFunction(t, NewParseImageRefFunction(), types.ObjectUnknown(imageRefAttrTypes), tc.ref)
			checkFuncError(t, err, 0, append(tc.want, fmt.Sprintf("%q", tc.ref))...)
			if !got.IsUnknown() {
				t.Errorf("result set despite the error: %s", got)
			}
		})
	}
}

func TestParseImageRefFunction_empty(t *testing.T) {
	t.Parallel()
	_, err := runFunction(t, NewParseImageRefFunction(), types.ObjectUnknown(imageRefAttrTypes), "")
	checkFuncError(t, err, 0, "the image reference is empty", "<registry>/<repository>")
}
