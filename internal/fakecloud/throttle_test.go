package fakecloud_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
)

// TestThrottleEveryAndCounts: every n-th request to the clouds, counted
// across them, is throttled in that cloud's shape; /_fake/requests counts
// each request once, and a repeated one once as distinct; DELETE zeroes it.
func TestThrottleEveryAndCounts(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.ThrottleEvery(3)
	get := func(path string) int {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+fakecloud.DefaultPPIOAPIKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	var statuses []int
	for range 6 {
		statuses = append(statuses, get("/gpus/v2/images?limit=10"))
	}
	want := []int{200, 200, 429, 200, 200, 429}
	for i := range want {
		if statuses[i] != want[i] {
			t.Fatalf("statuses %v, want %v", statuses, want)
		}
	}
	// A UHub request is the 7th: not throttled; the 9th is, as RetCode 153.
	form := url.Values{"Action": {"GetImageTag"}}
	for i := 7; i <= 9; i++ {
		status, out := admin(t, http.MethodPost, srv.URL+"/", form)
		code := out["RetCode"]
		if status != http.StatusOK || (i == 9) != (code == float64(153)) {
			t.Fatalf("UHub request %d: HTTP %d RetCode %v; want 153 on the 9th only", i, status, code)
		}
	}
	_, counts := admin(t, http.MethodGet, srv.URL+"/_fake/requests", nil)
	distinct, _ := counts["distinct"].(map[string]any)
	calls, _ := counts["calls"].(map[string]any)
	uhubCalls, _ := calls["uhub"].(map[string]any)
	if counts["ppio"] != float64(6) || counts["uhub"] != float64(3) || counts["throttled"] != float64(3) ||
		distinct["ppio"] != float64(1) || distinct["uhub"] != float64(1) || uhubCalls["GetImageTag"] != float64(3) {
		t.Fatalf("/_fake/requests = %v; want ppio 6, uhub 3 (GetImageTag 3), throttled 3, one distinct request each", counts)
	}
	if _, counts = admin(t, http.MethodDelete, srv.URL+"/_fake/requests", nil); counts["ppio"] != float64(0) ||
		counts["throttled"] != float64(0) || counts["distinct"].(map[string]any)["ppio"] != float64(0) {
		t.Fatalf("after DELETE /_fake/requests: %v, want zeros", counts)
	}
	if get("/gpus/v2/images?limit=10") != http.StatusOK || fc.PPIO.Requests() != 1 {
		t.Fatalf("after the reset: PPIO requests %d, want 1 answered", fc.PPIO.Requests())
	}
}
