package fakecloud

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"
)

// swrSecretPath is CreateSecret's path.
const swrSecretPath = "/v2/manage/utils/secret"

// SWRLogin is one temporary docker login the fake SWR handed out, as its
// answer carried it: the tests compare what the provider reports with it.
// Nothing verifies it afterwards: the fake has no registry side to log in
// to, so the password is only a value that is new for every answer.
type SWRLogin struct {
	Registry  string    // the registry host, swr.<region>.myhuaweicloud.com
	Username  string    // "<region>@<access key>"
	Password  string    // 64 hex digits, new for every answer
	Auth      string    // base64 of "<Username>:<Password>"
	Date      time.Time // the answer's Date header (whole seconds, UTC)
	RequestID string
}

// Logins returns every login CreateSecret answered, oldest first.
func (s *SWR) Logins() []SWRLogin {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.logins)
}

// swrTokenAccessKey is the access key a login made with an IAM token names:
// SWR derives the login from the token's user, who has no key of the
// request's; the fake makes one up from the token.
func swrTokenAccessKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return "FAKETOKEN" + strings.ToUpper(hex.EncodeToString(sum[:5]))
}

// createSecret answers CreateSecret (SWR API swr_02_0052): for the region
// named by ?projectname= (default: the region of the request's project, or
// the default region with a token), {"auths":{"<host>":{"auth":"<base64 of
// user:password>"}}}, the docker login command in X-Swr-Dockerlogin, and
// no expiry header (unconfirmed that SWR sends one), so the client takes
// Date + 24h. The request must say Content-Type: application/json, and its
// body, if any, must be a JSON object; an unknown projectname is a 400.
func (s *SWR) createSecret(w http.ResponseWriter, r *http.Request, body []byte, akSK bool) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		swrError(w, http.StatusBadRequest, "SVCSTG.SWR.4000014", "Content-Type must be application/json")
		return
	}
	if b := strings.TrimSpace(string(body)); b != "" && !strings.HasPrefix(b, "{") {
		swrError(w, http.StatusBadRequest, "SVCSTG.SWR.4000014", "the request body must be empty or a JSON object")
		return
	}
	var accessKey string
	if akSK {
		accessKey = r.Header.Get("Authorization")
		_, accessKey, _ = strings.Cut(accessKey, "Access=")
		accessKey, _, _ = strings.Cut(accessKey, ",")
	} else {
		accessKey = swrTokenAccessKey(r.Header.Get("X-Auth-Token"))
	}

	region := r.URL.Query().Get("projectname")
	s.mu.Lock()
	if region == "" {
		region = DefaultSWRRegion
		for name, ids := range s.projects {
			if akSK && slices.Contains(strings.Split(ids, ","), r.Header.Get("X-Project-Id")) {
				region = name
			}
		}
	}
	_, known := s.projects[region]
	if !known {
		s.mu.Unlock()
		swrError(w, http.StatusBadRequest, "SVCSTG.SWR.4000014", "invalid projectname "+region+": no such region or project")
		return
	}
	date := time.Now().UTC().Truncate(time.Second)
	login := SWRLogin{
		Registry:  "swr." + region + ".myhuaweicloud.com",
		Username:  region + "@" + accessKey,
		Date:      date,
		RequestID: w.Header().Get("X-Request-Id"),
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "%s/%d/%d", login.Username, len(s.logins), date.UnixNano()))
	login.Password = hex.EncodeToString(sum[:])
	login.Auth = base64.StdEncoding.EncodeToString([]byte(login.Username + ":" + login.Password))
	s.logins = append(s.logins, login)
	s.mu.Unlock()

	w.Header().Set("Date", date.Format(http.TimeFormat))
	w.Header().Set("X-Swr-Dockerlogin", "docker login -u "+login.Username+" -p "+login.Password+" "+login.Registry)
	swrJSON(w, map[string]any{"auths": map[string]any{login.Registry: map[string]string{"auth": login.Auth}}})
}
