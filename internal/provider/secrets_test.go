package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
)

// The secrets audit: no secret value, and no value of an Authorization,
// X-Auth-Token or X-Security-Token header or of a UCloud Signature, nor the
// password, auth string or login command of a registry_swr_login, may
// appear in Terraform's TRACE log, the provider's own log, a diagnostic,
// the plan or the state.

// wireSecrets records every credential-bearing value the fakes receive.
type wireSecrets struct {
	mu     sync.Mutex
	values map[string]bool
}

func recordWireSecrets(fc *fakecloud.Cloud) *wireSecrets {
	ws := &wireSecrets{values: map[string]bool{}}
	fc.RewriteEvery(fakecloud.Rewrite{Match: func(r *http.Request, p url.Values) bool {
		ws.mu.Lock()
		defer ws.mu.Unlock()
		for _, v := range []string{r.Header.Get("Authorization"), r.Header.Get("X-Auth-Token"), r.Header.Get("X-Security-Token"), p.Get("Signature")} {
			if v != "" {
				ws.values[v] = true
				// The signature alone, too: it is the part that must not leak.
				if _, sig, ok := strings.Cut(v, "Signature="); ok {
					ws.values[sig] = true
				}
				if _, key, ok := strings.Cut(v, "Bearer "); ok {
					ws.values[key] = true
				}
			}
		}
		return false // observe only
	}})
	return ws
}

func (ws *wireSecrets) list() []string {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	out := make([]string, 0, len(ws.values))
	for v := range ws.values {
		out = append(out, v)
	}
	return out
}

// configuredSecrets are the secret arguments the audit's configurations use.
var configuredSecrets = []string{
	fakecloud.TemporarySWRSecretKey, fakecloud.TemporarySWRToken, fakecloud.DefaultSWRSecretKey,
	fakecloud.DefaultSWRAuthToken, fakecloud.DefaultUCloudPrivateKey, fakecloud.DefaultPPIOAPIKey,
	"wrong-private-key-0123456789",
}

// stateHasNoSecrets fails when the whole state, as JSON, holds a secret.
type stateHasNoSecrets struct{ secrets func() []string }

func (c stateHasNoSecrets) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	raw, err := json.Marshal(req.State)
	if err != nil {
		resp.Error = err
		return
	}
	for _, s := range c.secrets() {
		if strings.Contains(string(raw), s) {
			resp.Error = fmt.Errorf("state holds the secret %q", s)
			return
		}
	}
}

// TestSecretsNeverLogged is the one acceptance test that is not parallel:
// terraform-plugin-testing reads TF_ACC_LOG, TF_LOG and TF_ACC_LOG_PATH
// from the process environment, for Terraform and for the provider's log
// sink alike, so they can only be set with t.Setenv, which a parallel test
// may not call. Go runs it before any parallel test resumes, so the TRACE
// log holds this test's run alone. Being serial anyway, it is also the test
// whose provider reads the process environment, as a released one does.
func TestSecretsNeverLogged(t *testing.T) {
	clearCloudEnv(t)
	fc, url := startFake(t)
	fc.SWR.GenerateTags("team", "web", 250) // three pages of 100 (WithSWRPageSize below)
	fc.UHub.GenerateImages("shop", 30)
	fc.PPIO.GenerateImages(60)
	ws := recordWireSecrets(fc)
	allSecrets := func() []string { return append(ws.list(), configuredSecrets...) }

	logFile := filepath.Join(t.TempDir(), "terraform.log")
	t.Setenv("TF_ACC_LOG", "TRACE")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logFile)

	// Secrets come from the environment, as users give them: the test
	// harness logs the configuration files it writes.
	providerBlock := fmt.Sprintf(`
provider "registry" {
  swr {
    region       = %q
    endpoint     = %q
    iam_endpoint = %q
  }
  ucloud {
    endpoint = %q
  }
  ppio {
    endpoint = %q
  }
}
`, fakecloud.DefaultSWRRegion, url, url, url, url)
	t.Setenv(envUCloudPublicKey, fakecloud.DefaultUCloudPublicKey)
	t.Setenv(envUCloudPrivateKey, fakecloud.DefaultUCloudPrivateKey)
	t.Setenv(envPPIOAPIKey, fakecloud.DefaultPPIOAPIKey)
	temporaryKeys := func() {
		t.Setenv(envHWAccessKey, fakecloud.TemporarySWRAccessKey)
		t.Setenv(envHWSecretKey, fakecloud.TemporarySWRSecretKey)
		t.Setenv(envHWSecurityToken, fakecloud.TemporarySWRToken)
		t.Setenv(envHWAuthToken, "")
	}
	iamToken := func() {
		t.Setenv(envHWAccessKey, "")
		t.Setenv(envHWSecretKey, "")
		t.Setenv(envHWSecurityToken, "")
		t.Setenv(envHWAuthToken, fakecloud.DefaultSWRAuthToken)
	}
	dataSources := `
data "registry_swr_tags" "a" {
  namespace  = "team"
  repository = "web"
}
data "registry_ucloud_repo_images" "b" {
  repo_name = "shop"
}
data "registry_ppio_images" "c" {}
`
	noSecretsInState := []statecheck.StateCheck{stateHasNoSecrets{secrets: allSecrets}}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(nil, WithGetenv(os.Getenv), WithSWRPageSize(100)),
		Steps: []resource.TestStep{
			{PreConfig: temporaryKeys, Config: providerBlock + dataSources, ConfigStateChecks: noSecretsInState},
			{PreConfig: iamToken, Config: providerBlock + dataSources, ConfigStateChecks: noSecretsInState},
		},
	})

	log, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(log), "HTTP attempt") {
		t.Fatal("the provider's own TRACE/DEBUG log was not captured; the audit would prove nothing")
	}
	if len(ws.list()) < 4 {
		t.Fatalf("only %d credential-bearing values reached the fakes; the audit would prove little", len(ws.list()))
	}
	for _, s := range allSecrets() {
		if strings.Contains(string(log), s) {
			t.Errorf("the TRACE log holds the secret %q", s)
		}
	}

	t.Run("registry_swr_login", func(t *testing.T) {
		// Serial too, with its own TRACE log; skipped before Terraform 1.10.
		loginLog := filepath.Join(t.TempDir(), "terraform.log")
		t.Setenv("TF_ACC_LOG_PATH", loginLog)
		loginSecrets := func() []string { return append(allSecrets(), issuedLoginSecrets(fc)...) }
		// The login goes where users send it: a command's environment (a
		// docker login script) and a check; neither is kept in the plan or
		// the state.
		login := `
ephemeral "registry_swr_login" "audit" {}

check "login" {
  assert {
    condition     = length(ephemeral.registry_swr_login.audit.password) == 64
    error_message = "The fake's password has 64 characters."
  }
}

resource "terraform_data" "docker_login" {
  provisioner "local-exec" {
    command = "test -n \"$PASSWORD\" && test -n \"$DOCKER_CONFIG_JSON\""
    environment = {
      PASSWORD           = ephemeral.registry_swr_login.audit.password
      DOCKER_CONFIG_JSON = ephemeral.registry_swr_login.audit.docker_config_json
    }
  }
}
`
		noSecretsInPlan := resource.ConfigPlanChecks{
			PreApply:             []plancheck.PlanCheck{planHasNoSecrets{secrets: loginSecrets}},
			PostApplyPostRefresh: []plancheck.PlanCheck{planHasNoSecrets{secrets: loginSecrets}},
		}
		noLoginInState := []statecheck.StateCheck{stateHasNoSecrets{secrets: loginSecrets}}
		opened := len(fc.SWR.Logins())
		resource.UnitTest(t, resource.TestCase{
			TerraformVersionChecks:   onlyFrom1_10,
			ProtoV6ProviderFactories: testFactories(nil, WithGetenv(os.Getenv)),
			Steps: []resource.TestStep{
				{PreConfig: temporaryKeys, Config: providerBlock + login, ConfigPlanChecks: noSecretsInPlan, ConfigStateChecks: noLoginInState},
				{PreConfig: iamToken, Config: providerBlock + login, ConfigPlanChecks: noSecretsInPlan, ConfigStateChecks: noLoginInState},
			},
		})
		if len(fc.SWR.Logins()) <= opened {
			t.Fatal("no login was opened; the audit would prove nothing")
		}
		log, err := os.ReadFile(loginLog)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(log), "HTTP attempt") || !strings.Contains(string(log), "OpenEphemeralResource") {
			t.Fatal("the TRACE log of the logins was not captured; the audit would prove nothing")
		}
		for _, s := range loginSecrets() {
			if strings.Contains(string(log), s) {
				t.Errorf("the TRACE log holds the secret %q", s)
			}
		}
	})
}

// issuedLoginSecrets are the passwords, auth strings and docker login
// commands of every login the fake SWR handed out.
func issuedLoginSecrets(fc *fakecloud.Cloud) []string {
	var out []string
	for _, l := range fc.SWR.Logins() {
		out = append(out, l.Password, l.Auth, "-p "+l.Password)
	}
	return out
}

// planHasNoSecrets fails when the plan, as JSON, holds a secret.
type planHasNoSecrets struct{ secrets func() []string }

func (c planHasNoSecrets) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	raw, err := json.Marshal(req.Plan)
	if err != nil {
		resp.Error = err
		return
	}
	for _, s := range c.secrets() {
		if strings.Contains(string(raw), s) {
			resp.Error = fmt.Errorf("the plan holds the secret %q", s)
			return
		}
	}
}

// TestSecretsNeverInDiagnostics reads every data source, and opens
// registry_swr_login, with credentials the fakes refuse, through the provider server with TRACE logging of its own,
// and checks neither the diagnostics nor the log repeat a secret.
func TestSecretsNeverInDiagnostics(t *testing.T) {
	t.Parallel()
	fc, url := startFake(t)
	fc.SWR.GenerateTags("team", "web", 5)
	fc.UHub.GenerateImages("shop", 5)
	fc.PPIO.GenerateImages(5)
	ws := recordWireSecrets(fc)

	var logs strings.Builder
	h := newHarness(t, tflogtest.RootLogger(t.Context(), &logs), NewServer("test", WithGetenv(noEnv)))
	h.configure(map[string]tftypes.Value{
		"swr": h.block("swr", map[string]tftypes.Value{
			"region": tfString(fakecloud.DefaultSWRRegion), "endpoint": tfString(url), "iam_endpoint": tfString(url),
			"access_key": tfString(fakecloud.DefaultSWRAccessKey), "secret_key": tfString("wrong-secret-key-0123456789"),
			"security_token": tfString("wrong-token-0123456789"),
		}),
		"ucloud": h.block("ucloud", map[string]tftypes.Value{
			"endpoint": tfString(url), "public_key": tfString(fakecloud.DefaultUCloudPublicKey), "private_key": tfString("wrong-private-key-0123456789"),
		}),
		"ppio": h.block("ppio", map[string]tftypes.Value{"endpoint": tfString(url), "api_key": tfString("wrong-api-key-0123456789")}),
	})
	reads := map[string]map[string]tftypes.Value{
		"registry_swr_tags":           {"namespace": tfString("team"), "repository": tfString("web")},
		"registry_ucloud_repo_images": {"repo_name": tfString("shop")},
		"registry_ppio_images":        {},
	}
	var diagText strings.Builder
	for typeName, attrs := range reads {
		resp := h.read(typeName, h.dataSourceConfig(typeName, attrs))
		if len(resp.Diagnostics) == 0 {
			t.Fatalf("%s: wrong credentials gave no diagnostic", typeName)
		}
		for _, d := range resp.Diagnostics {
			fmt.Fprintf(&diagText, "%s\n%s\n", d.Summary, d.Detail)
		}
	}
	// The login too: the wrong keys are refused, and nothing is opened.
	login := h.openLogin(nil)
	if len(login.Diagnostics) == 0 {
		t.Fatal("registry_swr_login: wrong credentials gave no diagnostic")
	}
	for _, d := range login.Diagnostics {
		fmt.Fprintf(&diagText, "%s\n%s\n", d.Summary, d.Detail)
	}
	if !strings.Contains(logs.String(), "HTTP attempt") {
		t.Fatal("the provider's log was not captured; the audit would prove nothing")
	}
	secrets := append(ws.list(), "wrong-secret-key-0123456789", "wrong-token-0123456789", "wrong-private-key-0123456789", "wrong-api-key-0123456789")
	for _, s := range secrets {
		if strings.Contains(diagText.String(), s) {
			t.Errorf("a diagnostic holds the secret %q:\n%s", s, diagText.String())
		}
		if strings.Contains(logs.String(), s) {
			t.Errorf("the provider log holds the secret %q", s)
		}
	}
}
