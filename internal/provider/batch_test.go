package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// Many parts in one Terraform run. Terraform's start-up and its plans, not
// the provider, are most of an acceptance test's time, so tests that would
// each be a Terraform run of their own are parts of one: each part's
// configuration is inlined into one root module (inlineConfig) with a
// suffix of its own on every name it declares (__r00, __r01, …) and its
// data sources on a provider server of its own (part-r00, …), configured at
// a fake of its own; its checks see the state as if it were alone
// (runView), and an error is the part's whose name it shows
// (suffixedErrors).

// partMarker finds the part of a batch a diagnostic is about, in the
// suffix of a name it shows or in its provider's name, once sourceExcerpt
// lines (which may quote other parts' names: the tfvars file is one line)
// are cut.
var (
	partMarker    = regexp.MustCompile(`(?:__|part-)r(\d{2})\b`)
	sourceExcerpt = regexp.MustCompile(`(?m)^\s*\d+: .*$`)
)

// runSuffix is the suffix of the names of part i of a batch; partProvider
// the name of its provider (a provider's name takes no underscore).
func runSuffix(i int) string { return fmt.Sprintf("__r%02d", i) }

func partProvider(i int) string { return fmt.Sprintf("part-r%02d", i) }

// inlineConfig is the configuration in files (name → text) with suffix on
// every name it declares and on every reference to one, and its provider
// block, data sources and provider functions on provider instead of
// registry: a part of a root module that other parts, with other
// suffixes, cannot collide with.
func inlineConfig(t *testing.T, texts map[string]string, suffix, provider string) string {
	t.Helper()
	var files []*hclwrite.File
	for _, name := range slices.Sorted(maps.Keys(texts)) {
		text := strings.ReplaceAll(texts[name], "provider::registry::", "provider::"+provider+"::")
		// A one-line data block takes no second argument: open it up.
		text = oneLineBlock.ReplaceAllString(text, "$1\n  $2\n}")
		f, diags := hclwrite.ParseConfig([]byte(text), name, hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", name, diags)
		}
		files = append(files, f)
	}

	// What the files declare, and the references to it.
	var renames [][2][]string
	for _, f := range files {
		for _, b := range f.Body().Blocks() {
			labels := b.Labels()
			switch b.Type() {
			case "variable":
				renames = append(renames, [2][]string{{"var", labels[0]}, {"var", labels[0] + suffix}})
			case "locals":
				for name := range b.Body().Attributes() {
					renames = append(renames, [2][]string{{"local", name}, {"local", name + suffix}})
				}
			case "data":
				renames = append(renames, [2][]string{{"data", labels[0], labels[1]}, {"data", labels[0], labels[1] + suffix}})
			case "module":
				renames = append(renames, [2][]string{{"module", labels[0]}, {"module", labels[0] + suffix}})
			case "output", "check":
			case "provider":
				if labels[0] != "registry" {
					t.Fatalf("a provider block for %q, which a batch cannot inline", labels[0])
				}
			default:
				t.Fatalf("a %s block, which a batch cannot inline yet", b.Type())
			}
		}
	}
	var out strings.Builder
	for _, f := range files {
		for _, b := range f.Body().Blocks() {
			labels := b.Labels()
			switch b.Type() {
			case "variable", "module", "output", "check":
				labels[0] += suffix
			case "locals":
				for name := range b.Body().Attributes() {
					b.Body().RenameAttribute(name, name+suffix)
				}
			case "data":
				labels[1] += suffix
			case "provider":
				labels[0] = provider
			}
			b.SetLabels(labels)
			onProvider(b, provider)
			renameReferences(b.Body(), renames)
		}
		out.Write(f.Bytes())
		out.WriteString("\n")
	}
	return out.String()
}

// oneLineBlock is a data block written on one line, its header and its
// body: the only blocks inlineConfig adds an argument to. Other blocks keep
// their lines, which diagnostics quote.
var oneLineBlock = regexp.MustCompile(`(?m)^(\s*data\s+"[^"\n]*"\s+"[^"\n]*"\s*\{)[ \t]*([^\n{}]*?)[ \t]*\}[ \t]*$`)

// onProvider puts every data block in b (b included) on provider.
func onProvider(b *hclwrite.Block, provider string) {
	if b.Type() == "data" {
		b.Body().SetAttributeTraversal("provider", hcl.Traversal{hcl.TraverseRoot{Name: provider}})
	}
	for _, nested := range b.Body().Blocks() {
		onProvider(nested, provider)
	}
}

// renameReferences applies renames to every expression in body.
func renameReferences(body *hclwrite.Body, renames [][2][]string) {
	for _, attr := range body.Attributes() {
		for _, r := range renames {
			attr.Expr().RenameVariablePrefix(r[0], r[1])
		}
	}
	for _, b := range body.Blocks() {
		renameReferences(b.Body(), renames)
	}
}

// errorChunks splits Terraform's error output into its error diagnostics.
func errorChunks(out string) []string {
	return regexp.MustCompile(`(?m)^Error: `).Split(out, -1)[1:]
}

// suffixedErrors is nil when, for every i, an error diagnostic about the
// part of the batch with suffix runSuffix(i) matches wants[i], and no
// error is about anything else; names[i] names that part in the error.
func suffixedErrors(err error, names, wants []string) error {
	byRun := map[string][]string{}
	for _, d := range errorChunks(err.Error()) {
		m := partMarker.FindStringSubmatch(sourceExcerpt.ReplaceAllString(d, ""))
		if m == nil {
			return fmt.Errorf("an error about no part of the batch:\n%s\n\nin: %w", d, err)
		}
		if i, _ := strconv.Atoi(m[1]); i >= len(wants) {
			return fmt.Errorf("an error about part %s of a batch of %d:\n%s\n\nin: %w", m[1], len(wants), d, err)
		}
		byRun[m[1]] = append(byRun[m[1]], d)
	}
	var problems []string
	for i, want := range wants {
		// The pattern as written: it means here what it means in a step of
		// its own, crossing lines only where it says (?s).
		re := regexp.MustCompile(want)
		if !slices.ContainsFunc(byRun[fmt.Sprintf("%02d", i)], re.MatchString) {
			problems = append(problems, fmt.Sprintf("%s (names ending %s): no error matches %q", names[i], runSuffix(i), re))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s\n\nin: %w", strings.Join(problems, "\n"), err)
	}
	return nil
}

// runView runs a part's checks against its share of the state, as if it
// were the whole: the resources and outputs whose names end in its suffix,
// under their names without it.
type runView struct {
	suffix, what string
	checks       func() []statecheck.StateCheck
}

func (v runView) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("%s: no state", v.what)
		return
	}
	view := &tfjson.State{
		FormatVersion: req.State.FormatVersion, TerraformVersion: req.State.TerraformVersion,
		Values: &tfjson.StateValues{Outputs: map[string]*tfjson.StateOutput{}, RootModule: &tfjson.StateModule{}},
	}
	for name, out := range req.State.Values.Outputs {
		if base, ok := strings.CutSuffix(name, v.suffix); ok {
			view.Values.Outputs[base] = out
		}
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if base, ok := strings.CutSuffix(r.Name, v.suffix); ok {
			c := *r
			c.Name = base
			c.Address = strings.TrimSuffix(r.Address, v.suffix)
			view.Values.RootModule.Resources = append(view.Values.RootModule.Resources, &c)
		}
	}
	var errs []error
	for _, c := range v.checks() {
		var r statecheck.CheckStateResponse
		c.CheckState(ctx, statecheck.CheckStateRequest{State: view}, &r)
		if r.Error != nil {
			errs = append(errs, fmt.Errorf("%s: %w", v.what, r.Error))
		}
	}
	resp.Error = errors.Join(errs...)
}

// runFailing runs tc, whose step must fail: check, its ErrorCheck, returns
// nil when the error is exactly the one expected. A step that does not fail
// fails the test.
func runFailing(t *testing.T, tc resource.TestCase, check func(error) error) {
	t.Helper()
	var mu sync.Mutex
	failed := false
	tc.ErrorCheck = func(err error) error {
		mu.Lock()
		failed = true
		mu.Unlock()
		return check(err)
	}
	resource.UnitTest(t, tc)
	mu.Lock()
	defer mu.Unlock()
	if !failed {
		t.Fatal("the step succeeded; every part of it should have failed")
	}
}

// partProviders are the provider servers of a batch, by name.
type partProviders map[string]func() (tfprotov6.ProviderServer, error)

// terraformBlock requires every provider of the batch, at the address the
// testing framework serves it under.
func (p partProviders) terraformBlock() string {
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n")
	for _, name := range slices.Sorted(maps.Keys(p)) {
		fmt.Fprintf(&b, "    %s = {\n      source = %q\n    }\n", name, path.Join(path.Dir(testProviderAddress()), name))
	}
	b.WriteString("  }\n}\n\n")
	return b.String()
}
