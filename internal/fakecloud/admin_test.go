package fakecloud_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
	"github.com/registry-tools/terraform-provider-registry/internal/ppio"
	"github.com/registry-tools/terraform-provider-registry/internal/swr"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
	"github.com/registry-tools/terraform-provider-registry/internal/ucloud"
)

// admin sends one admin request and decodes its JSON answer.
func admin(t *testing.T, method, u string, form url.Values) (int, map[string]any) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s %s: HTTP %d, not JSON: %v", method, u, resp.StatusCode, err)
	}
	return resp.StatusCode, out
}

func noRetries(t *testing.T) *transport.Client {
	t.Helper()
	httpc, err := transport.New(transport.Config{MaxRetries: -1}) // one attempt: each queued fault shows
	if err != nil {
		t.Fatal(err)
	}
	return httpc
}

func TestAdminSWRPushShowsInListing(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.SWR.GenerateTags("demo", "apps/web", 5)
	c, err := swr.New(swr.Config{
		Endpoint: srv.URL, IAMEndpoint: srv.URL, Region: fakecloud.DefaultSWRRegion,
		AccessKey: fakecloud.DefaultSWRAccessKey, SecretKey: fakecloud.DefaultSWRSecretKey, HTTP: noRetries(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	digestOf := func(tag string) string {
		t.Helper()
		list, err := c.ListTags(context.Background(), swr.ListTagsInput{Namespace: "demo", Repository: "apps/web"})
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range list.Tags {
			if tg.Tag == tag {
				return tg.Digest
			}
		}
		return ""
	}
	before := digestOf("v2.0.0")

	// Move an existing tag, form in the body.
	status, out := admin(t, http.MethodPost, srv.URL+"/_fake/swr/push", url.Values{
		"namespace": {"demo"}, "repository": {"apps/web"}, "tag": {"v2.0.0"}, "at": {"2025-06-01T12:00:00Z"},
	})
	if status != http.StatusOK || out["digest"] == before || out["updated"] != "2025-06-01T12:00:00Z" {
		t.Fatalf("push: HTTP %d %v; want a new digest updated at the given time", status, out)
	}
	if got := digestOf("v2.0.0"); got != out["digest"] {
		t.Fatalf("listing shows %s after the push, want %s", got, out["digest"])
	}

	// Push a new tag, parameters in the query, time now.
	status, out = admin(t, http.MethodPost, srv.URL+"/_fake/swr/push?namespace=demo&repository=apps/web&tag=v9.0.0", nil)
	if status != http.StatusOK || digestOf("v9.0.0") != out["digest"] || out["digest"] == "" {
		t.Fatalf("push of a new tag: HTTP %d %v", status, out)
	}

	// Sign it as cosign does: a signature tag named after its digest.
	status, out = admin(t, http.MethodPost, srv.URL+"/_fake/swr/sign?namespace=demo&repository=apps/web&tag=v9.0.0", nil)
	if sig := fakecloud.CosignTag(digestOf("v9.0.0"), "sig"); status != http.StatusOK || out["tag"] != sig || digestOf(sig) != out["digest"] {
		t.Fatalf("sign: HTTP %d %v; want the signature tag %s listed", status, out, sig)
	}
	if status, out = admin(t, http.MethodPost, srv.URL+"/_fake/swr/sign?namespace=demo&repository=apps/web&tag=nope", nil); status != http.StatusBadRequest {
		t.Fatalf("sign of a missing tag: HTTP %d %v, want 400", status, out)
	}

	status, out = admin(t, http.MethodPost, srv.URL+"/_fake/swr/delete?namespace=demo&repository=apps/web&tag=v9.0.0", nil)
	if status != http.StatusOK || out["deleted"] != true || digestOf("v9.0.0") != "" {
		t.Fatalf("delete: HTTP %d %v", status, out)
	}
}

func TestAdminUHubPushShowsInListing(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.UHub.GenerateImageTags("demo-shop", "web", 5)
	c, err := ucloud.New(ucloud.Config{Endpoint: srv.URL, PublicKey: fakecloud.DefaultUCloudPublicKey,
		PrivateKey: fakecloud.DefaultUCloudPrivateKey, HTTP: noRetries(t)})
	if err != nil {
		t.Fatal(err)
	}
	in := ucloud.ImageTagInput{RepoName: "demo-shop", ImageName: "web", TagName: "v1.0.3"}
	before, err := c.ImageTag(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	status, out := admin(t, http.MethodPost, srv.URL+"/_fake/uhub/push", url.Values{
		"repo": {"demo-shop"}, "image": {"web"}, "tag": {"v1.0.3"}, "at": {"2025-06-01T12:00:00+08:00"},
	})
	if status != http.StatusOK || out["digest"] == before.Digest || out["update_time"] != "2025-06-01T04:00:00Z" {
		t.Fatalf("push: HTTP %d %v; want a new digest at 04:00 UTC", status, out)
	}
	list, err := c.ListImageTags(context.Background(), ucloud.ListImageTagsInput{RepoName: "demo-shop", ImageName: "web"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Tags) != 5 || list.Tags[3].TagName != "v1.0.3" || list.Tags[3].Digest != out["digest"] {
		t.Fatalf("listing after push: %+v; want v1.0.3 at %v", list.Tags, out["digest"])
	}

	status, out = admin(t, http.MethodPost, srv.URL+"/_fake/uhub/delete?repo=demo-shop&image=web&tag=v1.0.3", nil)
	if status != http.StatusOK || out["deleted"] != true {
		t.Fatalf("delete: HTTP %d %v", status, out)
	}
	if _, err := c.ImageTag(context.Background(), in); err == nil {
		t.Fatal("the deleted tag is still served")
	}
}

func TestAdminFaults(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.UHub.GenerateImages("team", 3)
	c, err := ucloud.New(ucloud.Config{Endpoint: srv.URL, PublicKey: fakecloud.DefaultUCloudPublicKey,
		PrivateKey: fakecloud.DefaultUCloudPrivateKey, HTTP: noRetries(t)})
	if err != nil {
		t.Fatal(err)
	}
	list := func() error {
		_, err := c.ListRepoImages(context.Background(), ucloud.ListRepoImagesInput{RepoName: "team"})
		return err
	}
	wantKind := func(err error, kind apierror.Kind, code string) {
		t.Helper()
		e, ok := apierror.As(err)
		if !ok || e.Kind != kind || e.Code != code {
			t.Fatalf("got %v; want kind %d code %q", err, kind, code)
		}
	}

	status, out := admin(t, http.MethodPost, srv.URL+"/_fake/faults?cloud=uhub&kind=server-error&count=2", nil)
	if status != http.StatusOK || out["count"] != float64(2) {
		t.Fatalf("queue: HTTP %d %v", status, out)
	}
	wantKind(list(), apierror.KindServer, "")
	wantKind(list(), apierror.KindServer, "")
	if err := list(); err != nil {
		t.Fatalf("after the two faults: %v", err)
	}

	admin(t, http.MethodPost, srv.URL+"/_fake/faults?cloud=uhub&kind=throttle", nil)
	wantKind(list(), apierror.KindThrottled, "153")
	admin(t, http.MethodPost, srv.URL+"/_fake/faults?cloud=uhub&kind=retcode&code=299&count=5", nil)
	wantKind(list(), apierror.KindPermission, "299")

	// DELETE drops what is left of the queue.
	status, out = admin(t, http.MethodDelete, srv.URL+"/_fake/faults?cloud=uhub", nil)
	if status != http.StatusOK || len(out["cleared"].([]any)) != 1 {
		t.Fatalf("clear: HTTP %d %v", status, out)
	}
	if err := list(); err != nil {
		t.Fatalf("after clearing: %v", err)
	}

	// Each cloud's queue is its own.
	admin(t, http.MethodPost, srv.URL+"/_fake/faults?cloud=ppio&kind=throttle", nil)
	if err := list(); err != nil {
		t.Fatalf("a PPIO fault reached UHub: %v", err)
	}
	before := fc.UHub.Requests()
	_, counts := admin(t, http.MethodGet, srv.URL+"/_fake/requests", nil)
	if counts["uhub"] != float64(before) || counts["swr"] != float64(0) || counts["ppio"] != float64(0) {
		t.Fatalf("/_fake/requests: %v; want uhub %d and nothing else", counts, before)
	}
	if fc.UHub.Requests() != before {
		t.Fatal("an admin request was counted as a UHub request")
	}
}

func TestAdminPPIOPublishShowsInListing(t *testing.T) {
	_, srv := fakecloud.Start(t)
	httpc := noRetries(t)
	c, err := ppio.New(ppio.Config{Endpoint: srv.URL, APIKey: fakecloud.DefaultPPIOAPIKey, HTTP: httpc})
	if err != nil {
		t.Fatal(err)
	}
	images := func() []ppio.Image {
		t.Helper()
		list, err := c.ListImages(context.Background(), ppio.ListImagesInput{Name: "inference"})
		if err != nil {
			t.Fatal(err)
		}
		return list.Images
	}
	if n := len(images()); n != 0 {
		t.Fatalf("%d inference images before publishing, want 0", n)
	}

	// The first build, form in the body.
	status, first := admin(t, http.MethodPost, srv.URL+"/_fake/ppio/publish", url.Values{
		"name": {"inference"}, "tag": {"v1"}, "at": {"2025-06-01T12:00:00Z"},
	})
	if status != http.StatusOK || first["created_at"] != "2025-06-01T12:00:00Z" || first["type"] != "private" || first["status"] != "normal" {
		t.Fatalf("publish: HTTP %d %v; want a private, normal image created at the given time", status, first)
	}
	got := images()
	if len(got) != 1 || got[0].ID != first["id"] || len(got[0].Tags) != 1 || got[0].Tags[0].Tag != "v1" ||
		got[0].Tags[0].FullImageName != first["full_image_name"] || !got[0].CreatedAt.Equal(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)) {
		t.Fatalf("listing after publish: %+v; want the one image %v", got, first)
	}

	// A rebuild of the same name is a second image, parameters in the query.
	status, second := admin(t, http.MethodPost, srv.URL+"/_fake/ppio/publish?name=inference&tag=v2&type=community&status=creating&at=2025-06-02T12:00:00Z", nil)
	if status != http.StatusOK || second["id"] == first["id"] {
		t.Fatalf("second publish: HTTP %d %v; want a new image", status, second)
	}
	got = images()
	if len(got) != 2 {
		t.Fatalf("listing after the second publish: %d images, want 2", len(got))
	}
	for _, img := range got {
		if img.ID == second["id"] && (img.Type != "community" || img.Status != "creating" || img.Tags[0].Tag != "v2") {
			t.Fatalf("second image listed as %+v; want community, creating, tag v2", img)
		}
	}

	status, out := admin(t, http.MethodPost, srv.URL+"/_fake/ppio/delete?id="+url.QueryEscape(first["id"].(string)), nil)
	if status != http.StatusOK || out["deleted"] != true || len(images()) != 1 {
		t.Fatalf("delete: HTTP %d %v; want one image left", status, out)
	}
}

func TestAdminRejectsBadRequests(t *testing.T) {
	_, srv := fakecloud.Start(t)
	cases := map[string]struct {
		method, path string
		status       int
		says         string
	}{
		"missing tag":      {http.MethodPost, "/_fake/swr/push?namespace=demo&repository=web", 400, `"tag" is missing`},
		"bad time":         {http.MethodPost, "/_fake/uhub/push?repo=r&image=i&tag=t&at=yesterday", 400, "RFC 3339"},
		"unknown cloud":    {http.MethodPost, "/_fake/faults?cloud=aws&kind=throttle", 400, `"aws" is not one of swr, uhub, ppio`},
		"unknown kind":     {http.MethodPost, "/_fake/faults?cloud=swr&kind=flood", 400, `"flood" is not one of`},
		"retcode for swr":  {http.MethodPost, "/_fake/faults?cloud=swr&kind=retcode&code=2000", 400, "cloud=uhub"},
		"retcode, no code": {http.MethodPost, "/_fake/faults?cloud=uhub&kind=retcode", 400, "needs code"},
		"ppio no tag":      {http.MethodPost, "/_fake/ppio/publish?name=inference", 400, `"tag" is missing`},
		"ppio bad type":    {http.MethodPost, "/_fake/ppio/publish?name=inference&tag=v1&type=public", 400, `"public" is not one of base, community, private`},
		"ppio bad status":  {http.MethodPost, "/_fake/ppio/publish?name=inference&tag=v1&status=ready", 400, `"ready" is not one of`},
		"count zero":       {http.MethodPost, "/_fake/faults?cloud=swr&kind=throttle&count=0", 400, "from 1 to 10000"},
		"wrong method":     {http.MethodGet, "/_fake/swr/push", 405, "/_fake/swr/push"},
		"unknown path":     {http.MethodPost, "/_fake/nothing", 404, "fakecloud admin API"},
		"help":             {http.MethodGet, "/_fake/", 200, "POST   /_fake/faults"},
	}
	for name, tc := range cases {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		var e struct{ Error string }
		if json.Unmarshal(body, &e) == nil {
			body = []byte(e.Error) // the message, unescaped
		}
		if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.says) {
			t.Errorf("%s: HTTP %d %s; want %d saying %q", name, resp.StatusCode, body, tc.status, tc.says)
		}
		if tc.status == 405 && resp.Header.Get("Allow") != http.MethodPost {
			t.Errorf("%s: Allow %q, want POST", name, resp.Header.Get("Allow"))
		}
	}
}

// TestAdminIgnoresLatency: the admin API is not a cloud, so SetLatency
// does not apply to it — checked by a latency no test could wait out.
func TestAdminIgnoresLatency(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.SetLatency(time.Hour)
	if status, _ := admin(t, http.MethodGet, srv.URL+"/_fake/requests", nil); status != http.StatusOK {
		t.Fatalf("HTTP %d", status)
	}
}
