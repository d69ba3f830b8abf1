package provider

import (
	"context"

	"github.com/distribution/reference"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ function.Function = &parseImageRefFunction{}

// NewParseImageRefFunction is provider::registry::parse_image_ref.
func NewParseImageRefFunction() function.Function { return &parseImageRefFunction{} }

type parseImageRefFunction struct{}

// imageRefAttrTypes is the object parse_image_ref returns.
var imageRefAttrTypes = map[string]attr.Type{
	"registry":   types.StringType,
	"repository": types.StringType,
	"tag":        types.StringType,
	"digest":     types.StringType,
}

func (f *parseImageRefFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "parse_image_ref"
}

func (f *parseImageRefFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Split a container image reference into registry, repository, tag and digest",
		MarkdownDescription: "Splits a full container image reference, such as " +
			"`swr.cn-north-4.myhuaweicloud.com/team/apps/web:v1.4.2`, into an object with `registry` (the host, with its port " +
			"if any), `repository` (the path after the host, which may have several `/`-separated parts), `tag` and `digest`; " +
			"`tag` and `digest` are null when the reference has none. It follows the grammar of " +
			"[distribution/reference](https://github.com/distribution/reference), the one Docker and containerd use, " +
			"but does not expand Docker Hub short names: the first component must be a registry host (it contains a `.` " +
			"or a `:`, or is `localhost`), so `team/web:v1` and `web:v1` are errors. An invalid reference is an error that " +
			"quotes it and says what is wrong.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name: "ref",
				MarkdownDescription: "Image reference: `<registry>/<repository>[:tag][@digest]`, such as " +
					"`swr.cn-north-4.myhuaweicloud.com/team/web:v1` or `localhost:5000/web@sha256:…`.",
			},
		},
		Return: function.ObjectReturn{AttributeTypes: imageRefAttrTypes},
	}
}

func (f *parseImageRefFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var ref string
	resp.Error = req.Arguments.Get(ctx, &ref)
	if resp.Error != nil {
		return
	}
	named, err := parseImageRef(ref)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	tag, digest := types.StringNull(), types.StringNull()
	if t, ok := named.(reference.Tagged); ok {
		tag = types.StringValue(t.Tag())
	}
	if d, ok := named.(reference.Digested); ok {
		digest = types.StringValue(d.Digest().String())
	}
	obj, diags := types.ObjectValue(imageRefAttrTypes, map[string]attr.Value{
		"registry":   types.StringValue(reference.Domain(named)),
		"repository": types.StringValue(reference.Path(named)),
		"tag":        tag,
		"digest":     digest,
	})
	if diags.HasError() {
		resp.Error = function.FuncErrorFromDiags(ctx, diags)
		return
	}
	resp.Error = resp.Result.Set(ctx, obj)
}
