package swr_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
	"github.com/registry-tools/terraform-provider-registry/internal/swr"
)

// onlyLogin is the one login the fake handed out.
func onlyLogin(t *testing.T, fc *fakecloud.Cloud) fakecloud.SWRLogin {
	t.Helper()
	logins := fc.SWR.Logins()
	if len(logins) != 1 {
		t.Fatalf("the fake answered %d logins, want 1", len(logins))
	}
	return logins[0]
}

// sameLogin fails unless got is what the fake answered, its expiry the
// answer's Date plus 24 hours.
func sameLogin(t *testing.T, got *swr.Login, want fakecloud.SWRLogin) {
	t.Helper()
	if got.Registry != want.Registry || got.Username != want.Username || got.Password != want.Password || got.Auth != want.Auth {
		t.Errorf("login %s as %s (password match %v, auth match %v); the fake answered %s as %s",
			got.Registry, got.Username, got.Password == want.Password, got.Auth == want.Auth, want.Registry, want.Username)
	}
	if !got.ExpiresAt.Equal(want.Date.Add(24*time.Hour)) || got.ExpiresFrom != swr.ExpiryFromDate || got.ExpiryProblem != "" {
		t.Errorf("expires %v from %s (%q); want the answer's Date %v + 24h", got.ExpiresAt, got.ExpiresFrom, got.ExpiryProblem, want.Date)
	}
	if got.RequestID == "" || got.RequestID != want.RequestID {
		t.Errorf("request ID %q, want the answer's %q", got.RequestID, want.RequestID)
	}
}

func TestCreateSecretEveryCredentialForm(t *testing.T) {
	for _, tc := range []struct {
		name     string
		config   func(*swr.Config)
		wantUser string
		wantIAM  int64 // project lookups
	}{
		{"AK/SK, project looked up", nil, "cn-north-4@" + fakecloud.DefaultSWRAccessKey, 1},
		{"AK/SK, project given", func(c *swr.Config) { c.ProjectID = fakecloud.DefaultSWRProjectID }, "cn-north-4@" + fakecloud.DefaultSWRAccessKey, 0},
		{"temporary AK/SK", func(c *swr.Config) {
			c.AccessKey, c.SecretKey, c.SecurityToken = fakecloud.TemporarySWRAccessKey, fakecloud.TemporarySWRSecretKey, fakecloud.TemporarySWRToken
		}, "cn-north-4@" + fakecloud.TemporarySWRAccessKey, 1},
		{"IAM token", func(c *swr.Config) {
			c.AccessKey, c.SecretKey, c.AuthToken = "", "", fakecloud.DefaultSWRAuthToken
		}, "cn-north-4@FAKETOKEN", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fc, srv := fakecloud.Start(t)
			c := newClient(t, srv, tc.config)
			login, err := c.CreateSecret(context.Background(), swr.CreateSecretInput{})
			if err != nil {
				t.Fatal(err)
			}
			want := onlyLogin(t, fc)
			sameLogin(t, login, want)
			if login.Registry != "swr.cn-north-4.myhuaweicloud.com" || !strings.HasPrefix(login.Username, tc.wantUser) {
				t.Errorf("login %s as %s; want swr.cn-north-4.myhuaweicloud.com as %s…", login.Registry, login.Username, tc.wantUser)
			}
			if n := fc.SWR.CallCount(fakecloud.SWRCallCreateSecret); n != 1 {
				t.Errorf("%d CreateSecret requests, want 1", n)
			}
			if n := fc.SWR.CallCount(fakecloud.SWRCallIAMProjects); n != tc.wantIAM {
				t.Errorf("%d IAM project lookups, want %d", n, tc.wantIAM)
			}
		})
	}
}

// TestCreateSecretProjectName: projectname is the input's, else the
// client's region; every login is a new one.
func TestCreateSecretProjectName(t *testing.T) {
	fc, srv := fakecloud.Start(t)
	fc.SWR.AddProject("ap-southeast-1", "11112222333344445555666677778888")
	var asked []string
	fc.RewriteEvery(fakecloud.Rewrite{Match: func(r *http.Request, p url.Values) bool {
		if r.Method == http.MethodPost {
			asked = append(asked, p.Get("projectname"))
		}
		return false
	}})
	c := newClient(t, srv, func(c *swr.Config) { c.ProjectID = fakecloud.DefaultSWRProjectID })
	first, err := c.CreateSecret(context.Background(), swr.CreateSecretInput{})
	if err != nil {
		t.Fatal(err)
	}
	other, err := c.CreateSecret(context.Background(), swr.CreateSecretInput{ProjectName: "ap-southeast-1"})
	if err != nil {
		t.Fatal(err)
	}
	if first.Registry != "swr.cn-north-4.myhuaweicloud.com" || other.Registry != "swr.ap-southeast-1.myhuaweicloud.com" {
		t.Errorf("registries %s and %s; want the region's, then ap-southeast-1's", first.Registry, other.Registry)
	}
	if strings.Join(asked, ",") != "cn-north-4,ap-southeast-1" {
		t.Errorf("projectname sent: %q; want cn-north-4, then ap-southeast-1", asked)
	}
	if first.Password == other.Password {
		t.Error("two logins share a password: the second is not the fake's new answer")
	}
	if _, err := c.CreateSecret(context.Background(), swr.CreateSecretInput{ProjectName: "xx-nowhere-1"}); err == nil {
		t.Error("an unknown projectname was accepted")
	} else if e, ok := apierror.As(err); !ok || e.Kind != apierror.KindBadRequest || e.HTTPStatus != http.StatusBadRequest || e.Code != "SVCSTG.SWR.4000014" {
		t.Errorf("unknown projectname: %v; want HTTP 400 SVCSTG.SWR.4000014", err)
	}
}

func TestCreateSecretErrors(t *testing.T) {
	t.Run("refused credentials", func(t *testing.T) {
		t.Parallel()
		fc, srv := fakecloud.Start(t)
		c := newClient(t, srv, func(c *swr.Config) { c.SecretKey = "wrong"; c.ProjectID = fakecloud.DefaultSWRProjectID })
		_, err := c.CreateSecret(context.Background(), swr.CreateSecretInput{})
		e, ok := apierror.As(err)
		if !ok || e.Call != swr.CallCreateSecret || e.Kind != apierror.KindAuth || e.HTTPStatus != 401 || e.Code != "APIGW.0301" || e.RequestID == "" {
			t.Fatalf("got %v; want CreateSecret HTTP 401 APIGW.0301 with a request ID", err)
		}
		if len(fc.SWR.Logins()) != 0 {
			t.Error("the fake handed out a login to a bad signature")
		}
	})
	t.Run("server error, retried then given up", func(t *testing.T) {
		t.Parallel()
		fc, srv := fakecloud.Start(t)
		fc.SWR.Inject(100, fakecloud.StatusFault(http.StatusInternalServerError, nil, `{"error_code":"SVCSTG.SWR.5000003","error_msg":"internal error"}`))
		c := newClient(t, srv, func(c *swr.Config) { c.ProjectID = fakecloud.DefaultSWRProjectID })
		_, err := c.CreateSecret(context.Background(), swr.CreateSecretInput{})
		e, ok := apierror.As(err)
		if !ok || e.Call != swr.CallCreateSecret || e.Kind != apierror.KindServer || e.HTTPStatus != 500 || e.Code != "SVCSTG.SWR.5000003" || e.Attempts != 6 {
			t.Fatalf("got %v; want CreateSecret HTTP 500 SVCSTG.SWR.5000003 after 6 attempts", err)
		}
	})
	t.Run("server error, then a login", func(t *testing.T) {
		t.Parallel()
		fc, srv := fakecloud.Start(t)
		fc.SWR.Inject(2, fakecloud.StatusFault(http.StatusInternalServerError, nil, `{"error_code":"SVCSTG.SWR.5000003","error_msg":"internal error"}`))
		c := newClient(t, srv, func(c *swr.Config) { c.ProjectID = fakecloud.DefaultSWRProjectID })
		login, err := c.CreateSecret(context.Background(), swr.CreateSecretInput{})
		if err != nil {
			t.Fatal(err)
		}
		sameLogin(t, login, onlyLogin(t, fc))
	})
}

// malformedSecret makes CreateSecret answer body with status 200.
func malformedSecret(body string) fakecloud.Rewrite {
	return fakecloud.Rewrite{
		Match: func(r *http.Request, _ url.Values) bool { return r.Method == http.MethodPost },
		Edit:  func(int, http.Header, []byte) (int, []byte) { return http.StatusOK, []byte(body) },
	}
}

func TestCreateSecretMalformedAnswers(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString
	const password = "s3cr3t-password-value"
	for _, tc := range []struct {
		name, body, want string
	}{
		{"not JSON", `<html>502 Bad Gateway</html>`, "not JSON (syntax error at byte 1)"},
		{"no auths", `{"token":"x"}`, `no "auths" entry`},
		{"empty auths", `{"auths":{}}`, `no "auths" entry`},
		{"auths not an object", `{"auths":["x"]}`, `auths is a JSON array`},
		{"two registries", `{"auths":{"b.example":{"auth":"` + b64([]byte("u:"+password)) + `"},"a.example":{"auth":"x"}}}`,
			`names 2 registries (a.example, b.example); one was expected`},
		{"no auth", `{"auths":{"swr.example":{}}}`, `registry "swr.example" in the answer has no "auth"`},
		{"bad base64", `{"auths":{"swr.example":{"auth":"` + password + `!!"}}}`, `the "auth" of registry "swr.example" is not base64`},
		{"no colon", `{"auths":{"swr.example":{"auth":"` + b64([]byte(password)) + `"}}}`, `does not decode to "<user>:<password>": it has no ':'`},
		{"empty user", `{"auths":{"swr.example":{"auth":"` + b64([]byte(":"+password)) + `"}}}`, `decodes to an empty user name`},
		{"empty password", `{"auths":{"swr.example":{"auth":"` + b64([]byte("cn-north-4@AK:")) + `"}}}`, `decodes to an empty password`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fc, srv := fakecloud.Start(t)
			fc.RewriteEvery(malformedSecret(tc.body))
			c := newClient(t, srv, func(c *swr.Config) { c.ProjectID = fakecloud.DefaultSWRProjectID })
			login, err := c.CreateSecret(context.Background(), swr.CreateSecretInput{})
			e, ok := apierror.As(err)
			if !ok || e.Kind != apierror.KindDecode || e.Call != swr.CallCreateSecret || e.RequestID == "" {
				t.Fatalf("got login %v, error %v; want a CreateSecret decode error with the request ID", login, err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "malformed answer") {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			secrets := []string{password, b64([]byte(password)), b64([]byte(":" + password))}
			for _, l := range fc.SWR.Logins() {
				secrets = append(secrets, l.Password, l.Auth)
			}
			for _, secret := range secrets {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q quotes a secret of the answer", err)
				}
			}
		})
	}
}

// TestCreateSecretExpiry: X-Swr-Expireat when sent (unix seconds or RFC
// 3339), else the answer's Date + 24h; an unreadable header is reported and
// the default taken.
func TestCreateSecretExpiry(t *testing.T) {
	at := time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)
	for _, tc := range []struct {
		name, header string
		want         func(date time.Time) time.Time
		from         string
		problem      bool
	}{
		{"unix seconds", "1904281689", func(time.Time) time.Time { return at }, swr.ExpiryFromHeader, false},
		{"RFC 3339", "2030-05-06T15:08:09+08:00", func(time.Time) time.Time { return at }, swr.ExpiryFromHeader, false},
		{"absent", "", func(d time.Time) time.Time { return d.Add(24 * time.Hour) }, swr.ExpiryFromDate, false},
		{"unreadable", "next tuesday", func(d time.Time) time.Time { return d.Add(24 * time.Hour) }, swr.ExpiryFromDate, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fc, srv := fakecloud.Start(t)
			if tc.header != "" {
				fc.RewriteEvery(fakecloud.Rewrite{
					Match: func(r *http.Request, _ url.Values) bool { return r.Method == http.MethodPost },
					Edit: func(status int, h http.Header, body []byte) (int, []byte) {
						h.Set(swr.HeaderExpireAt, tc.header)
						return status, body
					},
				})
			}
			c := newClient(t, srv, func(c *swr.Config) { c.ProjectID = fakecloud.DefaultSWRProjectID })
			login, err := c.CreateSecret(context.Background(), swr.CreateSecretInput{})
			if err != nil {
				t.Fatal(err)
			}
			want := tc.want(onlyLogin(t, fc).Date)
			if !login.ExpiresAt.Equal(want) || login.ExpiresAt.Location() != time.UTC || login.ExpiresFrom != tc.from || (login.ExpiryProblem != "") != tc.problem {
				t.Errorf("expires %v from %s (problem %q); want %v from %s, problem reported: %v",
					login.ExpiresAt, login.ExpiresFrom, login.ExpiryProblem, want, tc.from, tc.problem)
			}
		})
	}
}
