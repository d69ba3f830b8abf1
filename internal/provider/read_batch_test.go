package provider

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
)

// Reads of one step, many in one Terraform run (batch_test.go): each case
// builds its step as if it ran alone (a provider "registry" block, data
// sources named as its checks name them) against a fake of its own.

// envUnbatched, set, runs each case of a batch alone.
const envUnbatched = "TEST_UNBATCHED"

// stepCase is one read of a batch.
type stepCase struct {
	name string
	// env is the environment the case's provider reads; nil is none.
	env func(url string) testEnv
	// opts are the case's provider options, after the tests' defaults.
	opts []Option
	// step seeds the case's fake, at url, and returns the step that reads
	// it: Config, ConfigStateChecks and Check, or Config and ExpectError.
	step func(t *testing.T, fc *fakecloud.Cloud, url string) resource.TestStep
}

// runStepCases runs every case in one Terraform run. Either every step
// succeeds and passes its checks, or every step has an ExpectError, and
// then each must fail with an error about its own configuration matching
// it, and no error may be about anything else.
//
// With TEST_UNBATCHED=1 in the environment, each case is instead a
// Terraform run of its own, a parallel subtest that -run picks by name: a
// case means the same alone as in a batch (its ExpectError is the same
// pattern, matched as written), and this shows it.
func runStepCases(t *testing.T, cases []stepCase) {
	t.Helper()
	if os.Getenv(envUnbatched) != "" {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				fc, url := startFake(t)
				step := c.step(t, fc, url)
				var env testEnv
				if c.env != nil {
					env = c.env(url)
				}
				resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: testFactories(env, c.opts...), Steps: []resource.TestStep{step}})
			})
		}
		return
	}
	var root strings.Builder
	factories := partProviders{}
	var checks []statecheck.StateCheck
	var names, wantErrs []string
	for i, c := range cases {
		suffix, provider := runSuffix(i), partProvider(i)
		fc, url := startFake(t)
		step := c.step(t, fc, url)
		// Anything else a step could ask for would be dropped, its check lost.
		pc := step.ConfigPlanChecks
		if step.PreConfig != nil || step.ConfigDirectory != nil || step.ConfigFile != nil || step.ConfigVariables != nil ||
			pc.PreApply != nil || pc.PostApplyPreRefresh != nil || pc.PostApplyPostRefresh != nil ||
			step.PlanOnly || step.ExpectNonEmptyPlan || step.ProtoV6ProviderFactories != nil {
			t.Fatalf("%s: a batched step is Config, ConfigStateChecks and Check, or Config and ExpectError", c.name)
		}
		var env testEnv
		if c.env != nil {
			env = c.env(url)
		}
		factories[provider] = testServer(env, c.opts...)
		fmt.Fprintf(&root, "# ---- %s\n\n%s\n", c.name, inlineConfig(t, map[string]string{"case.tf": step.Config}, suffix, provider))

		if fails := step.ExpectError != nil; i > 0 && fails != (len(wantErrs) > 0) {
			t.Fatalf("%s: a batch's steps all fail or all succeed", c.name)
		}
		if step.ExpectError != nil {
			names, wantErrs = append(names, c.name), append(wantErrs, step.ExpectError.String())
			continue
		}
		stepChecks := step.ConfigStateChecks
		if step.Check != nil {
			// The legacy checks of these steps read the fake, not the state.
			check := step.Check
			stepChecks = append(stepChecks, checkFunc(func() error { return check(nil) }))
		}
		checks = append(checks, runView{suffix: suffix, what: c.name, checks: func() []statecheck.StateCheck { return stepChecks }})
	}
	tc := resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config:            factories.terraformBlock() + root.String(),
			ConfigStateChecks: checks,
		}},
	}
	if len(wantErrs) == 0 {
		resource.UnitTest(t, tc)
		return
	}
	runFailing(t, tc, func(err error) error { return suffixedErrors(err, names, wantErrs) })
}

// checkFunc is a state check that checks something other than the state.
type checkFunc func() error

func (f checkFunc) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f()
}
