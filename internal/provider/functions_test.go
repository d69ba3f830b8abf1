package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// functionTestCase runs steps against the provider as Terraform serves it;
// the functions need no provider configuration and no environment.
func functionTestCase(steps ...resource.TestStep) resource.TestCase {
	return resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"registry": NewServer("test"),
		},
		Steps: steps,
	}
}

func TestImageRefFunctions_output(t *testing.T) {
	t.Parallel()
	resource.UnitTest(t, functionTestCase(resource.TestStep{
		Config: `
locals {
  ref = provider::registry::parse_image_ref("swr.cn-north-4.myhuaweicloud.com/team/apps/web:v1")
}

output "parsed" {
  value = local.ref
}

output "parsed_pinned" {
  value = provider::registry::parse_image_ref("localhost:5000/web@` + testSHA256 + `")
}

output "rebuilt" {
  value = "${local.ref.registry}/${local.ref.repository}"
}

output "pinned" {
  value = provider::registry::pin_image_ref("swr.cn-north-4.myhuaweicloud.com/team/apps/web:v1", "` + testSHA256 + `")
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("parsed", knownvalue.ObjectExact(map[string]knownvalue.Check{
				"registry":   knownvalue.StringExact("swr.cn-north-4.myhuaweicloud.com"),
				"repository": knownvalue.StringExact("team/apps/web"),
				"tag":        knownvalue.StringExact("v1"),
				"digest":     knownvalue.Null(),
			})),
			statecheck.ExpectKnownOutputValue("parsed_pinned", knownvalue.ObjectExact(map[string]knownvalue.Check{
				"registry":   knownvalue.StringExact("localhost:5000"),
				"repository": knownvalue.StringExact("web"),
				"tag":        knownvalue.Null(),
				"digest":     knownvalue.StringExact(testSHA256),
			})),
			statecheck.ExpectKnownOutputValue("rebuilt", knownvalue.StringExact("swr.cn-north-4.myhuaweicloud.com/team/apps/web")),
			statecheck.ExpectKnownOutputValue("pinned", knownvalue.StringExact("swr.cn-north-4.myhuaweicloud.com/team/apps/web@"+testSHA256)),
		},
	}))
}

// The error a user sees names the parameter and quotes the value.
func TestImageRefFunctions_errors(t *testing.T) {
	t.Parallel()
	resource.UnitTest(t, functionTestCase(
		resource.TestStep{
			Config: `
output "parsed" {
  value = provider::registry::parse_image_ref("team/web:v1")
}
`,
			ExpectError: regexp.MustCompile(`Invalid value for "ref" parameter: "team/web:v1" has no registry host`),
		},
		resource.TestStep{
			Config: `
output "pinned" {
  value = provider::registry::pin_image_ref("swr.cn-north-4.myhuaweicloud.com/team/web:v1", "sha256:abc")
}
`,
			ExpectError: regexp.MustCompile(`Invalid value for "digest" parameter: digest "sha256:abc" has the wrong\s+length`),
		},
	))
}

// imageVariableConfig validates a module input with the functions, the way
// a module would.
const imageVariableConfig = `
variable "image" {
  type    = string
  default = "web:v1"

  validation {
    condition     = can(provider::registry::parse_image_ref(var.image))
    error_message = "image must be a full reference such as swr.cn-north-4.myhuaweicloud.com/team/web:v1."
  }
}

variable "digest" {
  type    = string
  default = "` + testSHA256 + `"

  validation {
    condition     = can(provider::registry::pin_image_ref("localhost/probe", var.digest))
    error_message = "digest must be sha256: and 64 lower-case hex digits."
  }
}

output "image" {
  value = provider::registry::pin_image_ref(var.image, var.digest)
}
`

func TestImageRefFunctions_variableValidation(t *testing.T) {
	t.Parallel()
	resource.UnitTest(t, functionTestCase(
		resource.TestStep{ // the default has no registry host
			Config:      imageVariableConfig,
			ExpectError: regexp.MustCompile(`image must be a full reference such as`),
		},
		resource.TestStep{
			Config:          imageVariableConfig,
			ConfigVariables: config.Variables{"image": config.StringVariable("team/web:v1")},
			ExpectError:     regexp.MustCompile(`image must be a full reference such as`),
		},
		resource.TestStep{
			Config: imageVariableConfig,
			ConfigVariables: config.Variables{
				"image":  config.StringVariable("swr.cn-north-4.myhuaweicloud.com/team/web:v1"),
				"digest": config.StringVariable("sha256:ABC"),
			},
			ExpectError: regexp.MustCompile(`digest must be sha256: and 64 lower-case hex digits`),
		},
		resource.TestStep{
			Config:          imageVariableConfig,
			ConfigVariables: config.Variables{"image": config.StringVariable("swr.cn-north-4.myhuaweicloud.com/team/web:v1")},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("image", knownvalue.StringExact("swr.cn-north-4.myhuaweicloud.com/team/web@"+testSHA256)),
			},
		},
	))
}
