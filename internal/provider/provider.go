// Package provider is the Terraform side of the registry provider: the
// provider configuration and one file per data source. It turns HCL into
// client queries and client results into state; the clients know nothing
// of Terraform.
package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/registry-tools/terraform-provider-registry/internal/ppio"
	"github.com/registry-tools/terraform-provider-registry/internal/swr"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
	"github.com/registry-tools/terraform-provider-registry/internal/ucloud"
)

var _ provider.Provider = &registryProvider{}

// Option adjusts the provider for tests (e.g. shorter retry waits).
type Option func(*registryProvider)

// WithRetryWait sets the bounds of the backoff between retries.
func WithRetryWait(minWait, maxWait time.Duration) Option {
	return func(p *registryProvider) { p.retryWaitMin, p.retryWaitMax = minWait, maxWait }
}

// WithMaxBodyBytes bounds an answer's size (tests use a small bound).
func WithMaxBodyBytes(n int64) Option {
	return func(p *registryProvider) { p.maxBodyBytes = n }
}

// WithGetenv makes the provider read its environment variables through
// getenv instead of the process environment, so that tests running in
// parallel each give their provider its own settings.
func WithGetenv(getenv func(string) string) Option {
	return func(p *registryProvider) { p.getenv = getenv }
}

type registryProvider struct {
	version                    string
	retryWaitMin, retryWaitMax time.Duration
	maxBodyBytes               int64
	getenv                     func(string) string

	// data is what Configure built, for the server's direct reads.
	data atomic.Pointer[providerData]
}

const providerTypeName = "registry"

// New returns the framework provider factory; NewServer wraps it.
func New(version string, opts ...Option) func() provider.Provider {
	return func() provider.Provider { return newProvider(version, opts...) }
}

func newProvider(version string, opts ...Option) *registryProvider {
	p := &registryProvider{version: version, getenv: os.Getenv}
	for _, o := range opts {
		o(p)
	}
	return p
}

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

func (p *registryProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = providerTypeName
	resp.Version = p.version
}

// envDoc is the description suffix naming an argument's variable.
func envDoc(desc, env string) string {
	return fmt.Sprintf("%s Falls back to the `%s` environment variable.", desc, env)
}

func (p *registryProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	urlValidators := []validator.String{httpURLValidator{}}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Read-only lookups of container images and tags in PPIO, UCloud UHub and Huawei Cloud SWR. " +
			"Every argument is optional: a cloud's block is needed only by that cloud's data sources, and each argument falls back to its environment variable.",
		Attributes: map[string]schema.Attribute{
			"max_retries": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: envDoc("Retries of a throttled (429, UCloud RetCode 153) or failing (5xx, connection error) request, after the first attempt. Default `5`.", envMaxRetries),
				Validators:          []validator.Int64{int64validator.Between(0, 20)},
			},
			"request_timeout": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: envDoc("Time limit of one HTTP attempt, body included, as a Go duration such as `30s` or `2m`. Default `30s`.", envRequestTimeout),
				Validators:          []validator.String{durationValidator{}},
			},
			"max_concurrency": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: envDoc("Pages fetched at once where the API reports its total up front (SWR, UHub). Default `4`.", envMaxConcurrency),
				Validators:          []validator.Int64{int64validator.Between(1, 32)},
			},
			"ca_cert_file": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: envDoc("Path of a PEM file with extra certificate authorities to trust, for private endpoints. TLS verification is always on.", envCACertFile),
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
		},
		Blocks: map[string]schema.Block{
			"ppio": schema.SingleNestedBlock{
				MarkdownDescription: "PPIO credentials, for `registry_ppio_images`.",
				Attributes: map[string]schema.Attribute{
					"api_key": schema.StringAttribute{
						Optional: true, Sensitive: true,
						MarkdownDescription: envDoc("PPIO API key, sent as a bearer token.", envPPIOAPIKey),
					},
					"endpoint": schema.StringAttribute{
						Optional: true, Validators: urlValidators,
						MarkdownDescription: envDoc("PPIO API base URL. Default `"+defaultPPIOEndpoint+"` (Novita serves the same API at `https://api.novita.ai`).", envPPIOEndpoint),
					},
				},
			},
			"ucloud": schema.SingleNestedBlock{
				MarkdownDescription: "UCloud credentials, for `registry_ucloud_repo_images`.",
				Attributes: map[string]schema.Attribute{
					"public_key": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: envDoc("UCloud API public key.", envUCloudPublicKey),
					},
					"private_key": schema.StringAttribute{
						Optional: true, Sensitive: true,
						MarkdownDescription: envDoc("UCloud API private key; it signs requests and is never sent.", envUCloudPrivateKey),
					},
					"project_id": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: envDoc("UCloud project, such as `org-xxxx`; required for sub-accounts.", envUCloudProjectID),
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"endpoint": schema.StringAttribute{
						Optional: true, Validators: urlValidators,
						MarkdownDescription: envDoc("UCloud API base URL. Default `"+defaultUCloudEndpoint+"`.", envUCloudEndpoint),
					},
				},
			},
			"swr": schema.SingleNestedBlock{
				MarkdownDescription: "Huawei Cloud credentials, for `registry_swr_tags`. Give `access_key` and `secret_key` (plus `security_token` for temporary credentials), or an IAM `auth_token`.",
				Attributes: map[string]schema.Attribute{
					"region": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: envDoc("Region, such as `cn-north-4`. Picks the endpoint `https://swr-api.<region>.myhuaweicloud.com` and the IAM project.", envHWRegion),
						Validators:          []validator.String{regionValidator},
					},
					"access_key": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: envDoc("Access key (AK).", envHWAccessKey),
					},
					"secret_key": schema.StringAttribute{
						Optional: true, Sensitive: true,
						MarkdownDescription: envDoc("Secret key (SK); it signs requests and is never sent.", envHWSecretKey),
					},
					"security_token": schema.StringAttribute{
						Optional: true, Sensitive: true,
						MarkdownDescription: envDoc("Security token of temporary AK/SK credentials.", envHWSecurityToken),
					},
					"auth_token": schema.StringAttribute{
						Optional: true, Sensitive: true,
						MarkdownDescription: envDoc("IAM token, sent as `X-Auth-Token` instead of signing with AK/SK.", envHWAuthToken),
					},
					"project_id": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: envDoc("Project ID sent with AK/SK requests. Found through IAM from the region when left out.", envHWProjectID),
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"endpoint": schema.StringAttribute{
						Optional: true, Validators: urlValidators,
						MarkdownDescription: envDoc("SWR API base URL; overrides the region's.", envHWSWREndpoint),
					},
					"iam_endpoint": schema.StringAttribute{
						Optional: true, Validators: urlValidators,
						MarkdownDescription: envDoc("IAM base URL for project discovery. Default `"+swr.DefaultIAMEndpoint+"`.", envHWIAMEndpoint),
					},
				},
			},
		},
	}
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

func (p *registryProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s := settings{getenv: p.getenv, diags: &resp.Diagnostics}

	tc := transport.Config{
		MaxRetries:   int(s.int64(cfg.MaxRetries, path.Root("max_retries"), envMaxRetries, transport.DefaultMaxRetries)),
		RetryWaitMin: p.retryWaitMin,
		RetryWaitMax: p.retryWaitMax,
		MaxBodyBytes: p.maxBodyBytes,
		UserAgent:    "terraform-provider-registry/" + p.version,
		CACertFile:   s.str(cfg.CACertFile, path.Root("ca_cert_file"), envCACertFile),
	}
	if tc.MaxRetries == 0 {
		tc.MaxRetries = -1 // an explicit 0 means no retries
	}
	if d := s.str(cfg.RequestTimeout, path.Root("request_timeout"), envRequestTimeout); d != "" {
		timeout, err := time.ParseDuration(d)
		if err != nil || timeout <= 0 {
			resp.Diagnostics.AddAttributeError(path.Root("request_timeout"), "Invalid request_timeout",
				fmt.Sprintf("%q (from request_timeout or %s) is not a positive duration such as \"30s\".", d, envRequestTimeout))
		}
		tc.RequestTimeout = timeout
	}
	concurrency := int(s.int64(cfg.MaxConcurrency, path.Root("max_concurrency"), envMaxConcurrency, 4))
	if resp.Diagnostics.HasError() {
		return
	}
	httpc, err := transport.New(tc)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("ca_cert_file"), "Cannot load ca_cert_file",
			fmt.Sprintf("%v. Point ca_cert_file (or %s) at a readable PEM file.", err, envCACertFile))
		return
	}

	data := &providerData{}
	data.swr, data.swrMissing, data.swrSecrets = s.swrClient(cfg.SWR, httpc, concurrency)
	data.ppio, data.ppioMissing, data.ppioSecrets = s.ppioClient(cfg.PPIO, httpc)
	data.ucloud, data.ucloudMissing, data.ucloudSecrets = s.ucloudClient(cfg.UCloud, httpc, concurrency)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.DataSourceData = data
	p.data.Store(data)
}

func (p *registryProvider) Resources(context.Context) []func() resource.Resource { return nil }

func (p *registryProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewSWRTagsDataSource,
		NewPPIOImagesDataSource,
		NewUCloudRepoImagesDataSource,
	}
}

// providerData is what data sources receive: one client per cloud, or why
// that cloud cannot be used. A missing credential fails only the data
// sources of its cloud, at read time.
type providerData struct {
	swr        *swr.Client
	swrMissing string   // diagnostic detail when swr is nil
	swrSecrets []string // values to mask in logs

	ppio        *ppio.Client
	ppioMissing string
	ppioSecrets []string

	ucloud        *ucloud.Client
	ucloudMissing string
	ucloudSecrets []string
}

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

// swrClient builds the SWR client, or says which argument is missing.
func (s settings) swrClient(m *swrModel, httpc *transport.Client, concurrency int) (*swr.Client, string, []string) {
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
	secrets := nonEmpty(cfg.SecretKey, cfg.SecurityToken, cfg.AuthToken)
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
		return nil, missingArguments("swr", missing,
			"Instead of access_key and secret_key, an IAM token may be given as auth_token ("+envHWAuthToken+")."), secrets
	}
	c, err := swr.New(cfg)
	if err != nil {
		return nil, "The provider's swr block is invalid: " + err.Error(), secrets
	}
	return c, "", secrets
}

// ppioClient builds the PPIO client, or says which argument is missing.
func (s settings) ppioClient(m *ppioModel, httpc *transport.Client) (*ppio.Client, string, []string) {
	if m == nil {
		m = &ppioModel{}
	}
	at := func(name string) path.Path { return path.Root("ppio").AtName(name) }
	cfg := ppio.Config{
		APIKey:   s.str(m.APIKey, at("api_key"), envPPIOAPIKey),
		Endpoint: s.str(m.Endpoint, at("endpoint"), envPPIOEndpoint),
		HTTP:     httpc,
	}
	secrets := nonEmpty(cfg.APIKey)
	if cfg.APIKey == "" {
		return nil, missingArguments("ppio", []string{"api_key (" + envPPIOAPIKey + ")"},
			"Set api_key or the "+envPPIOAPIKey+" environment variable to an API key from the PPIO console."), secrets
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = defaultPPIOEndpoint
	}
	c, err := ppio.New(cfg)
	if err != nil {
		return nil, "The provider's ppio block is invalid: " + err.Error(), secrets
	}
	return c, "", secrets
}

// ucloudClient builds the UCloud UHub client, or says which argument is
// missing. project_id may be left out: UHub then uses the account's default
// project (sub-accounts must give one).
func (s settings) ucloudClient(m *ucloudModel, httpc *transport.Client, concurrency int) (*ucloud.Client, string, []string) {
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
	secrets := nonEmpty(cfg.PrivateKey)
	var missing []string
	if cfg.PublicKey == "" {
		missing = append(missing, "public_key ("+envUCloudPublicKey+")")
	}
	if cfg.PrivateKey == "" {
		missing = append(missing, "private_key ("+envUCloudPrivateKey+")")
	}
	if len(missing) > 0 {
		return nil, missingArguments("ucloud", missing, "Use the two halves of one API key pair from the UCloud console."), secrets
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = defaultUCloudEndpoint
	}
	c, err := ucloud.New(cfg)
	if err != nil {
		return nil, "The provider's ucloud block is invalid: " + err.Error(), secrets
	}
	return c, "", secrets
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
