package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// Many failures in one Terraform run: a test that needs one diagnostic for
// each of many blocks declares them all in one configuration and requires,
// for every block, an error about that block matching its pattern, and no
// error about any other. One run instead of one per block: Terraform's own
// start-up and plans are most of the suite's time.

// blockErrors is a TestCase's ErrorCheck: the step's error must carry, for
// every block in want, an error diagnostic about that block matching its
// pattern, and no error about a block not in want. Blocks are named as
// Terraform names them under a diagnostic: `data "registry_swr_tags" "x"`,
// `provider "p1"`.
type blockErrors struct {
	want map[string]*regexp.Regexp
}

// newBlockErrors compiles want, block → pattern (whitespace in Terraform's
// wrapped text is matched by \s+ in the pattern).
func newBlockErrors(want map[string]string) *blockErrors {
	b := &blockErrors{want: map[string]*regexp.Regexp{}}
	for block, pattern := range want {
		b.want[block] = regexp.MustCompile(`(?s)` + strings.TrimPrefix(pattern, "(?s)"))
	}
	return b
}

// diagnosticBlock is the line of a diagnostic that names its block.
var diagnosticBlock = regexp.MustCompile(`(?m)^\s*on \S+ line \d+, in (.+):$`)

// errorChunks splits Terraform's error output into its error diagnostics.
func errorChunks(out string) []string {
	return regexp.MustCompile(`(?m)^Error: `).Split(out, -1)[1:]
}

// errorDiagnostics splits Terraform's error output into its error
// diagnostics, by the block each is about ("" when it names none).
func errorDiagnostics(out string) map[string][]string {
	diags := map[string][]string{}
	for _, chunk := range errorChunks(out) {
		block := ""
		if m := diagnosticBlock.FindStringSubmatch(chunk); m != nil {
			block = m[1]
		}
		diags[block] = append(diags[block], chunk)
	}
	return diags
}

// ErrorCheck implements resource.ErrorCheckFunc: nil when err is exactly
// the expected diagnostics, else an error that lists what is missing.
func (b *blockErrors) ErrorCheck(err error) error {
	diags := errorDiagnostics(err.Error())
	var problems []string
	for block, pattern := range b.want {
		if !slices.ContainsFunc(diags[block], pattern.MatchString) {
			problems = append(problems, fmt.Sprintf("no error about %s matches %s", block, pattern))
		}
	}
	for block := range diags {
		if _, ok := b.want[block]; !ok {
			problems = append(problems, fmt.Sprintf("unexpected error about %q", block))
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return fmt.Errorf("%s\n\nin: %w", strings.Join(problems, "\n"), err)
	}
	return nil
}

// run runs tc, whose one step must fail with exactly the expected errors.
func (b *blockErrors) run(t *testing.T, tc resource.TestCase) {
	t.Helper()
	runFailing(t, tc, b.ErrorCheck)
}

// planErrorCase is a configuration body and the diagnostic it must give.
type planErrorCase struct{ body, want string }

// caseLabel turns a case's name into a block label (and a provider name:
// letters, digits and dashes).
func caseLabel(name string) string {
	return "c-" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, strings.ToLower(name))
}

// expectPlanErrors plans, without applying, one configuration: the
// provider configuration header, then one dataType block per case, labelled
// after the case, holding its body; each block must fail with its case's
// diagnostic: bad input is refused at plan time.
func expectPlanErrors(t *testing.T, header, dataType string, cases map[string]planErrorCase) {
	t.Helper()
	config := header
	want := map[string]string{}
	for name, tc := range cases {
		label := caseLabel(name)
		config += fmt.Sprintf("\ndata %q %q {\n%s\n}\n", dataType, label, tc.body)
		want[fmt.Sprintf("data %q %q", dataType, label)] = tc.want
	}
	newBlockErrors(want).run(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories(nil),
		Steps:                    []resource.TestStep{{Config: config, PlanOnly: true}},
	})
}

// providerErrorCase is a provider configuration body, the environment its
// provider reads, and the diagnostic it must give.
type providerErrorCase struct {
	body string
	env  testEnv
	want string
}

// expectProviderErrors plans one configuration with a provider of its own
// for each case, configured with the case's body and environment, and a
// dataType block using it: every provider must fail with its case's
// diagnostic.
func expectProviderErrors(t *testing.T, dataType string, cases map[string]providerErrorCase) {
	t.Helper()
	var config strings.Builder
	want := map[string]string{}
	factories := map[string]func() (tfprotov6.ProviderServer, error){}
	for name, tc := range cases {
		p := caseLabel(name)
		fmt.Fprintf(&config, "provider %q {\n  %s\n}\ndata %q %q {\n  provider = %s\n}\n", p, tc.body, dataType, p, p)
		want[fmt.Sprintf("provider %q", p)] = tc.want
		factories[p] = testServer(tc.env)
	}
	newBlockErrors(want).run(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps:                    []resource.TestStep{{Config: config.String(), PlanOnly: true}},
	})
}
