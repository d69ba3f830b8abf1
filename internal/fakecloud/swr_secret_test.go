package fakecloud_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
	"github.com/registry-tools/terraform-provider-registry/internal/swr/sign"
)

// postSecret sends CreateSecret with body, signed over signedBody with the
// default keys, and returns the status, the headers and the body.
func postSecret(t *testing.T, base, query, contentType string, body, signedBody []byte) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/v2/manage/utils/secret"+query, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("X-Project-Id", fakecloud.DefaultSWRProjectID)
	sign.Sign(req, signedBody, fakecloud.DefaultSWRAccessKey, fakecloud.DefaultSWRSecretKey, time.Now())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, out
}

// TestFakeSWRCreateSecret: the answer API-NOTES describes, for a signed
// request whose signature covers its body.
func TestFakeSWRCreateSecret(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	for _, body := range [][]byte{nil, []byte("{}")} {
		status, h, out := postSecret(t, srv.URL, "?projectname=cn-north-4", "application/json", body, body)
		if status != http.StatusOK {
			t.Fatalf("body %q: HTTP %d %s", body, status, out)
		}
		var answer struct {
			Auths map[string]struct {
				Auth string `json:"auth"`
			} `json:"auths"`
		}
		if err := json.Unmarshal(out, &answer); err != nil {
			t.Fatal(err)
		}
		logins := fc.SWR.Logins()
		got := logins[len(logins)-1]
		const host = "swr.cn-north-4.myhuaweicloud.com"
		if len(answer.Auths) != 1 || answer.Auths[host].Auth != got.Auth {
			t.Fatalf("answer %s; want one auth for %s, the login recorded", out, host)
		}
		raw, err := base64.StdEncoding.DecodeString(got.Auth)
		if err != nil || string(raw) != "cn-north-4@"+fakecloud.DefaultSWRAccessKey+":"+got.Password || len(got.Password) != 64 {
			t.Errorf("auth decodes to %q (%v); want <region>@<AK>:<64 hex digits>", raw, err)
		}
		if h.Get("X-Swr-Dockerlogin") != "docker login -u "+got.Username+" -p "+got.Password+" "+host {
			t.Errorf("X-Swr-Dockerlogin is not the docker login command of the answer's credential")
		}
		if d, err := http.ParseTime(h.Get("Date")); err != nil || !d.Equal(got.Date) {
			t.Errorf("Date %q, recorded %v", h.Get("Date"), got.Date)
		}
	}
	if logins := fc.SWR.Logins(); len(logins) != 2 || logins[0].Password == logins[1].Password {
		t.Errorf("two answers should be two different logins: %d recorded", len(logins))
	}
	if n := fc.SWR.CallCount(fakecloud.SWRCallCreateSecret); n != 2 {
		t.Errorf("CreateSecret counted %d times, want 2", n)
	}

	for name, tc := range map[string]struct {
		query, contentType string
		body, signed       []byte
		status             int
	}{
		"body not signed":          {"", "application/json", []byte("{}"), nil, http.StatusUnauthorized},
		"no Content-Type":          {"", "", nil, nil, http.StatusBadRequest},
		"form body":                {"", "application/json", []byte("a=b"), []byte("a=b"), http.StatusBadRequest},
		"unknown projectname":      {"?projectname=xx-nowhere-1", "application/json", nil, nil, http.StatusBadRequest},
		"default projectname":      {"", "application/json", nil, nil, http.StatusOK},
		"content type with params": {"", "application/json; charset=utf-8", nil, nil, http.StatusOK},
	} {
		if status, _, out := postSecret(t, srv.URL, tc.query, tc.contentType, tc.body, tc.signed); status != tc.status {
			t.Errorf("%s: HTTP %d %s; want %d", name, status, out, tc.status)
		}
	}
	if a := callSWR(t, srv.URL, "/v2/manage/utils/secret", nil); a.status != http.StatusNotFound {
		t.Errorf("GET of CreateSecret's path: HTTP %d, want 404", a.status)
	}
}
