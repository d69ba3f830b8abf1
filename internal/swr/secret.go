package swr

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/apitime"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
)

// The headers of CreateSecret's answer (API-NOTES). The client reads
// neither the login command nor anything else with the password in it but
// the body's auth.
const (
	// HeaderExpireAt names the credential's expiry, in unix seconds or
	// RFC 3339, when SWR sends it (unconfirmed that it does).
	HeaderExpireAt = "X-Swr-Expireat"
	// HeaderDockerLogin carries the whole "docker login -u … -p … <host>"
	// command: a secret, never read, logged or quoted.
	HeaderDockerLogin = "X-Swr-Dockerlogin"
	// DefaultLoginValidity is how long a temporary login lasts when the
	// answer does not say: 24 hours, as SWR's user guide has it.
	DefaultLoginValidity = 24 * time.Hour
)

// Where Login.ExpiresAt comes from.
const (
	ExpiryFromHeader = "header" // X-Swr-Expireat
	ExpiryFromDate   = "date"   // the answer's Date + DefaultLoginValidity
	ExpiryFromClock  = "clock"  // no usable Date: the client's clock + DefaultLoginValidity
)

// CreateSecretInput is one CreateSecret call.
type CreateSecretInput struct {
	// ProjectName is the call's projectname, the region whose registry the
	// login is for. Empty means the client's region; with no region
	// either, the parameter is left out and SWR takes its default.
	ProjectName string
}

// Login is a temporary docker login to an SWR registry, as CreateSecret
// answered it. Password and Auth are secrets: never log or quote them.
type Login struct {
	Registry string // the registry host the answer names, such as swr.cn-north-4.myhuaweicloud.com
	Username string // "<region>@<access key>", decoded from Auth
	Password string // decoded from Auth
	Auth     string // base64 of "<Username>:<Password>", as the answer has it

	ExpiresAt   time.Time // UTC
	ExpiresFrom string    // ExpiryFromHeader, ExpiryFromDate or ExpiryFromClock
	// ExpiryProblem says why X-Swr-Expireat, though sent, was not used:
	// the expiry is then the default validity. Empty otherwise.
	ExpiryProblem string

	RequestID string
}

// secretPath is CreateSecret's path.
const secretPath = "/v2/manage/utils/secret"

// CreateSecret asks SWR for a temporary docker login (POST
// /v2/manage/utils/secret), signed, authorised, retried and with its
// errors decoded as every other call. An answer that does not hold exactly
// one registry with a "<user>:<password>" auth is an *apierror.Error of
// KindDecode that says what is wrong without quoting the answer, which
// holds the credential.
func (c *Client) CreateSecret(ctx context.Context, in CreateSecretInput) (*Login, error) {
	projectID, err := c.ProjectID(ctx)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	if name := cmp.Or(in.ProjectName, c.cfg.Region); name != "" {
		q.Set("projectname", name)
	}
	resp, err := c.send(ctx, CallCreateSecret, http.MethodPost, c.cfg.Endpoint, secretPath, q, nil, projectID)
	if err != nil {
		return nil, err
	}
	login, err := DecodeSecret(resp.Body)
	if err != nil {
		return nil, &apierror.Error{Cloud: CloudName, Call: CallCreateSecret, Kind: apierror.KindDecode,
			HTTPStatus: resp.StatusCode, RequestID: resp.Header.Get("X-Request-Id"), Attempts: resp.Attempts,
			Message: "malformed answer (not quoted: it holds a credential): " + describeBody(resp) + ": " + err.Error()}
	}
	login.RequestID = resp.Header.Get("X-Request-Id")
	login.ExpiresAt, login.ExpiresFrom, login.ExpiryProblem = loginExpiry(resp.Header, c.cfg.Now())
	return login, nil
}

// describeBody names what kind of answer arrived, without its content.
func describeBody(resp *transport.Response) string {
	ct := resp.Header.Get("Content-Type")
	if ct == "" {
		ct = "no Content-Type"
	}
	return fmt.Sprintf("%d bytes, %s", len(resp.Body), ct)
}

// DecodeSecret reads CreateSecret's body, {"auths":{"<host>":{"auth":
// "<base64 of user:password>"}}}. Its errors never hold the auth or the
// password: they name the registry and what is wrong.
func DecodeSecret(body []byte) (*Login, error) {
	var out struct {
		Auths map[string]*struct {
			Auth *string `json:"auth"`
		} `json:"auths"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return nil, fmt.Errorf("the answer is not JSON (syntax error at byte %d)", syntax.Offset)
		}
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			where := typ.Field
			if where == "" {
				where = "the answer"
			}
			return nil, fmt.Errorf(`%s is a JSON %s, not what {"auths":{"<registry>":{"auth":"…"}}} has there`, where, typ.Value)
		}
		return nil, errors.New(`the answer is not {"auths":{"<registry>":{"auth":"…"}}}`)
	}
	switch len(out.Auths) {
	case 0:
		return nil, errors.New(`the answer has no "auths" entry, so it names no registry to log in to`)
	case 1:
	default:
		hosts := make([]string, 0, len(out.Auths))
		for h := range out.Auths {
			hosts = append(hosts, h)
		}
		slices.Sort(hosts)
		return nil, fmt.Errorf(`the answer's "auths" names %d registries (%s); one was expected`, len(hosts), strings.Join(hosts, ", "))
	}
	var host string
	for h := range out.Auths {
		host = h
	}
	entry := out.Auths[host]
	switch {
	case host == "":
		return nil, errors.New(`the answer's "auths" entry has an empty registry name`)
	case entry == nil || entry.Auth == nil || *entry.Auth == "":
		return nil, fmt.Errorf(`registry %q in the answer has no "auth"`, host)
	}
	auth := *entry.Auth
	raw, err := base64.StdEncoding.DecodeString(auth)
	if err != nil {
		// Some encoders leave the padding out.
		if raw, err = base64.RawStdEncoding.DecodeString(auth); err != nil {
			return nil, fmt.Errorf(`the "auth" of registry %q is not base64`, host)
		}
	}
	user, password, found := strings.Cut(string(raw), ":")
	switch {
	case !found:
		return nil, fmt.Errorf(`the "auth" of registry %q does not decode to "<user>:<password>": it has no ':'`, host)
	case user == "":
		return nil, fmt.Errorf(`the "auth" of registry %q decodes to an empty user name`, host)
	case password == "":
		return nil, fmt.Errorf(`the "auth" of registry %q decodes to an empty password`, host)
	}
	return &Login{Registry: host, Username: user, Password: password, Auth: auth}, nil
}

// loginExpiry is when a login expires: X-Swr-Expireat when sent and
// readable, else the answer's Date plus DefaultLoginValidity, else now
// plus that. problem says why a sent X-Swr-Expireat was not used.
func loginExpiry(h http.Header, now time.Time) (at time.Time, from, problem string) {
	if v := strings.TrimSpace(h.Get(HeaderExpireAt)); v != "" {
		t, err := apitime.Parse(v)
		if err == nil && !t.IsZero() {
			return t.UTC(), ExpiryFromHeader, ""
		}
		problem = fmt.Sprintf("%s %q is neither unix seconds nor an RFC 3339 time", HeaderExpireAt, v)
	}
	if d, err := http.ParseTime(h.Get("Date")); err == nil {
		return d.Add(DefaultLoginValidity).UTC(), ExpiryFromDate, problem
	}
	return now.Add(DefaultLoginValidity).UTC().Truncate(time.Second), ExpiryFromClock, problem
}
