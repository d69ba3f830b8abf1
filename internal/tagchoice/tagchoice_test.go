package tagchoice

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

type tag struct {
	name    string
	updated time.Time
}

func tagName(t *tag) string          { return t.name }
func tagUpdated(t *tag) time.Time    { return t.updated }
func at(minute int) time.Time        { return time.Date(2026, 1, 2, 3, minute, 0, 0, time.UTC) }
func mk(name string, minute int) tag { return tag{name, at(minute)} }

func names(tags []tag) []string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = t.name
	}
	return out
}

func TestCompareNamesIsDescendingNatural(t *testing.T) {
	cases := []struct{ first, second string }{
		{"v14.0.0", "v13.0.0"},
		{"v1.10", "v1.9"},
		{"build-100", "build-99"},
		{"b", "a"},
		{"v2", "v1.9"},
		{"v1", "v01"}, // equal as numbers: byte order decides, descending
	}
	for _, c := range cases {
		if CompareNames(c.first, c.second) >= 0 {
			t.Errorf("CompareNames(%q, %q) >= 0: %q must come first", c.first, c.second, c.first)
		}
		if CompareNames(c.second, c.first) <= 0 {
			t.Errorf("CompareNames(%q, %q) <= 0: %q must come second", c.second, c.first, c.second)
		}
	}
	if CompareNames("v1", "v1") != 0 {
		t.Error("a name must compare equal to itself")
	}
}

func TestSortNewestTieBreak(t *testing.T) {
	tags := []tag{mk("v13.0.0", 5), mk("old", 1), mk("v1.9", 5), mk("v14.0.0", 5), mk("v1.10", 5), mk("newest", 9)}
	SortNewest(tags, tagName, tagUpdated)
	want := []string{"newest", "v14.0.0", "v13.0.0", "v1.10", "v1.9", "old"}
	if got := names(tags); !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
}

func mustConstraint(t *testing.T, s string) Rules {
	t.Helper()
	c, err := ParseConstraint(s)
	if err != nil {
		t.Fatal(err)
	}
	return Rules{Constraint: c}
}

func TestChooser(t *testing.T) {
	tags := []tag{
		mk("main-7", 30), mk("latest", 30), mk("v2.12.0-rc1", 29), mk("v2.11.3", 20),
		mk("v2.1.0", 10), mk("v3.0.0", 5), mk("2.11.3", 3), mk("main-6", 2), mk("v1.4.9", 1),
	}
	cases := []struct {
		name  string
		rules func(t *testing.T) Rules
		want  string // "" means no candidate
	}{
		{"newest, ties by descending natural order", func(*testing.T) Rules { return Rules{} }, "main-7"},
		{"newest matching a regex", func(*testing.T) Rules { return Rules{Regex: regexp.MustCompile(`^main-`)} }, "main-7"},
		{"newest release", func(*testing.T) Rules { return Rules{Regex: regexp.MustCompile(`^v\d`)} }, "v2.12.0-rc1"},
		{"newest meeting a constraint skips pre-releases", func(t *testing.T) Rules { return mustConstraint(t, "~> 2.1") }, "v2.11.3"},
		{"a pre-release meets a constraint by its core version when allowed", func(t *testing.T) Rules {
			r := mustConstraint(t, "~> 2.1")
			r.IncludePrerelease = true
			return r
		}, "v2.12.0-rc1"},
		{"a pre-release outside the constraint stays out", func(t *testing.T) Rules {
			r := mustConstraint(t, ">= 2.0, < 2.12")
			r.IncludePrerelease = true
			return r
		}, "v2.11.3"},
		{"highest version", func(*testing.T) Rules { return Rules{Order: ByVersion} }, "v3.0.0"},
		{"highest version meeting a constraint; equal versions by updated", func(t *testing.T) Rules {
			r := mustConstraint(t, "< 3.0")
			r.Order = ByVersion
			return r
		}, "v2.11.3"},
		{"highest version with pre-releases", func(t *testing.T) Rules {
			r := mustConstraint(t, "~> 2.1")
			r.Order, r.IncludePrerelease = ByVersion, true
			return r
		}, "v2.12.0-rc1"},
		{"no candidate", func(t *testing.T) Rules { return mustConstraint(t, ">= 4") }, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ch := NewChooser(c.rules(t), tagName, tagUpdated)
			ch.Offer(slices.Clone(tags))
			got, ok := ch.Choice()
			if c.want == "" {
				if ok {
					t.Fatalf("chose %q, want no candidate", got.name)
				}
			} else if !ok || got.name != c.want {
				t.Fatalf("chose %q (found %v), want %q", got.name, ok, c.want)
			}
			if ch.Seen() != len(tags) {
				t.Errorf("Seen() = %d, want %d", ch.Seen(), len(tags))
			}
		})
	}
}

func TestChooserOrderDoesNotMatter(t *testing.T) {
	// The service promises no order for ties: any arrival order gives the
	// same choice.
	tags := []tag{mk("v13.0.0", 5), mk("v14.0.0", 5), mk("v1.10", 5), mk("old", 1)}
	for range 4 {
		ch := NewChooser(Rules{}, tagName, tagUpdated)
		ch.Offer(tags)
		if got, _ := ch.Choice(); got.name != "v14.0.0" {
			t.Fatalf("order %v chose %q, want v14.0.0", names(tags), got.name)
		}
		tags = append(tags[1:], tags[0])
	}
}

func TestCertain(t *testing.T) {
	regex := Rules{Regex: regexp.MustCompile(`^rel-`)}
	cases := []struct {
		name  string
		rules Rules
		pages [][]tag
		// certainAfter[i] is whether Certain holds after page i.
		certainAfter []bool
		want         string
	}{
		{
			name:         "candidate on the first page, page ends older",
			pages:        [][]tag{{mk("a", 9), mk("b", 8)}, {mk("c", 7)}},
			certainAfter: []bool{true},
			want:         "a",
		},
		{
			name:         "a tie across the page boundary is not certain",
			pages:        [][]tag{{mk("v13", 9), mk("v12", 9)}, {mk("v14", 9), mk("v1", 3)}},
			certainAfter: []bool{false, true},
			want:         "v14",
		},
		{
			name:         "no candidate until page three",
			rules:        regex,
			pages:        [][]tag{{mk("a", 9), mk("b", 8)}, {mk("c", 7), mk("d", 6)}, {mk("rel-1", 5), mk("e", 4)}},
			certainAfter: []bool{false, false, true},
			want:         "rel-1",
		},
		{
			name:         "by version is never certain early",
			rules:        Rules{Order: ByVersion},
			pages:        [][]tag{{mk("1.0", 9), mk("0.9", 1)}},
			certainAfter: []bool{false},
			want:         "1.0",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ch := NewChooser(c.rules, tagName, tagUpdated)
			for i, want := range c.certainAfter {
				ch.Offer(c.pages[i])
				if got := ch.Certain(); got != want {
					t.Fatalf("after page %d Certain() = %v, want %v", i+1, got, want)
				}
			}
			if got, _ := ch.Choice(); got.name != c.want {
				t.Fatalf("chose %q, want %q", got.name, c.want)
			}
		})
	}
}

func TestParseConstraintSaysHowToWriteIt(t *testing.T) {
	_, err := ParseConstraint("~> one")
	if err == nil || !regexp.MustCompile(`"~> one" is not a version constraint.*~> 1\.4`).MatchString(err.Error()) {
		t.Fatalf("error %v", err)
	}
}

// TestAdmit: a tag Admit refuses is never chosen, however new, and is
// counted; the early stop still holds over the tags it refuses.
func TestAdmit(t *testing.T) {
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	type tag struct {
		name    string
		updated time.Time
	}
	c := NewChooser(Rules{}, func(t *tag) string { return t.name }, func(t *tag) time.Time { return t.updated })
	c.Admit(func(t *tag) bool { return !strings.HasSuffix(t.name, ".sig") })
	c.Offer([]tag{{"sha256-x.sig", at.Add(2 * time.Minute)}, {"v2", at.Add(time.Minute)}})
	if c.Certain() {
		t.Fatal("certain before a tag older than the candidate was seen")
	}
	c.Offer([]tag{{"v1.sig", at}, {"v1", at}})
	got, ok := c.Choice()
	if !ok || got.name != "v2" || c.Refused() != 2 || c.Seen() != 4 || !c.Certain() {
		t.Errorf("chose %q (%v), refused %d of %d, certain %v; want v2, 2 of 4, certain", got.name, ok, c.Refused(), c.Seen(), c.Certain())
	}
}
