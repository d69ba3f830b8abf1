package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Example runs of one step are applied many in one Terraform run, each run
// a part of the batch (batch_test.go). Inlined rather than called as
// modules: the testing framework refuses state with resources in modules.

// namedExampleRun is a run of an example file, with the names that report it.
type namedExampleRun struct {
	file, src, name string
	run             exampleRun
}

// runExampleBatch applies the one-step runs of batch together. When fail,
// every run must fail with its example's own message in a diagnostic about
// it, and no error may be about anything else.
func runExampleBatch(t *testing.T, batch []namedExampleRun, usesFunctions, fail bool) {
	var root strings.Builder
	factories := partProviders{}
	vars := config.Variables{}
	var checks []statecheck.StateCheck
	for i, r := range batch {
		suffix, provider := runSuffix(i), partProvider(i)
		fc, url := startFake(t)
		if r.run.seed != nil {
			r.run.seed(fc)
		}
		factories[provider] = testServer(exampleEnv(url))

		dir := exampleConfig(t, r.src, filepath.Join(t.TempDir(), "run"+suffix), testProviderAddress())
		fmt.Fprintf(&root, "# ---- %s: %s\n\n%s\n", r.file, r.name, inlineExample(t, dir, suffix, provider))

		step := r.run.steps[0]
		if step.vars != nil {
			for name, v := range step.vars(t, fc) {
				vars[name+suffix] = v
			}
		}
		if step.want != nil {
			checks = append(checks, runView{suffix: suffix, what: r.file + ": " + r.name, checks: func() []statecheck.StateCheck { return step.want(t, fc) }})
		}
	}
	// A directory, providers on the step: only then does init install the
	// stub modules.
	rootDir := filepath.Join(t.TempDir(), "root")
	writeFile(t, filepath.Join(rootDir, "main.tf"), factories.terraformBlock()+root.String())
	tc := resource.TestCase{Steps: []resource.TestStep{{
		ConfigDirectory: config.StaticDirectory(rootDir), ConfigVariables: vars,
		ProtoV6ProviderFactories: factories, ConfigStateChecks: checks,
	}}}
	if usesFunctions {
		tc.TerraformVersionChecks = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)}
	}
	if !fail {
		resource.UnitTest(t, tc)
		return
	}
	runFailing(t, tc, func(err error) error { return exampleErrors(err, batch) })
}

// inlineExample is the text of the example configuration in dir (as
// exampleConfig wrote it, less its terraform block), inlined by
// inlineConfig.
func inlineExample(t *testing.T, dir, suffix, provider string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, e := range entries {
		if filepath.Ext(e.Name()) != ".tf" || e.Name() == exampleTerraformFile {
			continue
		}
		text, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = string(text)
	}
	return inlineConfig(t, files, suffix, provider)
}

// exampleErrors is nil when every run of batch has an error diagnostic
// about it matching its message, and no error is about anything else.
func exampleErrors(err error, batch []namedExampleRun) error {
	names := make([]string, len(batch))
	wants := make([]string, len(batch))
	for i, r := range batch {
		names[i] = fmt.Sprintf("%s, %q", r.file, r.name)
		wants[i] = wordsRegexp(r.run.steps[0].wantErr).String()
	}
	return suffixedErrors(err, names, wants)
}
