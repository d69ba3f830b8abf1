package provider

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
)

// Bad input, many cases in one Terraform run (runStepCases): each case is
// a part of the batch with its own provider, and must fail with its own
// diagnostic.

// planErrorCase is a configuration body and the diagnostic it must give.
type planErrorCase struct{ body, want string }

// expectPlanErrors plans, for each case, the provider configuration header
// then a dataType block holding the case's body; each must fail with its
// case's diagnostic: bad input is refused at plan time.
func expectPlanErrors(t *testing.T, header func(url string) string, dataType string, cases map[string]planErrorCase) {
	t.Helper()
	steps := make([]stepCase, 0, len(cases))
	for _, name := range slices.Sorted(maps.Keys(cases)) {
		tc := cases[name]
		steps = append(steps, stepCase{name: name, step: func(_ *testing.T, _ *fakecloud.Cloud, url string) resource.TestStep {
			return resource.TestStep{
				Config:      header(url) + testDataBlock(dataType, tc.body),
				ExpectError: regexp.MustCompile(tc.want),
			}
		}})
	}
	runStepCases(t, steps)
}

// providerErrorCase is a provider configuration body, the environment its
// provider reads, and the diagnostic it must give.
type providerErrorCase struct {
	body string
	env  testEnv
	want string
}

// expectProviderErrors plans, for each case, a provider configured with
// the case's body and environment and a dataType block: every provider
// must fail with its case's diagnostic.
func expectProviderErrors(t *testing.T, dataType string, cases map[string]providerErrorCase) {
	t.Helper()
	steps := make([]stepCase, 0, len(cases))
	for _, name := range slices.Sorted(maps.Keys(cases)) {
		tc := cases[name]
		steps = append(steps, stepCase{
			name: name,
			env:  func(string) testEnv { return tc.env },
			step: func(*testing.T, *fakecloud.Cloud, string) resource.TestStep {
				return resource.TestStep{
					Config:      fmt.Sprintf("provider \"registry\" {\n  %s\n}\n", tc.body) + testDataBlock(dataType, ""),
					ExpectError: regexp.MustCompile(tc.want),
				}
			},
		})
	}
	runStepCases(t, steps)
}
