package provider

import (
	"context"
	"fmt"

	"github.com/distribution/reference"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/opencontainers/go-digest"
)

var _ function.Function = &pinImageRefFunction{}

// NewPinImageRefFunction is provider::registry::pin_image_ref.
func NewPinImageRefFunction() function.Function { return &pinImageRefFunction{} }

type pinImageRefFunction struct{}

func (f *pinImageRefFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "pin_image_ref"
}

func (f *pinImageRefFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Pin a container image reference to a digest",
		MarkdownDescription: "Returns `<registry>/<repository>@<digest>`: the image reference `ref` with its tag dropped and " +
			"pinned to `digest`, for inputs that take only immutable references. `ref` is read as `parse_image_ref` reads " +
			"it (a registry host is required). `digest` is validated: `sha256:` and 64 lower-case hex digits, or " +
			"`sha384:`/`sha512:` with 96/128. A reference already pinned to the same digest comes back pinned (without " +
			"its tag); one pinned to another digest is an error rather than a silent re-pin.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name: "ref",
				MarkdownDescription: "Image reference: `<registry>/<repository>[:tag][@digest]`, such as " +
					"`swr.cn-north-4.myhuaweicloud.com/team/web:v1`.",
			},
			function.StringParameter{
				Name:                "digest",
				MarkdownDescription: "Manifest digest to pin to, such as `sha256:` and 64 lower-case hex digits (a tag data source's `digest`).",
			},
		},
		Return: function.StringReturn{},
	}
}

func (f *pinImageRefFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var ref, dgst string
	resp.Error = req.Arguments.Get(ctx, &ref, &dgst)
	if resp.Error != nil {
		return
	}
	pinned, fe := pinImageRef(ref, dgst)
	if fe != nil {
		resp.Error = fe
		return
	}
	resp.Error = resp.Result.Set(ctx, pinned)
}

// pinImageRef is pin_image_ref; errors name the argument at fault.
func pinImageRef(ref, dgst string) (string, *function.FuncError) {
	named, err := parseImageRef(ref)
	if err != nil {
		return "", function.NewArgumentFuncError(0, err.Error())
	}
	d, err := digest.Parse(dgst)
	if err != nil {
		if dgst == "" {
			return "", function.NewArgumentFuncError(1, `the digest is empty: give one such as "sha256:" and 64 lower-case hex digits, as a tag data source's digest attribute holds`)
		}
		return "", function.NewArgumentFuncError(1, explainDigestError(dgst, err))
	}
	if had, ok := named.(reference.Digested); ok && had.Digest() != d {
		return "", function.NewArgumentFuncError(0, fmt.Sprintf("%q is already pinned to %s, not to %s: pass the reference without its @digest to pin it to %s",
			ref, had.Digest(), d, d))
	}
	// The library checks the digest against the reference grammar too.
	pinned, err := reference.WithDigest(reference.TrimNamed(named), d)
	if err != nil {
		return "", function.NewArgumentFuncError(1, explainDigestError(dgst, err))
	}
	return pinned.String(), nil
}
