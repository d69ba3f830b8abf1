package provider

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// Bad input: a table of configurations the provider refuses at plan time,
// each with the diagnostic it must give. Each row is a parallel subtest
// (-run 'TestBadInput/registry_swr_tags/invalid_regex' picks one) read
// through the protocol harness as Terraform's plan sends it (harness.plan):
// the provider's validators, its configuration, then the read. A new case
// is one row.

// badInput is one bad configuration and the diagnostic it must give.
type badInput struct {
	name string
	// provider are the provider block's arguments; nil is the three
	// clouds' blocks at the row's own fake (harness.fakeBlocks).
	provider args
	// env is the environment the provider reads; nil is none.
	env testEnv
	// dataType is the data source read, registry_ppio_images when empty;
	// data its block's arguments.
	dataType string
	data     args
	// want matches an error diagnostic as "summary: detail"; it crosses
	// lines only where it says (?s).
	want string
	// at, when not empty, is the argument the diagnostic must be about, as
	// the configuration writes it (swr.endpoint).
	at string
}

var (
	swrRepoArgs   = args{"namespace": "team", "repository": "web"}
	uhubImageArgs = args{"repo_name": "shop", "image_name": "api"}
	uhubRepoArgs  = args{"repo_name": "shop"}
	readTimeout   = args{"timeouts": args{"read": "soon"}}
	invalidRegex  = `(?s)Invalid\s+regular\s+expression.*missing\s+closing\s+\)`
)

// with is base with more arguments.
func with(base args, more args) args {
	out := args{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range more {
		out[k] = v
	}
	return out
}

// envWant is the diagnostic of a setting from the environment.
func envWant(text string) string { return `Invalid\s+REGISTRY_[A-Z_]+.*` + wrapped(text) }

var badInputs = []badInput{
	// registry_ppio_images
	{name: "registry_ppio_images/unknown type", data: args{"type": "public"},
		want: `(?s)Attribute\s+type\s+value\s+must\s+be\s+one\s+of:\s+\["base"\s+"community"\s+"private"\],\s+got:\s+"public"`},
	{name: "registry_ppio_images/name too long", data: args{"name": strings.Repeat("n", 256)},
		want: `(?s)Attribute\s+name\s+string\s+length\s+must\s+be\s+between\s+0\s+and\s+255`},
	{name: "registry_ppio_images/invalid regex", data: args{"name_regex": "pytorch-(1"}, want: invalidRegex},
	{name: "registry_ppio_images/bad timeout", data: readTimeout, want: badTimeout},
	{name: "registry_ppio_images/zero timeout", data: args{"timeouts": args{"read": "0s"}}, want: notPositiveTimeout("read", "0s")},
	{name: "registry_ppio_images/negative timeout", data: args{"timeouts": args{"read": "-5m"}}, want: notPositiveTimeout("read", "-5m")},

	// registry_swr_tags
	{name: "registry_swr_tags/namespace upper case", dataType: "registry_swr_tags", data: args{"namespace": "Team", "repository": "web"},
		want: `Attribute namespace must follow SWR's organization-name rule`},
	{name: "registry_swr_tags/namespace double dash", dataType: "registry_swr_tags", data: args{"namespace": "a--b", "repository": "web"},
		want: `Attribute namespace must follow SWR's`},
	{name: "registry_swr_tags/namespace too long", dataType: "registry_swr_tags", data: args{"namespace": strings.Repeat("a", 65), "repository": "web"},
		want: `namespace string length must be between 1 and 64`},
	{name: "registry_swr_tags/repository bad", dataType: "registry_swr_tags", data: args{"namespace": "team", "repository": "Web//x"},
		want: `Attribute repository must be lower-case letters`},
	{name: "registry_swr_tags/empty tag filter", dataType: "registry_swr_tags", data: with(swrRepoArgs, args{"tag": ""}),
		want: `Attribute tag string length must be between 1 and 128`},
	{name: "registry_swr_tags/invalid regex", dataType: "registry_swr_tags", data: with(swrRepoArgs, args{"tag_regex": "v(1"}),
		want: `(?s)Invalid regular expression.*missing\s+closing\s+\)`},
	{name: "registry_swr_tags/bad timeout", dataType: "registry_swr_tags", data: with(swrRepoArgs, readTimeout), want: badTimeout},
	{name: "registry_swr_tags/zero timeout", dataType: "registry_swr_tags", data: with(swrRepoArgs, args{"timeouts": args{"read": "0s"}}), want: notPositiveTimeout("read", "0s")},
	{name: "registry_swr_tags/negative timeout", dataType: "registry_swr_tags", data: with(swrRepoArgs, args{"timeouts": args{"read": "-5m"}}), want: notPositiveTimeout("read", "-5m")},

	// registry_swr_tag
	{name: "registry_swr_tag/tag with tag_regex", dataType: "registry_swr_tag", data: with(swrRepoArgs, args{"tag": "v1.0.0", "tag_regex": "^v1"}),
		want: `Invalid Attribute Combination: Attribute "tag_regex" cannot be specified when "tag" is specified`, at: "tag"},

	// registry_ucloud_image_tags
	{name: "registry_ucloud_image_tags/image_name with a tag", dataType: "registry_ucloud_image_tags", data: args{"repo_name": "shop", "image_name": "api:v1"},
		want: `(?s)Attribute\s+image_name\s+must\s+be\s+one\s+image\s+name,\s+without\s+':',\s+'@'\s+or\s+whitespace`},
	{name: "registry_ucloud_image_tags/image_name with a digest", dataType: "registry_ucloud_image_tags", data: args{"repo_name": "shop", "image_name": "api@sha256:00"},
		want: `(?s)Attribute\s+image_name\s+must\s+be\s+one\s+image\s+name`},
	{name: "registry_ucloud_image_tags/empty image_name", dataType: "registry_ucloud_image_tags", data: args{"repo_name": "shop", "image_name": ""},
		want: `(?s)Attribute\s+image_name\s+must\s+not\s+be\s+empty:\s+it\s+must\s+be\s+one\s+image\s+name`},
	{name: "registry_ucloud_image_tags/repo_name with slash", dataType: "registry_ucloud_image_tags", data: args{"repo_name": "shop/api", "image_name": "api"},
		want: `(?s)Attribute\s+repo_name\s+must\s+be\s+one\s+repository\s+name`},
	{name: "registry_ucloud_image_tags/invalid regex", dataType: "registry_ucloud_image_tags", data: with(uhubImageArgs, args{"tag_regex": "v(1"}), want: invalidRegex},
	{name: "registry_ucloud_image_tags/bad timeout", dataType: "registry_ucloud_image_tags", data: with(uhubImageArgs, readTimeout), want: badTimeout},
	{name: "registry_ucloud_image_tags/zero timeout", dataType: "registry_ucloud_image_tags", data: with(uhubImageArgs, args{"timeouts": args{"read": "0s"}}), want: notPositiveTimeout("read", "0s")},
	{name: "registry_ucloud_image_tags/negative timeout", dataType: "registry_ucloud_image_tags", data: with(uhubImageArgs, args{"timeouts": args{"read": "-5m"}}), want: notPositiveTimeout("read", "-5m")},

	// registry_ucloud_repo_images
	{name: "registry_ucloud_repo_images/empty repo_name", dataType: "registry_ucloud_repo_images", data: args{"repo_name": ""},
		want: `(?s)Attribute\s+repo_name\s+must\s+not\s+be\s+empty:\s+it\s+must\s+be\s+one\s+repository\s+name,\s+without\s+'/'\s+or\s+whitespace\.`},
	{name: "registry_ucloud_repo_images/repo_name too long", dataType: "registry_ucloud_repo_images", data: args{"repo_name": strings.Repeat("r", 129)},
		want: `(?s)Attribute\s+repo_name\s+string\s+length\s+must\s+be\s+between\s+1\s+and\s+128,\s+got:\s+129`},
	{name: "registry_ucloud_repo_images/repo_name with slash", dataType: "registry_ucloud_repo_images", data: args{"repo_name": "shop/web"},
		want: `(?s)Attribute\s+repo_name\s+must\s+be\s+one\s+repository\s+name,\s+without\s+'/'\s+or\s+whitespace`},
	{name: "registry_ucloud_repo_images/repo_name with space", dataType: "registry_ucloud_repo_images", data: args{"repo_name": "my shop"},
		want: `(?s)Attribute\s+repo_name\s+must\s+be\s+one\s+repository\s+name`},
	{name: "registry_ucloud_repo_images/empty project_id", dataType: "registry_ucloud_repo_images", data: with(uhubRepoArgs, args{"project_id": ""}),
		want: `(?s)Attribute\s+project_id\s+must\s+not\s+be\s+empty:\s+it\s+must\s+be\s+a\s+project\s+ID\s+such\s+as\s+org-xxxx`},
	{name: "registry_ucloud_repo_images/project_id with space", dataType: "registry_ucloud_repo_images", data: with(uhubRepoArgs, args{"project_id": "org 1"}),
		want: `(?s)Attribute\s+project_id\s+must\s+be\s+a\s+project\s+ID\s+such\s+as\s+org-xxxx,\s+without\s+whitespace`},
	{name: "registry_ucloud_repo_images/invalid regex", dataType: "registry_ucloud_repo_images", data: with(uhubRepoArgs, args{"name_regex": "image-(1"}), want: invalidRegex},
	{name: "registry_ucloud_repo_images/bad timeout", dataType: "registry_ucloud_repo_images", data: with(uhubRepoArgs, readTimeout), want: badTimeout},
	{name: "registry_ucloud_repo_images/zero timeout", dataType: "registry_ucloud_repo_images", data: with(uhubRepoArgs, args{"timeouts": args{"read": "0s"}}), want: notPositiveTimeout("read", "0s")},
	{name: "registry_ucloud_repo_images/negative timeout", dataType: "registry_ucloud_repo_images", data: with(uhubRepoArgs, args{"timeouts": args{"read": "-5m"}}), want: notPositiveTimeout("read", "-5m")},

	// The provider block: every validator, fed a bad value, fails the plan
	// with a diagnostic on the argument that says what is expected.
	{name: "provider/max_retries negative", provider: args{"max_retries": -1}, want: `(?s)max_retries.*between 0 and 20`},
	{name: "provider/max_retries too many", provider: args{"max_retries": 50}, want: `(?s)max_retries.*between 0 and 20`},
	{name: "provider/request_timeout not", provider: args{"request_timeout": "thirty"}, at: "request_timeout", want: `not a positive duration`},
	{name: "provider/request_timeout zero", provider: args{"request_timeout": "0s"}, at: "request_timeout", want: `not a positive duration`},
	{name: "provider/max_concurrency zero", provider: args{"max_concurrency": 0}, want: `(?s)max_concurrency.*between 1 and 32`},
	{name: "provider/ca_cert_file empty", provider: args{"ca_cert_file": ""}, want: `(?s)ca_cert_file.*at least 1`},
	{name: "provider/swr endpoint not a URL", provider: args{"swr": args{"endpoint": "swr-api.example.com"}}, at: "swr.endpoint",
		want: `(?s)Invalid URL.*"swr-api\.example\.com".*not\s+an\s+absolute\s+http://\s+or\s+https://\s+URL`},
	{name: "provider/swr iam_endpoint scheme", provider: args{"swr": args{"iam_endpoint": "ftp://iam.example.com"}}, at: "swr.iam_endpoint",
		want: `(?s)Invalid URL.*"ftp://iam\.example\.com".*not\s+an\s+absolute`},
	{name: "provider/swr region", provider: args{"swr": args{"region": "North China 4"}}, want: `(?s)swr\.region.*region name such as cn-north-4`},
	{name: "provider/swr project_id empty", provider: args{"swr": args{"project_id": ""}}, want: `(?s)swr\.project_id.*at least 1`},
	{name: "provider/ucloud endpoint", provider: args{"ucloud": args{"endpoint": "api.ucloud.cn"}}, at: "ucloud.endpoint",
		want: `(?s)Invalid URL.*"api\.ucloud\.cn".*not\s+an\s+absolute`},
	{name: "provider/ucloud project_id empty", provider: args{"ucloud": args{"project_id": ""}}, want: `(?s)ucloud\.project_id.*at least 1`},
	{name: "provider/ppio endpoint", provider: args{"ppio": args{"endpoint": "/gpus"}}, at: "ppio.endpoint",
		want: `(?s)Invalid URL.*"/gpus".*not\s+an\s+absolute`},

	// An unreadable or empty ca_cert_file is refused when the provider is
	// configured, with the argument named.
	{name: "provider/ca_cert_file missing", provider: args{"ca_cert_file": "testdata/no-such-ca.pem"}, want: `Cannot load ca_cert_file.*ca_cert_file`},
	{name: "provider/ca_cert_file not PEM", provider: args{"ca_cert_file": "testdata/not-a-certificate.pem"}, want: `Cannot load ca_cert_file.*ca_cert_file`},

	// Settings from the environment get the checks HCL gets, with the same
	// ranges, and the diagnostic names the variable and the range.
	{name: "environment/max_retries too many", provider: args{}, env: testEnv{envMaxRetries: "1000000"},
		want: envWant(`REGISTRY_MAX_RETRIES=1000000 is out of range: it must be between 0 and 20 (retries of a failing request after the first attempt).`)},
	{name: "environment/max_retries negative", provider: args{}, env: testEnv{envMaxRetries: "-1"},
		want: envWant(`REGISTRY_MAX_RETRIES=-1 is out of range: it must be between 0 and 20`)},
	{name: "environment/max_retries not a number", provider: args{}, env: testEnv{envMaxRetries: "many"},
		want: envWant(`REGISTRY_MAX_RETRIES="many" is not a whole number: it must be between 0 and 20`)},
	{name: "environment/max_concurrency too many", provider: args{}, env: testEnv{envMaxConcurrency: "100000"},
		want: envWant(`REGISTRY_MAX_CONCURRENCY=100000 is out of range: it must be between 1 and 32 (the number of pages fetched at once).`)},
	{name: "environment/max_concurrency zero", provider: args{}, env: testEnv{envMaxConcurrency: "0"},
		want: envWant(`REGISTRY_MAX_CONCURRENCY=0 is out of range: it must be between 1 and 32 (the number of pages fetched at once).`)},
	{name: "environment/request_timeout zero", provider: args{}, env: testEnv{envRequestTimeout: "0s"},
		want: envWant(`REGISTRY_REQUEST_TIMEOUT="0s" is not a positive duration; write it like "30s"`)},
	{name: "environment/request_timeout negative", provider: args{}, env: testEnv{envRequestTimeout: "-5s"},
		want: envWant(`REGISTRY_REQUEST_TIMEOUT="-5s" is not a positive duration`)},
	{name: "environment/request_timeout not a duration", provider: args{}, env: testEnv{envRequestTimeout: "soon"},
		want: envWant(`REGISTRY_REQUEST_TIMEOUT="soon" is not a positive duration`)},
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	for _, c := range badInputs {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, context.Background(), testServer(c.env))
			provider := c.provider
			if provider == nil {
				_, url := startFake(t)
				provider = args{}
				for name, block := range h.fakeBlocks(url) {
					provider[name] = block
				}
			}
			_, diags := h.plan(provider, cmp.Or(c.dataType, "registry_ppio_images"), c.data)
			expectDiagnostic(t, diags, c.want, c.at)
		})
	}
}

// Bad input that Terraform itself refuses, before any RPC reaches the
// provider: a Terraform run each.
func TestBadInputTerraformRefuses(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, dataType, body, want string }{
		{"registry_swr_tags/missing repository", "registry_swr_tags", `namespace = "team"`, `The argument "repository" is required`},
		{"registry_ucloud_image_tags/missing image_name", "registry_ucloud_image_tags", `repo_name = "shop"`, `The argument "image_name" is required`},
		{"registry_ucloud_repo_images/missing repo_name", "registry_ucloud_repo_images", `name_regex = "x"`, `The argument "repo_name" is required`},
		{"registry_ucloud_repo_images/unknown argument", "registry_ucloud_repo_images", "repo_name = \"shop\"\nregion = \"cn-bj2\"", `(?s)Unsupported\s+argument.*"region"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testFactories(nil),
				Steps: []resource.TestStep{{
					Config:      fmt.Sprintf("provider \"registry\" {}\n%s", testDataBlock(c.dataType, c.body)),
					ExpectError: regexp.MustCompile(c.want),
				}},
			})
		})
	}
}
