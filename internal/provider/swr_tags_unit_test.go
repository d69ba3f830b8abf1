package provider

import "testing"

func TestPinnedPathReplacesTheTagWithTheDigest(t *testing.T) {
	cases := []struct{ path, tag, digest, want string }{
		{"swr.cn-north-4.myhuaweicloud.com/ns/apps/web:v1.2", "v1.2", "sha256:ab", "swr.cn-north-4.myhuaweicloud.com/ns/apps/web@sha256:ab"},
		{"10.125.0.198:20202/ns/web:latest", "latest", "sha256:ab", "10.125.0.198:20202/ns/web@sha256:ab"},
		{"registry:5000/ns/web:v1", "other", "sha256:ab", "registry:5000/ns/web@sha256:ab"}, // tag not at the end: cut at the last ':' after the last '/'
		{"registry:5000/ns/web", "v1", "sha256:ab", "registry:5000/ns/web@sha256:ab"},
		{"swr.example.com/ns/web:v1", "v1", "", ""},
	}
	for _, c := range cases {
		if got := pinnedPath(c.path, c.tag, c.digest); got != c.want {
			t.Errorf("pinnedPath(%q, %q, %q) = %q, want %q", c.path, c.tag, c.digest, got, c.want)
		}
	}
}
