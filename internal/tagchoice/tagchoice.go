// Package tagchoice holds the rules every registry here shares for tags:
// the order of a tag list (newest first, ties by descending natural order of
// the name) and the choice of one tag (by regex, version constraint, newest
// or highest version). It knows nothing of Terraform or of any cloud: the
// data sources hand it their tags through two accessors.
package tagchoice

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/go-version"
	"github.com/maruel/natural"
)

// Order is how the choice ranks candidates.
type Order string

const (
	// ByUpdated picks the most recently updated candidate.
	ByUpdated Order = "updated"
	// ByVersion picks the highest version among tags that parse as versions.
	ByVersion Order = "version"
)

// Orders lists the valid values of Order, for validators and docs.
var Orders = []string{string(ByUpdated), string(ByVersion)}

// CompareNames is the tie-break between tags updated at the same time:
// descending natural order, so that v14.0.0 comes before v13.0.0 and v1.10
// before v1.9. Names equal as numbers ("v01", "v1") fall back to descending
// byte order, keeping the order total.
func CompareNames(a, b string) int {
	if c := natural.Compare(b, a); c != 0 {
		return sign(c)
	}
	return strings.Compare(b, a)
}

// CompareNewest orders two tags newest first, then by CompareNames.
func CompareNewest(aName string, aUpdated time.Time, bName string, bUpdated time.Time) int {
	if c := bUpdated.Compare(aUpdated); c != 0 {
		return c
	}
	return CompareNames(aName, bName)
}

// SortNewest sorts tags newest first with the natural-order tie-break.
func SortNewest[T any](tags []T, name func(*T) string, updated func(*T) time.Time) {
	slices.SortFunc(tags, func(a, b T) int {
		return CompareNewest(name(&a), updated(&a), name(&b), updated(&b))
	})
}

func sign(c int) int {
	switch {
	case c < 0:
		return -1
	case c > 0:
		return 1
	}
	return 0
}

// Rules are what the user asked for, besides an exact tag.
type Rules struct {
	Regex             *regexp.Regexp      // nil: every name
	Constraint        version.Constraints // nil: no constraint
	Order             Order               // "" means ByUpdated
	IncludePrerelease bool
}

// ParseConstraint reads a constraint in Terraform's syntax ("~> 1.4",
// ">= 1.2, < 2.0"), with an error that says what is wrong.
func ParseConstraint(s string) (version.Constraints, error) {
	c, err := version.NewConstraint(s)
	if err != nil {
		return nil, fmt.Errorf("%q is not a version constraint: %w; write it as Terraform does, such as \"~> 1.4\" or \">= 1.2, < 2.0\"", s, err)
	}
	return c, nil
}

// readsVersions says whether tags must parse as versions to be candidates.
func (r Rules) readsVersions() bool {
	return r.Order == ByVersion || r.Constraint != nil
}

// candidateVersion returns the tag's version and whether the tag is a
// candidate under the rules that concern versions. When the rules read no
// versions, every tag is a candidate and the version is nil.
func (r Rules) candidateVersion(name string) (*version.Version, bool) {
	if !r.readsVersions() {
		return nil, true
	}
	v, err := version.NewVersion(name)
	if err != nil {
		return nil, false
	}
	if v.Prerelease() != "" {
		if !r.IncludePrerelease {
			return nil, false
		}
		// go-version never lets a pre-release meet a constraint; the spec
		// lets it when its version without the pre-release part does.
		if r.Constraint != nil && !r.Constraint.Check(v.Core()) {
			return nil, false
		}
		return v, true
	}
	if r.Constraint != nil && !r.Constraint.Check(v) {
		return nil, false
	}
	return v, true
}

// Chooser picks one tag from tags offered page by page. Offer each page in
// the order the service sent it; Certain says when, for ByUpdated over a
// newest-first listing, no later page can change the choice.
type Chooser[T any] struct {
	rules   Rules
	name    func(*T) string
	updated func(*T) time.Time

	admit func(*T) bool // nil: every tag

	best        T
	bestVersion *version.Version
	found       bool
	seen        int
	refused     int       // tags admit turned away
	last        time.Time // updated of the last tag offered
}

// Admit makes only the tags for which ok is true candidates, before any
// other rule: the data sources leave out signatures, attestations and other
// artifacts this way. Refused counts the others.
func (c *Chooser[T]) Admit(ok func(*T) bool) { c.admit = ok }

// NewChooser returns a Chooser that reads a tag's name and update time
// through the two accessors.
func NewChooser[T any](rules Rules, name func(*T) string, updated func(*T) time.Time) *Chooser[T] {
	if rules.Order == "" {
		rules.Order = ByUpdated
	}
	return &Chooser[T]{rules: rules, name: name, updated: updated}
}

// Offer considers every tag of one page.
func (c *Chooser[T]) Offer(tags []T) {
	for i := range tags {
		c.offer(&tags[i])
	}
}

func (c *Chooser[T]) offer(t *T) {
	c.seen++
	c.last = c.updated(t)
	if c.admit != nil && !c.admit(t) {
		c.refused++
		return
	}
	name := c.name(t)
	if c.rules.Regex != nil && !c.rules.Regex.MatchString(name) {
		return
	}
	v, ok := c.rules.candidateVersion(name)
	if !ok {
		return
	}
	if c.found && !c.better(t, v) {
		return
	}
	c.best, c.bestVersion, c.found = *t, v, true
}

// better says whether t (of version v) ranks above the current choice.
func (c *Chooser[T]) better(t *T, v *version.Version) bool {
	if c.rules.Order == ByVersion {
		if cmp := v.Compare(c.bestVersion); cmp != 0 {
			return cmp > 0
		}
	}
	return CompareNewest(c.name(t), c.updated(t), c.name(&c.best), c.updated(&c.best)) < 0
}

// Certain reports, for ByUpdated over tags offered newest first, whether the
// choice is final: a candidate is found and the last tag offered is strictly
// older than it, so no tag still to come can be newer or tie with it.
// ByVersion is never certain before every tag is offered.
func (c *Chooser[T]) Certain() bool {
	return c.rules.Order == ByUpdated && c.found && c.last.Before(c.updated(&c.best))
}

// Choice returns the chosen tag, and false when no tag was a candidate.
func (c *Chooser[T]) Choice() (T, bool) { return c.best, c.found }

// Seen is how many tags were offered.
func (c *Chooser[T]) Seen() int { return c.seen }

// Refused is how many tags offered Admit turned away.
func (c *Chooser[T]) Refused() int { return c.refused }
