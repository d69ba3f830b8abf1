package provider

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
)

// registry_swr_login is observed through the echo provider: its provider
// block takes the ephemeral result, and its resource writes it to the
// test's state. Only tests do that; the secrets audit (secrets_test.go)
// shows the provider itself writes the login nowhere.

// loginFactories serve the provider (reading env) as registry and as each
// of names, a server each (as Terraform runs one plugin per provider
// configuration; an in-process server would be shared by aliases), and the
// echo provider.
func loginFactories(env testEnv, names ...string) map[string]func() (tfprotov6.ProviderServer, error) {
	f := testFactories(env)
	for _, name := range names {
		f[name] = testServer(env)
	}
	f["echo"] = echoprovider.NewProviderServer()
	return f
}

// onlyFrom1_10 skips a test on Terraform before 1.10 and OpenTofu before
// 1.11, which have no ephemeral resources.
var onlyFrom1_10 = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0), skipOpenTofuBelow1_11{}}

// skipOpenTofuBelow1_11 skips a test on OpenTofu 1.10, which the test
// workflow runs (TF_ACC_PROVIDER_HOST names OpenTofu's registry there and in
// make testcompat) and which has no ephemeral resources either.
type skipOpenTofuBelow1_11 struct{}

func (skipOpenTofuBelow1_11) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	openTofu := os.Getenv("TF_ACC_PROVIDER_HOST") == "registry.opentofu.org" || filepath.Base(os.Getenv("TF_ACC_TERRAFORM_PATH")) == "tofu"
	if openTofu && req.TerraformVersion.LessThan(version.Must(version.NewVersion("1.11.0"))) {
		resp.Skip = fmt.Sprintf("OpenTofu %s has no ephemeral resources (1.11 or later)", req.TerraformVersion)
	}
}

// namedSWRProvider is a block for provider name (the registry provider
// served under that name) with an swr block at the fake holding swr (HCL
// attribute lines).
func namedSWRProvider(name, url string, swr ...string) string {
	return fmt.Sprintf(`
provider %q {
  swr {
    region       = %q
    endpoint     = %q
    iam_endpoint = %q
    %s
  }
}
`, name, fakecloud.DefaultSWRRegion, url, url, strings.Join(swr, "\n    "))
}

// echoedLogins checks the logins the echo resource holds, by name, against
// the fake's answers: each must be one the fake gave, for the registry and
// user wanted, with expires_at its Date + 24h and docker_config_json the
// same credential.
type echoedLogins struct {
	fc   *fakecloud.Cloud
	want map[string]struct{ registry, userPrefix string }
}

func (c echoedLogins) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("no state")
		return
	}
	var data map[string]any
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address == "echo.logins" {
			data, _ = r.AttributeValues["data"].(map[string]any)
		}
	}
	if len(data) != len(c.want) {
		resp.Error = fmt.Errorf("echo.logins holds %d logins, want %d", len(data), len(c.want))
		return
	}
	issued := map[string]fakecloud.SWRLogin{}
	for _, l := range c.fc.SWR.Logins() {
		issued[l.Password] = l
	}
	var problems []string
	for name, want := range c.want {
		got, _ := data[name].(map[string]any)
		str := func(k string) string { s, _ := got[k].(string); return s }
		l, ok := issued[str("password")]
		if !ok {
			problems = append(problems, name+": the password is none the fake answered")
			continue
		}
		if str("registry") != l.Registry || str("username") != l.Username || l.Registry != want.registry || !strings.HasPrefix(l.Username, want.userPrefix) {
			problems = append(problems, fmt.Sprintf("%s: %s as %s; the fake answered %s as %s, want %s as %s…",
				name, str("registry"), str("username"), l.Registry, l.Username, want.registry, want.userPrefix))
		}
		if wantExp := l.Date.Add(24 * time.Hour).Format(time.RFC3339); str("expires_at") != wantExp {
			problems = append(problems, fmt.Sprintf("%s: expires_at %s, want the answer's Date + 24h, %s", name, str("expires_at"), wantExp))
		}
		var cfg struct {
			Auths map[string]struct{ Username, Password, Auth string } `json:"auths"`
		}
		if err := json.Unmarshal([]byte(str("docker_config_json")), &cfg); err != nil || len(cfg.Auths) != 1 ||
			cfg.Auths[l.Registry].Username != l.Username || cfg.Auths[l.Registry].Password != l.Password || cfg.Auths[l.Registry].Auth != l.Auth {
			problems = append(problems, fmt.Sprintf("%s: docker_config_json is not the answer's credential for %s (%v)", name, l.Registry, err))
		}
	}
	if len(problems) > 0 {
		resp.Error = fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
}

// TestSWRLoginEveryCredentialForm opens four logins in one run: with AK/SK
// (project looked up through IAM), temporary AK/SK, an IAM token, and
// AK/SK for another project; each holds what the fake answered.
func TestSWRLoginEveryCredentialForm(t *testing.T) {
	t.Parallel()
	fc, url := startFake(t)
	fc.SWR.AddProject("ap-southeast-1", "11112222333344445555666677778888")
	config := namedSWRProvider("swr-aksk", url, `access_key = "`+fakecloud.DefaultSWRAccessKey+`"`, `secret_key = "`+fakecloud.DefaultSWRSecretKey+`"`) +
		namedSWRProvider("swr-temporary", url, `access_key = "`+fakecloud.TemporarySWRAccessKey+`"`,
			`secret_key = "`+fakecloud.TemporarySWRSecretKey+`"`, `security_token = "`+fakecloud.TemporarySWRToken+`"`) +
		namedSWRProvider("swr-token", url, `auth_token = "`+fakecloud.DefaultSWRAuthToken+`"`) + `
ephemeral "registry_swr_login" "aksk" {
  provider = swr-aksk
}
ephemeral "registry_swr_login" "temporary" {
  provider = swr-temporary
}
ephemeral "registry_swr_login" "token" {
  provider = swr-token
}
ephemeral "registry_swr_login" "other_project" {
  provider     = swr-aksk
  project_name = "ap-southeast-1"
}
provider "echo" {
  data = {
    aksk          = ephemeral.registry_swr_login.aksk
    temporary     = ephemeral.registry_swr_login.temporary
    token         = ephemeral.registry_swr_login.token
    other_project = ephemeral.registry_swr_login.other_project
  }
}
resource "echo" "logins" {}
`
	const host = "swr.cn-north-4.myhuaweicloud.com"
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   onlyFrom1_10,
		ProtoV6ProviderFactories: loginFactories(nil, "swr-aksk", "swr-temporary", "swr-token"),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{echoedLogins{fc: fc, want: map[string]struct{ registry, userPrefix string }{
				"aksk":          {host, "cn-north-4@" + fakecloud.DefaultSWRAccessKey},
				"temporary":     {host, "cn-north-4@" + fakecloud.TemporarySWRAccessKey},
				"token":         {host, "cn-north-4@FAKETOKEN"},
				"other_project": {"swr.ap-southeast-1.myhuaweicloud.com", "ap-southeast-1@" + fakecloud.DefaultSWRAccessKey},
			}}},
		}},
	})
	if n := fc.SWR.CallCount(fakecloud.SWRCallIAMProjects); n == 0 {
		t.Error("no IAM project lookup: the AK/SK logins did not share the data sources' project discovery")
	}
}

// TestSWRLoginFailures: what Terraform shows when the login fails, with the
// usual SWR diagnostic: the call, the status and code, the request ID and
// what to do.
func TestSWRLoginFailures(t *testing.T) {
	t.Parallel()
	_, url := startFake(t)
	provider := func(secretKey string) string {
		return fmt.Sprintf(`
provider "registry" {
  swr {
    region     = %q
    endpoint   = %q
    project_id = %q
    access_key = %q
    secret_key = %q
  }
}
`, fakecloud.DefaultSWRRegion, url, fakecloud.DefaultSWRProjectID, fakecloud.DefaultSWRAccessKey, secretKey)
	}
	const echo = `
provider "echo" {
  data = ephemeral.registry_swr_login.test
}
resource "echo" "test" {}
`
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   onlyFrom1_10,
		ProtoV6ProviderFactories: loginFactories(nil),
		Steps: []resource.TestStep{{
			Config: provider("wrong-secret-key") + `ephemeral "registry_swr_login" "test" {}` + echo,
			ExpectError: regexp.MustCompile(`(?s)Huawei\s+Cloud\s+SWR\s+CreateSecret\s+failed.*HTTP\s+401,\s+code\s+APIGW.0301.*` +
				`request\s+ID\s+swr-req-\d+.*` + wrapped(swrHints[apierror.KindAuth])),
		}, {
			Config: provider(fakecloud.DefaultSWRSecretKey) + `
ephemeral "registry_swr_login" "test" {
  project_name = "Not A Region"
}` + echo,
			ExpectError: regexp.MustCompile(`(?s)Invalid\s+Attribute\s+Value\s+Match.*project_name\s+must\s+be\s+a\s+region\s+name\s+such\s+as\s+cn-north-4`),
		}, {
			Config: provider(fakecloud.DefaultSWRSecretKey) + `
ephemeral "registry_swr_login" "test" {
  timeouts {
    open = "-1m"
  }
}` + echo,
			ExpectError: regexp.MustCompile(notPositiveTimeout("open", "-1m")),
		}},
	})
}

// loginHarness is a protocol harness whose provider's swr block points at
// the fake at url with swr's arguments (the fake's AK/SK and project by
// default).
func loginHarness(t *testing.T, url string, swr map[string]tftypes.Value) *harness {
	t.Helper()
	h := newHarness(t, t.Context(), testServer(nil, WithRetryWait(time.Millisecond, time.Millisecond)))
	args := map[string]tftypes.Value{
		"region": tfString(fakecloud.DefaultSWRRegion), "endpoint": tfString(url), "iam_endpoint": tfString(url),
		"project_id": tfString(fakecloud.DefaultSWRProjectID),
		"access_key": tfString(fakecloud.DefaultSWRAccessKey), "secret_key": tfString(fakecloud.DefaultSWRSecretKey),
	}
	for k, v := range swr {
		args[k] = v
	}
	h.configure(map[string]tftypes.Value{"max_retries": tftypes.NewValue(tftypes.Number, 2), "swr": h.block("swr", args)})
	return h
}

// openLogin sends OpenEphemeralResource for registry_swr_login with the
// given arguments; an RPC error fails the test.
func (h *harness) openLogin(attrs map[string]tftypes.Value) *tfprotov6.OpenEphemeralResourceResponse {
	h.tb.Helper()
	s, ok := h.schemas.EphemeralResourceSchemas["registry_swr_login"]
	if !ok {
		h.tb.Fatal("the provider offers no ephemeral resource registry_swr_login")
	}
	typ := s.ValueType().(tftypes.Object)
	config, err := tfprotov6.NewDynamicValue(typ, nullObject(typ, attrs))
	if err != nil {
		h.tb.Fatal(err)
	}
	resp, err := h.server.OpenEphemeralResource(h.ctx, &tfprotov6.OpenEphemeralResourceRequest{TypeName: "registry_swr_login", Config: &config})
	if err != nil {
		h.tb.Fatalf("open: %v", err)
	}
	return resp
}

// TestSWRLoginDiagnostics opens logins the fake refuses or answers wrongly,
// RPC by RPC, and checks the one error diagnostic each gives: the usual SWR
// diagnostic for an HTTP error, a description of what is wrong for a
// malformed answer, and never the answer's credential.
func TestSWRLoginDiagnostics(t *testing.T) {
	t.Parallel()
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	const secret = "p4ssw0rd-from-a-broken-answer"
	malformed := func(body string) func(*fakecloud.Cloud) {
		return func(fc *fakecloud.Cloud) {
			fc.RewriteEvery(fakecloud.Rewrite{
				Match: func(r *http.Request, _ url.Values) bool { return r.Method == http.MethodPost },
				Edit:  func(int, http.Header, []byte) (int, []byte) { return http.StatusOK, []byte(body) },
			})
		}
	}
	for name, tc := range map[string]struct {
		setup   func(*fakecloud.Cloud)
		swr     map[string]tftypes.Value
		summary string
		detail  []string
	}{
		"401": {
			swr:     map[string]tftypes.Value{"secret_key": tfString("wrong-secret-key")},
			summary: "Huawei Cloud SWR CreateSecret failed",
			detail:  []string{"HTTP 401, code APIGW.0301", "request ID swr-req-", swrHints[apierror.KindAuth]},
		},
		"500": {
			setup: func(fc *fakecloud.Cloud) {
				fc.SWR.Inject(100, fakecloud.StatusFault(http.StatusInternalServerError, nil, `{"error_code":"SVCSTG.SWR.5000003","error_msg":"internal error"}`))
			},
			summary: "Huawei Cloud SWR CreateSecret failed",
			detail:  []string{"HTTP 500, code SVCSTG.SWR.5000003: internal error", "request ID swr-req-", "after 3 attempts", hintRetryLater},
		},
		"403": {
			setup: func(fc *fakecloud.Cloud) {
				fc.SWR.Inject(1, fakecloud.StatusFault(http.StatusForbidden, nil, `{"error_code":"SVCSTG.SWR.4030000","error_msg":"no permission"}`))
			},
			summary: "Huawei Cloud SWR CreateSecret failed",
			detail:  []string{"HTTP 403, code SVCSTG.SWR.4030000", swrLoginHints[apierror.KindPermission]},
		},
		"no credentials": {
			swr:     map[string]tftypes.Value{"access_key": tftypes.NewValue(tftypes.String, nil), "secret_key": tftypes.NewValue(tftypes.String, nil)},
			summary: "Huawei Cloud SWR credentials missing",
			detail:  []string{"access_key (" + envHWAccessKey + ")", "auth_token (" + envHWAuthToken + ")"},
		},
		"no auths": {
			setup:   malformed(`{"auth":"` + b64("u:"+secret) + `"}`),
			summary: "Huawei Cloud SWR CreateSecret failed",
			detail:  []string{`malformed answer`, `the answer has no "auths" entry`, "HTTP 200, request ID swr-req-", swrLoginHints[apierror.KindDecode]},
		},
		"bad base64": {
			setup:   malformed(`{"auths":{"swr.cn-north-4.myhuaweicloud.com":{"auth":"` + secret + `%%"}}}`),
			summary: "Huawei Cloud SWR CreateSecret failed",
			detail:  []string{`the "auth" of registry "swr.cn-north-4.myhuaweicloud.com" is not base64`},
		},
		"no colon": {
			setup:   malformed(`{"auths":{"swr.cn-north-4.myhuaweicloud.com":{"auth":"` + b64(secret) + `"}}}`),
			summary: "Huawei Cloud SWR CreateSecret failed",
			detail:  []string{`does not decode to "<user>:<password>": it has no ':'`},
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fc, fakeURL := startFake(t)
			if tc.setup != nil {
				tc.setup(fc)
			}
			h := loginHarness(t, fakeURL, tc.swr)
			resp := h.openLogin(nil)
			if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityError {
				t.Fatalf("want one error diagnostic, got %v", diagnosticsText(resp.Diagnostics))
			}
			// The framework hands back the configuration as the result of
			// a failed open: no credential may be in it.
			if resp.Result != nil {
				var attrs map[string]tftypes.Value
				v, err := resp.Result.Unmarshal(h.schemas.EphemeralResourceSchemas["registry_swr_login"].ValueType())
				if err == nil && !v.IsNull() {
					err = v.As(&attrs)
				}
				if err != nil || !attrs["password"].IsNull() || !attrs["docker_config_json"].IsNull() || !attrs["username"].IsNull() {
					t.Errorf("a failed login's result holds a credential (%v)", err)
				}
			}
			d := resp.Diagnostics[0]
			if d.Summary != tc.summary {
				t.Errorf("summary %q, want %q", d.Summary, tc.summary)
			}
			for _, want := range tc.detail {
				if !strings.Contains(d.Detail, want) {
					t.Errorf("detail does not say %q:\n%s", want, d.Detail)
				}
			}
			for _, s := range []string{secret, b64(secret), b64("u:" + secret)} {
				if strings.Contains(d.Summary+d.Detail, s) {
					t.Errorf("the diagnostic quotes the answer's credential:\n%s", d.Detail)
				}
			}
		})
	}
}

// TestSWRLoginExpiryHeader: X-Swr-Expireat, when SWR sends it, is the
// expiry; one that cannot be read gives a warning and the default.
func TestSWRLoginExpiryHeader(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		header, want string
		warning      bool
	}{
		"unix seconds": {"1904281689", "2030-05-06T07:08:09Z", false},
		"unreadable":   {"soon", "", true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fc, fakeURL := startFake(t)
			fc.RewriteEvery(fakecloud.Rewrite{
				Match: func(r *http.Request, _ url.Values) bool { return r.Method == http.MethodPost },
				Edit: func(status int, h http.Header, body []byte) (int, []byte) {
					h.Set("X-Swr-Expireat", tc.header)
					return status, body
				},
			})
			h := loginHarness(t, fakeURL, nil)
			resp := h.openLogin(nil)
			if tc.warning != (len(resp.Diagnostics) == 1 && resp.Diagnostics[0].Severity == tfprotov6.DiagnosticSeverityWarning &&
				strings.Contains(resp.Diagnostics[0].Detail, `X-Swr-Expireat "soon" is neither unix seconds nor an RFC 3339 time`)) ||
				(!tc.warning && len(resp.Diagnostics) != 0) {
				t.Fatalf("diagnostics %v; want a warning: %v", diagnosticsText(resp.Diagnostics), tc.warning)
			}
			typ := h.schemas.EphemeralResourceSchemas["registry_swr_login"].ValueType()
			v, err := resp.Result.Unmarshal(typ)
			if err != nil {
				t.Fatal(err)
			}
			var attrs map[string]tftypes.Value
			if err := v.As(&attrs); err != nil {
				t.Fatal(err)
			}
			var got string
			if err := attrs["expires_at"].As(&got); err != nil {
				t.Fatal(err)
			}
			want := tc.want
			if want == "" {
				want = fc.SWR.Logins()[0].Date.Add(24 * time.Hour).Format(time.RFC3339)
			}
			if got != want {
				t.Errorf("expires_at %s, want %s", got, want)
			}
		})
	}
}

// TestSWRLoginExamplesReadItsAttributes: the documentation's examples and
// the demo's login need providers or a CLI a test cannot fetch, so they are
// not applied; each reference they make to a registry_swr_login attribute
// must at least name one the schema has.
func TestSWRLoginExamplesReadItsAttributes(t *testing.T) {
	t.Parallel()
	var sch ephemeral.SchemaResponse
	NewSWRLoginEphemeralResource().Schema(t.Context(), ephemeral.SchemaRequest{}, &sch)
	files, err := filepath.Glob(filepath.Join(examplesRoot, "ephemeral-resources", "registry_swr_login", "*.tf"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, filepath.Join(examplesRoot, "demo", "login", "login.tf"))
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		f, diags := hclsyntax.ParseConfig(src, file, hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", file, diags)
		}
		seen := map[hcl.Range]bool{} // an expression and the ones inside it name the same traversal
		_ = hclsyntax.VisitAll(f.Body.(*hclsyntax.Body), func(n hclsyntax.Node) hcl.Diagnostics {
			e, ok := n.(hclsyntax.Expression)
			if !ok {
				return nil
			}
			for _, tr := range e.Variables() {
				if tr.RootName() != "ephemeral" || len(tr) < 4 {
					continue
				}
				if typ, ok := tr[1].(hcl.TraverseAttr); !ok || typ.Name != "registry_swr_login" || seen[tr.SourceRange()] {
					continue
				}
				seen[tr.SourceRange()] = true
				attr, ok := tr[3].(hcl.TraverseAttr)
				if _, known := sch.Schema.Attributes[attr.Name]; !ok || !known {
					t.Errorf("%s:%d reads registry_swr_login attribute %q, which the schema lacks", file, tr.SourceRange().Start.Line, attr.Name)
				}
			}
			return nil
		})
		if len(seen) == 0 {
			t.Errorf("%s reads no registry_swr_login attribute", file)
		}
	}
}
