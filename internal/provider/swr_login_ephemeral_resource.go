package provider

import (
	"context"
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/ephemeral/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/apitime"
	"github.com/registry-tools/terraform-provider-registry/internal/swr"
)

var (
	_ ephemeral.EphemeralResource              = &swrLoginEphemeralResource{}
	_ ephemeral.EphemeralResourceWithConfigure = &swrLoginEphemeralResource{}
)

// NewSWRLoginEphemeralResource is registry_swr_login.
func NewSWRLoginEphemeralResource() ephemeral.EphemeralResource {
	return &swrLoginEphemeralResource{}
}

// swrLoginEphemeralResource is a temporary docker login to SWR from
// CreateSecret. It is ephemeral, not a data source, because a data
// source's result is written to the plan and the state, and this one is a
// password: Terraform keeps an ephemeral resource's result in memory for
// one run only. Nothing is closed: SWR has no call to revoke the login,
// which expires by itself.
type swrLoginEphemeralResource struct{ configured }

// swrLoginModel is the configuration and the result.
type swrLoginModel struct {
	ProjectName      types.String   `tfsdk:"project_name"`
	Registry         types.String   `tfsdk:"registry"`
	Username         types.String   `tfsdk:"username"`
	Password         types.String   `tfsdk:"password"`
	ExpiresAt        types.String   `tfsdk:"expires_at"`
	DockerConfigJSON types.String   `tfsdk:"docker_config_json"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`
}

// swrProjectNameRule is a region name, optionally with the "_<name>" of
// one of its sub-projects (cn-north-4, cn-north-4_team).
var swrProjectNameRule = regexp.MustCompile(`^[a-z]{2,}(-[a-z0-9]+)+(_[A-Za-z0-9_-]+)?$`)

// swrLoginHints are SWR's hints (swrHints) where a login differs from a
// tag lookup: what the permission is for, and what a 400 or 404 means.
var swrLoginHints = func() hints {
	h := maps.Clone(swrHints)
	h[apierror.KindPermission] = "The credentials are valid but may not create SWR temporary logins: grant the IAM user " +
		"SWR access in this region that includes generating a login command (CreateSecret)."
	h[apierror.KindNotFound] = "SWR's login API was not found: check that endpoint / " + envHWSWREndpoint +
		" (or region / " + envHWRegion + ") is the SWR API of the region."
	h[apierror.KindBadRequest] = "SWR rejected the login request: check project_name (default: the provider's region / " + envHWRegion + ")."
	h[apierror.KindDecode] = "SWR's answer is not a docker login; check that endpoint / " + envHWSWREndpoint + " points at the SWR API."
	return h
}()

func (r *swrLoginEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_swr_login"
}

func (r *swrLoginEphemeralResource) Schema(ctx context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Temporary docker credentials for the Huawei Cloud SWR registry of the provider's region, from SWR's " +
			"`CreateSecret` (the \"temporary login command\"), with the provider's `swr` credentials: AK/SK, temporary AK/SK " +
			"or an IAM token. The credentials are valid for 24 hours, as SWR documents.\n\n" +
			"This is an ephemeral resource, not a data source: Terraform writes a data source's result into the plan and " +
			"the state, and this result is a password. An ephemeral resource's result lives in memory for one run only; pass " +
			"it to a provider block (such as `helm` or `docker`) or to a write-only argument. Needs Terraform 1.10 or later " +
			"(OpenTofu 1.11 or later); older versions load the provider without it.",
		Attributes: map[string]schema.Attribute{
			"project_name": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The project (`projectname`) the login is for: a region name such as `cn-north-4`. " +
					"Default: the provider's `swr.region` (`" + envHWRegion + "`).",
				Validators: []validator.String{stringvalidator.RegexMatches(swrProjectNameRule,
					"must be a region name such as cn-north-4, or a region's sub-project such as cn-north-4_team")},
			},
			"registry": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The registry host the login is for, from SWR's answer, such as `swr.cn-north-4.myhuaweicloud.com`.",
			},
			"username": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Docker user name, `<region>@<access key>`, decoded from SWR's answer (never built " +
					"from the provider's keys: with an IAM token there are none).",
			},
			"password": schema.StringAttribute{
				Computed: true, Sensitive: true,
				MarkdownDescription: "Docker password, decoded from SWR's answer.",
			},
			"expires_at": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "When the login expires, RFC 3339 in UTC: SWR's `X-Swr-Expireat` header when it sends " +
					"one, else 24 hours after the answer's `Date`.",
			},
			"docker_config_json": schema.StringAttribute{
				Computed: true, Sensitive: true,
				MarkdownDescription: "The login as a docker `config.json`: `{\"auths\":{\"<registry>\":{\"username\":…,\"password\":…,\"auth\":…}}}`, " +
					"ready for a `kubernetes.io/dockerconfigjson` secret's `.dockerconfigjson`.",
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": openTimeoutsBlock(ctx),
		},
	}
}

// openTimeoutsBlock is the library's timeouts { open } block with open also
// refused at plan time when it is zero or negative, as readTimeoutsBlock.
func openTimeoutsBlock(ctx context.Context) schema.Block {
	b := timeouts.BlockWithOpts(ctx, timeouts.Opts{OpenDescription: "Time limit of the login, IAM project lookup and retries included, as a positive Go duration such as `2m`. Default `5m`."}).(schema.SingleNestedBlock)
	open := b.Attributes["open"].(schema.StringAttribute)
	open.Validators = append(slices.Clone(open.Validators), positiveTimeoutValidator{})
	b.Attributes = map[string]schema.Attribute{"open": open}
	return b
}

func (r *swrLoginEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	resp.Diagnostics.Append(r.take(req.ProviderData)...)
}

func (r *swrLoginEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m swrLoginModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	c := r.providerData().swr
	ctx, cancel, diags := startCall(ctx, func() (time.Duration, diag.Diagnostics) { return m.Timeouts.Open(ctx, defaultReadTimeout) }, c)
	defer cancel()
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	login, err := c.client.CreateSecret(ctx, swr.CreateSecretInput{ProjectName: m.ProjectName.ValueString()})
	if err != nil {
		resp.Diagnostics.Append(readError(ctx, err, swrLoginHints))
		return
	}
	if login.ExpiryProblem != "" {
		resp.Diagnostics.AddWarning("SWR login expiry assumed",
			login.ExpiryProblem+", so expires_at is 24 hours after the answer's Date, as SWR documents the validity. "+
				"The login itself is unaffected.")
	}
	type dockerAuth struct {
		Username string `json:"username"`
		Password string `json:"password"`
		Auth     string `json:"auth"`
	}
	config, err := json.Marshal(struct {
		Auths map[string]dockerAuth `json:"auths"`
	}{Auths: map[string]dockerAuth{login.Registry: {Username: login.Username, Password: login.Password, Auth: login.Auth}}})
	if err != nil {
		resp.Diagnostics.AddError("Cannot encode docker_config_json", "This is a bug in the provider; please report it.")
		return
	}
	m.Registry = types.StringValue(login.Registry)
	m.Username = types.StringValue(login.Username)
	m.Password = types.StringValue(login.Password)
	m.ExpiresAt = types.StringValue(apitime.Format(login.ExpiresAt))
	m.DockerConfigJSON = types.StringValue(string(config))
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}
