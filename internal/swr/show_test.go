package swr_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
	"github.com/registry-tools/terraform-provider-registry/internal/swr"
)

// TestShowTagIsOneRequest: one tag, every field as the service stores it,
// in one ShowRepoTag request after the project lookup, and no listing.
func TestShowTagIsOneRequest(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.SWR.GenerateTags("team", "apps/web", 3000)
	fc.SWR.PushTag("team", "apps/web", "v1.0+build~7", time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC))
	c := newClient(t, srv, nil)

	for _, name := range []string{"v1234.0.0", "v1.0+build~7"} {
		for _, withManifest := range []bool{false, true} {
			tag, err := c.ShowTag(context.Background(), swr.ShowTagInput{Namespace: "team", Repository: "apps/web", Tag: name, IncludeManifest: withManifest})
			if err != nil {
				t.Fatal(err)
			}
			want, _ := fc.SWR.Tag("team", "apps/web", name)
			if tag.Tag != name || tag.ID != want.ID || tag.Digest != want.Digest || !tag.Updated.Equal(want.Updated) || !tag.Created.Equal(want.Created) ||
				tag.Size != want.Size || tag.Path != "swr.cn-north-4.myhuaweicloud.com/team/apps/web:"+name {
				t.Fatalf("got %+v, want the stored %+v", tag, want)
			}
			if withManifest != (tag.Manifest != "") || (withManifest && tag.Manifest != want.Manifest) {
				t.Fatalf("IncludeManifest %v: manifest %q", withManifest, tag.Manifest)
			}
		}
	}
	for call, want := range map[string]int64{fakecloud.SWRCallShowTag: 4, fakecloud.SWRCallListTags: 0, fakecloud.SWRCallIAMProjects: 1} {
		if got := fc.SWR.CallCount(call); got != want {
			t.Errorf("%s: %d requests, want %d", call, got, want)
		}
	}
}

func TestShowTagWithAnIAMToken(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.SWR.GenerateTags("team", "web", 3)
	c := newClient(t, srv, func(c *swr.Config) { c.AccessKey, c.SecretKey, c.AuthToken = "", "", fakecloud.DefaultSWRAuthToken })
	tag, err := c.ShowTag(context.Background(), swr.ShowTagInput{Namespace: "team", Repository: "web", Tag: "v2.0.0"})
	if err != nil || tag.Tag != "v2.0.0" {
		t.Fatalf("got %+v, %v", tag, err)
	}
	if n := fc.SWR.Requests(); n != 1 {
		t.Fatalf("%d requests, want 1 (a token needs no project lookup)", n)
	}
}

// TestShowTagNotFound: a missing tag, repository or namespace is a
// not-found error of the ShowRepoTag call whose code says which.
func TestShowTagNotFound(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.SWR.GenerateTags("team", "web", 3)
	c := newClient(t, srv, nil)
	cases := []struct {
		name string
		in   swr.ShowTagInput
		code func(string) bool
	}{
		{"tag", swr.ShowTagInput{Namespace: "team", Repository: "web", Tag: "v9.0.0"}, func(code string) bool {
			return strings.HasPrefix(code, "SVCSTG.SWR.404") && code != swr.CodeNamespaceNotFound && code != swr.CodeRepositoryNotFound
		}},
		{"repository", swr.ShowTagInput{Namespace: "team", Repository: "api", Tag: "v1.0.0"}, func(code string) bool { return code == swr.CodeRepositoryNotFound }},
		{"namespace", swr.ShowTagInput{Namespace: "nobody", Repository: "web", Tag: "v1.0.0"}, func(code string) bool { return code == swr.CodeNamespaceNotFound }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tag, err := c.ShowTag(context.Background(), tc.in)
			e, ok := apierror.As(err)
			if !ok || tag != nil {
				t.Fatalf("got %+v, %v; want no tag and an *apierror.Error", tag, err)
			}
			if e.Kind != apierror.KindNotFound || e.Call != "ShowRepoTag" || e.HTTPStatus != 404 || !tc.code(e.Code) || e.RequestID == "" {
				t.Fatalf("got %+v; want a 404 not-found error of ShowRepoTag with the %s's code and a request ID", e, tc.name)
			}
		})
	}
}

// TestShowTagRefusesWhatIsNotOneTag: a tag name that cannot be one path
// segment is refused before any request; an answer that is not the tag
// asked for is a decode error quoting the body.
func TestShowTagRefusesWhatIsNotOneTag(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.SWR.GenerateTags("team", "web", 3)
	c := newClient(t, srv, func(c *swr.Config) { c.ProjectID = fakecloud.DefaultSWRProjectID })
	for _, bad := range []string{"", ".", "..", "v1/../../other"} {
		_, err := c.ShowTag(context.Background(), swr.ShowTagInput{Namespace: "team", Repository: "web", Tag: bad})
		if e, ok := apierror.As(err); !ok || e.Kind != apierror.KindConfig || e.Call != "ShowRepoTag" {
			t.Errorf("tag %q: got %v, want a configuration error", bad, err)
		}
	}
	if n := fc.SWR.Requests(); n != 0 {
		t.Fatalf("%d requests for invalid tag names, want 0", n)
	}
	for body, want := range map[string]string{
		`{"Tag":"v1.0.0","digest":"sha256:aa"}`: `asked for tag "v2.0.0"`,
		`[{"Tag":"v2.0.0"}]`:                    `[{"Tag":"v2.0.0"}]`,
		`<html>502 Bad Gateway</html>`:          `<html>502 Bad Gateway</html>`,
		`{"Tag":"v2.0.0"} {"Tag":"v2.0.0"}`:     `{"Tag":"v2.0.0"} {"Tag":"v2.0.0"}`,
	} {
		fc.SWR.Inject(1, fakecloud.StatusFault(http.StatusOK, map[string]string{"X-Request-Id": "req-odd"}, body))
		_, err := c.ShowTag(context.Background(), swr.ShowTagInput{Namespace: "team", Repository: "web", Tag: "v2.0.0"})
		e, ok := apierror.As(err)
		if !ok || e.Kind != apierror.KindDecode || e.Call != "ShowRepoTag" || e.RequestID != "req-odd" || !strings.Contains(e.Error(), want) {
			t.Errorf("answer %s: got %v; want a decode error of ShowRepoTag naming %q and the request ID", body, err, want)
		}
	}
}
