package provider

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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
	swrPageSize int // WithSWRPageSize; 0 for the API's largest
}

func (s settings) str(v types.String, p path.Path, env string) string {
	value, _ := s.strFrom(v, p, env)
	return value
}

// strFrom is str, and whether the value came from the environment, for a
// diagnostic that names where the value was set.
func (s settings) strFrom(v types.String, p path.Path, env string) (value string, fromEnv bool) {
	if v.IsUnknown() {
		s.diags.AddAttributeError(p, "Unknown provider argument",
			"The value is not known until apply; the provider needs it to read data sources. Use a value known at plan time, or set "+env+".")
		return "", false
	}
	if !v.IsNull() && v.ValueString() != "" {
		return v.ValueString(), false
	}
	return strings.TrimSpace(s.getenv(env)), true
}

// intSetting is a whole-number argument of the provider: its range, which
// both the schema's validator and the check of its environment variable
// use, so that HCL and the environment accept the same values.
type intSetting struct {
	name, env     string
	min, max, def int64
	what          string // what the number is, for a diagnostic
}

var (
	maxRetriesSetting = intSetting{name: "max_retries", env: envMaxRetries, min: 0, max: 20,
		def: transport.DefaultMaxRetries, what: "retries of a failing request after the first attempt"}
	maxConcurrencySetting = intSetting{name: "max_concurrency", env: envMaxConcurrency, min: 1, max: 32,
		def: 4, what: "the number of pages fetched at once"}
)

// validator is the plan-time check of the argument in HCL.
func (is intSetting) validator() validator.Int64 { return int64validator.Between(is.min, is.max) }

// rangeText is "between <min> and <max> (<what>)".
func (is intSetting) rangeText() string {
	return fmt.Sprintf("between %d and %d (%s)", is.min, is.max, is.what)
}

// int64 is the argument from the configuration (checked by is.validator at
// plan time), else from its environment variable, checked here against the
// same range; else the default.
func (s settings) int64(v types.Int64, is intSetting) int64 {
	p := path.Root(is.name)
	if v.IsUnknown() {
		s.diags.AddAttributeError(p, "Unknown provider argument",
			"The value is not known until apply; the provider needs it to read data sources. Use a value known at plan time, or set "+is.env+".")
		return is.def
	}
	if !v.IsNull() {
		return v.ValueInt64()
	}
	raw := strings.TrimSpace(s.getenv(is.env))
	if raw == "" {
		return is.def
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	switch {
	case err != nil:
		s.diags.AddAttributeError(p, "Invalid "+is.env,
			fmt.Sprintf("%s=%q is not a whole number: it must be %s.", is.env, raw, is.rangeText()))
	case n < is.min || n > is.max:
		s.diags.AddAttributeError(p, "Invalid "+is.env,
			fmt.Sprintf("%s=%d is out of range: it must be %s.", is.env, n, is.rangeText()))
	default:
		return n
	}
	return is.def
}

// transport resolves the arguments every cloud shares into tc, and the
// number of pages fetched at once.
func (s settings) transport(cfg providerModel, tc transport.Config) (transport.Config, int) {
	tc.MaxRetries = int(s.int64(cfg.MaxRetries, maxRetriesSetting))
	tc.CACertFile = s.str(cfg.CACertFile, path.Root("ca_cert_file"), envCACertFile)
	if tc.MaxRetries == 0 {
		tc.MaxRetries = -1 // an explicit 0 means no retries
	}
	if d, fromEnv := s.strFrom(cfg.RequestTimeout, path.Root("request_timeout"), envRequestTimeout); d != "" {
		timeout, ok := positiveDuration(d)
		if !ok {
			summary, where := "Invalid request_timeout", fmt.Sprintf("request_timeout = %q", d)
			if fromEnv {
				summary, where = "Invalid "+envRequestTimeout, fmt.Sprintf("%s=%q", envRequestTimeout, d)
			}
			s.diags.AddAttributeError(path.Root("request_timeout"), summary, where+" "+durationAdvice)
		}
		tc.RequestTimeout = timeout
	}
	concurrency := int(s.int64(cfg.MaxConcurrency, maxConcurrencySetting))
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
		PageSize:       s.swrPageSize,
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
			"Use an API key from the PPIO console.")
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
	them, variables := "them", "the environment variables"
	if len(missing) == 1 {
		them, variables = "it", "the environment variable"
	}
	return "The provider's " + block + " block has no " + strings.Join(missing, ", nor ") +
		". Set " + them + " in the provider \"registry\" " + block + " block, or set " + variables + " named in parentheses. " + advice
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
