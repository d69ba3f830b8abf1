package provider

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/registry-tools/terraform-provider-registry/internal/ppio"
	"github.com/registry-tools/terraform-provider-registry/internal/swr"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
	"github.com/registry-tools/terraform-provider-registry/internal/ucloud"
)

// Settings: what the provider block and the environment say, resolved into
// a transport and one cloud per registry.

// providerModel is the provider block.
type providerModel struct {
	PPIO           *ppioModel   `tfsdk:"ppio"`
	UCloud         *ucloudModel `tfsdk:"ucloud"`
	SWR            *swrModel    `tfsdk:"swr"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
	MaxConcurrency types.Int64  `tfsdk:"max_concurrency"`
	CACertFile     types.String `tfsdk:"ca_cert_file"`
}

type ppioModel struct {
	APIKey   types.String `tfsdk:"api_key"`
	Endpoint types.String `tfsdk:"endpoint"`
}

type ucloudModel struct {
	PublicKey  types.String `tfsdk:"public_key"`
	PrivateKey types.String `tfsdk:"private_key"`
	ProjectID  types.String `tfsdk:"project_id"`
	Endpoint   types.String `tfsdk:"endpoint"`
}

type swrModel struct {
	Region        types.String `tfsdk:"region"`
	AccessKey     types.String `tfsdk:"access_key"`
	SecretKey     types.String `tfsdk:"secret_key"`
	SecurityToken types.String `tfsdk:"security_token"`
	AuthToken     types.String `tfsdk:"auth_token"`
	ProjectID     types.String `tfsdk:"project_id"`
	Endpoint      types.String `tfsdk:"endpoint"`
	IAMEndpoint   types.String `tfsdk:"iam_endpoint"`
}

// Environment variables, one per argument.
const (
	envMaxRetries       = "REGISTRY_MAX_RETRIES"
	envRequestTimeout   = "REGISTRY_REQUEST_TIMEOUT"
	envMaxConcurrency   = "REGISTRY_MAX_CONCURRENCY"
	envCACertFile       = "REGISTRY_CA_CERT_FILE"
	envPPIOAPIKey       = "PPIO_API_KEY"
	envPPIOEndpoint     = "PPIO_ENDPOINT"
	envUCloudPublicKey  = "UCLOUD_PUBLIC_KEY"
	envUCloudPrivateKey = "UCLOUD_PRIVATE_KEY"
	envUCloudProjectID  = "UCLOUD_PROJECT_ID"
	envUCloudEndpoint   = "UCLOUD_API_BASE_URL"
	envHWRegion         = "HW_REGION_NAME"
	envHWAccessKey      = "HW_ACCESS_KEY"
	envHWSecretKey      = "HW_SECRET_KEY"
	envHWSecurityToken  = "HW_SECURITY_TOKEN"
	envHWAuthToken      = "HW_AUTH_TOKEN"
	envHWProjectID      = "HW_PROJECT_ID"
	envHWSWREndpoint    = "HW_SWR_ENDPOINT"
	envHWIAMEndpoint    = "HW_IAM_ENDPOINT"

	defaultPPIOEndpoint   = "https://api.ppio.com"
	defaultUCloudEndpoint = "https://api.ucloud.cn"
)

// settings resolves arguments: the configuration first, then the
// environment; an empty string counts as not set.
type settings struct {
	getenv func(string) string
	diags  interface {
		AddAttributeError(path.Path, string, string)
	}
}

func (s settings) str(v types.String, p path.Path, env string) string {
	if v.IsUnknown() {
		s.diags.AddAttributeError(p, "Unknown provider argument",
			"The value is not known until apply; the provider needs it to read data sources. Use a value known at plan time, or set "+env+".")
		return ""
	}
	if !v.IsNull() && v.ValueString() != "" {
		return v.ValueString()
	}
	return strings.TrimSpace(s.getenv(env))
}

func (s settings) int64(v types.Int64, p path.Path, env string, def int64) int64 {
	if v.IsUnknown() {
		s.diags.AddAttributeError(p, "Unknown provider argument",
			"The value is not known until apply; the provider needs it to read data sources. Use a value known at plan time, or set "+env+".")
		return def
	}
	if !v.IsNull() {
		return v.ValueInt64()
	}
	raw := strings.TrimSpace(s.getenv(env))
	if raw == "" {
		return def
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 0 {
		s.diags.AddAttributeError(p, "Invalid "+env, fmt.Sprintf("%s=%q is not a whole number of 0 or more.", env, raw))
		return def
	}
	return n
}

// transport resolves the arguments every cloud shares into tc, and the
// number of pages fetched at once.
func (s settings) transport(cfg providerModel, tc transport.Config) (transport.Config, int) {
	tc.MaxRetries = int(s.int64(cfg.MaxRetries, path.Root("max_retries"), envMaxRetries, transport.DefaultMaxRetries))
	tc.CACertFile = s.str(cfg.CACertFile, path.Root("ca_cert_file"), envCACertFile)
	if tc.MaxRetries == 0 {
		tc.MaxRetries = -1 // an explicit 0 means no retries
	}
	if d := s.str(cfg.RequestTimeout, path.Root("request_timeout"), envRequestTimeout); d != "" {
		timeout, err := time.ParseDuration(d)
		if err != nil || timeout <= 0 {
			s.diags.AddAttributeError(path.Root("request_timeout"), "Invalid request_timeout",
				fmt.Sprintf("%q (from request_timeout or %s) is not a positive duration such as \"30s\".", d, envRequestTimeout))
		}
		tc.RequestTimeout = timeout
	}
	concurrency := int(s.int64(cfg.MaxConcurrency, path.Root("max_concurrency"), envMaxConcurrency, 4))
	return tc, concurrency
}

// swrCloud builds the SWR client, or says which argument is missing.
func (s settings) swrCloud(m *swrModel, httpc *transport.Client, concurrency int) cloud[*swr.Client] {
	if m == nil {
		m = &swrModel{}
	}
	at := func(name string) path.Path { return path.Root("swr").AtName(name) }
	cfg := swr.Config{
		Region:         s.str(m.Region, at("region"), envHWRegion),
		AccessKey:      s.str(m.AccessKey, at("access_key"), envHWAccessKey),
		SecretKey:      s.str(m.SecretKey, at("secret_key"), envHWSecretKey),
		SecurityToken:  s.str(m.SecurityToken, at("security_token"), envHWSecurityToken),
		AuthToken:      s.str(m.AuthToken, at("auth_token"), envHWAuthToken),
		ProjectID:      s.str(m.ProjectID, at("project_id"), envHWProjectID),
		Endpoint:       s.str(m.Endpoint, at("endpoint"), envHWSWREndpoint),
		IAMEndpoint:    s.str(m.IAMEndpoint, at("iam_endpoint"), envHWIAMEndpoint),
		MaxConcurrency: concurrency,
		HTTP:           httpc,
	}
	out := cloud[*swr.Client]{name: swr.CloudName, secrets: nonEmpty(cfg.SecretKey, cfg.SecurityToken, cfg.AuthToken)}
	var missing []string
	if cfg.AuthToken == "" {
		if cfg.AccessKey == "" {
			missing = append(missing, "access_key ("+envHWAccessKey+")")
		}
		if cfg.SecretKey == "" {
			missing = append(missing, "secret_key ("+envHWSecretKey+")")
		}
	}
	if cfg.Endpoint == "" {
		if cfg.Region == "" {
			missing = append(missing, "region ("+envHWRegion+") or endpoint ("+envHWSWREndpoint+")")
		} else {
			cfg.Endpoint = swr.EndpointForRegion(cfg.Region)
		}
	}
	if len(missing) > 0 {
		out.missing = missingArguments("swr", missing,
			"Instead of access_key and secret_key, an IAM token may be given as auth_token ("+envHWAuthToken+").")
		return out
	}
	c, err := swr.New(cfg)
	if err != nil {
		out.missing = "The provider's swr block is invalid: " + err.Error()
		return out
	}
	out.client = c
	return out
}

// ppioCloud builds the PPIO client, or says which argument is missing.
func (s settings) ppioCloud(m *ppioModel, httpc *transport.Client) cloud[*ppio.Client] {
	if m == nil {
		m = &ppioModel{}
	}
	at := func(name string) path.Path { return path.Root("ppio").AtName(name) }
	cfg := ppio.Config{
		APIKey:   s.str(m.APIKey, at("api_key"), envPPIOAPIKey),
		Endpoint: s.str(m.Endpoint, at("endpoint"), envPPIOEndpoint),
		HTTP:     httpc,
	}
	out := cloud[*ppio.Client]{name: ppio.CloudName, secrets: nonEmpty(cfg.APIKey)}
	if cfg.APIKey == "" {
		out.missing = missingArguments("ppio", []string{"api_key (" + envPPIOAPIKey + ")"},
			"Set api_key or the "+envPPIOAPIKey+" environment variable to an API key from the PPIO console.")
		return out
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = defaultPPIOEndpoint
	}
	c, err := ppio.New(cfg)
	if err != nil {
		out.missing = "The provider's ppio block is invalid: " + err.Error()
		return out
	}
	out.client = c
	return out
}

// ucloudCloud builds the UCloud UHub client, or says which argument is
// missing. project_id may be left out: UHub then uses the account's default
// project (sub-accounts must give one).
func (s settings) ucloudCloud(m *ucloudModel, httpc *transport.Client, concurrency int) cloud[*ucloud.Client] {
	if m == nil {
		m = &ucloudModel{}
	}
	at := func(name string) path.Path { return path.Root("ucloud").AtName(name) }
	cfg := ucloud.Config{
		PublicKey:      s.str(m.PublicKey, at("public_key"), envUCloudPublicKey),
		PrivateKey:     s.str(m.PrivateKey, at("private_key"), envUCloudPrivateKey),
		ProjectID:      s.str(m.ProjectID, at("project_id"), envUCloudProjectID),
		Endpoint:       s.str(m.Endpoint, at("endpoint"), envUCloudEndpoint),
		MaxConcurrency: concurrency,
		HTTP:           httpc,
	}
	out := cloud[*ucloud.Client]{name: ucloud.CloudName, secrets: nonEmpty(cfg.PrivateKey)}
	var missing []string
	if cfg.PublicKey == "" {
		missing = append(missing, "public_key ("+envUCloudPublicKey+")")
	}
	if cfg.PrivateKey == "" {
		missing = append(missing, "private_key ("+envUCloudPrivateKey+")")
	}
	if len(missing) > 0 {
		out.missing = missingArguments("ucloud", missing, "Use the two halves of one API key pair from the UCloud console.")
		return out
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = defaultUCloudEndpoint
	}
	c, err := ucloud.New(cfg)
	if err != nil {
		out.missing = "The provider's ucloud block is invalid: " + err.Error()
		return out
	}
	out.client = c
	return out
}

// missingArguments says which arguments of a provider block are missing,
// each given as "name (VARIABLE)", and how to set them.
func missingArguments(block string, missing []string, advice string) string {
	return "The provider's " + block + " block has no " + strings.Join(missing, ", nor ") +
		". Set them in the provider \"registry\" " + block + " block or through those environment variables. " + advice
}

func nonEmpty(values ...string) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
