// Package provider is the Terraform side of the registry provider: the
// provider configuration and one file per data source. It turns HCL into
// client queries and client results into state; the clients know nothing
// of Terraform.
package provider

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/registry-tools/terraform-provider-registry/internal/swr"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
)

var (
	_ provider.Provider                       = &registryProvider{}
	_ provider.ProviderWithEphemeralResources = &registryProvider{}
)

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

// WithSWRPageSize makes SWR listings ask for pages of n tags instead of
// the API's largest (1,000): tests list several pages without building
// thousands of tags, which under the race detector costs seconds of CPU.
func WithSWRPageSize(n int) Option {
	return func(p *registryProvider) { p.swrPageSize = n }
}

type registryProvider struct {
	version                    string
	retryWaitMin, retryWaitMax time.Duration
	maxBodyBytes               int64
	swrPageSize                int // 0: the API's largest
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
				Optional: true,
				MarkdownDescription: envDoc(fmt.Sprintf("Retries of a throttled (429, UCloud RetCode 153) or failing (5xx, connection error) request, after the first attempt: "+
					"between %d and %d. Default `%d`.", maxRetriesSetting.min, maxRetriesSetting.max, maxRetriesSetting.def), envMaxRetries),
				Validators: []validator.Int64{maxRetriesSetting.validator()},
			},
			"request_timeout": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: envDoc("Time limit of one HTTP attempt, body included, as a Go duration such as `30s` or `2m`. Default `30s`.", envRequestTimeout),
				Validators:          []validator.String{durationValidator{}},
			},
			"max_concurrency": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: envDoc(fmt.Sprintf("Pages fetched at once where the API reports its total up front (SWR, UHub): between %d and %d. Default `%d`.",
					maxConcurrencySetting.min, maxConcurrencySetting.max, maxConcurrencySetting.def), envMaxConcurrency),
				Validators: []validator.Int64{maxConcurrencySetting.validator()},
			},
			"ca_cert_file": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: envDoc("Path of a PEM file with extra certificate authorities to trust, for private endpoints. TLS verification is always on.", envCACertFile),
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
		},
		Blocks: map[string]schema.Block{
			"ppio": schema.SingleNestedBlock{
				MarkdownDescription: "PPIO credentials, for the data source `registry_ppio_images`.",
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
				MarkdownDescription: "UCloud UHub credentials, for the data sources `registry_ucloud_repo_images`, `registry_ucloud_image_tags` and `registry_ucloud_image_tag`.",
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
				MarkdownDescription: "Huawei Cloud credentials, for the data sources `registry_swr_tags` and `registry_swr_tag` and the ephemeral resource `registry_swr_login`. Give `access_key` and `secret_key` (plus `security_token` for temporary credentials), or an IAM `auth_token`.",
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

func (p *registryProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s := settings{getenv: p.getenv, diags: &resp.Diagnostics, swrPageSize: p.swrPageSize}
	tc, concurrency := s.transport(cfg, transport.Config{
		RetryWaitMin: p.retryWaitMin,
		RetryWaitMax: p.retryWaitMax,
		MaxBodyBytes: p.maxBodyBytes,
		UserAgent:    "terraform-provider-registry/" + p.version,
	})
	if resp.Diagnostics.HasError() {
		return
	}
	httpc, err := transport.New(tc)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("ca_cert_file"), "Cannot load ca_cert_file",
			fmt.Sprintf("%v. Point ca_cert_file (or %s) at a readable PEM file.", err, envCACertFile))
		return
	}

	data := &providerData{
		swr:    s.swrCloud(cfg.SWR, httpc, concurrency),
		ppio:   s.ppioCloud(cfg.PPIO, httpc),
		ucloud: s.ucloudCloud(cfg.UCloud, httpc, concurrency),
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
	p.data.Store(data)
}

func (p *registryProvider) Resources(context.Context) []func() resource.Resource { return nil }

// EphemeralResources are offered to Terraform 1.10 and later (OpenTofu 1.11
// and later); older versions do not ask for them and use the rest.
func (p *registryProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewSWRLoginEphemeralResource,
	}
}

func (p *registryProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewSWRTagsDataSource,
		NewSWRTagDataSource,
		NewPPIOImagesDataSource,
		NewUCloudRepoImagesDataSource,
		NewUCloudImageTagsDataSource,
		NewUCloudImageTagDataSource,
	}
}
