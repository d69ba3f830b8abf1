package provider

import (
	"context"
	// go-digest validates only the algorithms whose hash is linked in:
	// without these, every sha384/sha512 digest would be "unsupported".
	_ "crypto/sha256"
	_ "crypto/sha512"
	"errors"
	"fmt"
	"strings"

	"github.com/distribution/reference"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/opencontainers/go-digest"
)

var _ provider.ProviderWithFunctions = &registryProvider{}

// Functions are the provider-defined functions (Terraform 1.8 and later).
// They need no configuration and make no requests.
func (p *registryProvider) Functions(_ context.Context) []func() function.Function {
	return []func() function.Function{
		NewParseImageRefFunction,
		NewPinImageRefFunction,
	}
}

// imageRefForm is how an error tells the user to write a reference.
const imageRefForm = `<registry>/<repository>[:tag][@digest], such as "swr.cn-north-4.myhuaweicloud.com/team/web:v1"`

// parseImageRef reads a full image reference with distribution/reference's
// grammar, without Docker Hub normalisation: every registry here has a
// host, so a reference without one is an error, never "docker.io/library/…".
// The error text quotes s and says how to fix it.
func parseImageRef(s string) (reference.Named, error) {
	ref, err := reference.Parse(s)
	if err != nil {
		return nil, explainRefError(s, err)
	}
	named, ok := ref.(reference.Named)
	if !ok { // a bare digest: Parse's grammar requires a name, so this is defensive
		return nil, fmt.Errorf("%q has no registry host or repository: write it as %s", s, imageRefForm)
	}
	host := reference.Domain(named)
	if host == "" {
		// The library's grammar refused the first component as a host, or
		// there is no '/': tell a malformed host from a missing one.
		if first, _, found := strings.Cut(named.Name(), "/"); found && looksLikeHost(first) {
			return nil, fmt.Errorf("%q: registry host %q is not a valid host name: a host is letters, digits, '-' and '.', "+
				"or an IPv6 address in brackets, with an optional :port", s, first)
		}
		return nil, noHostError(s)
	}
	// The library takes any first component that could be a host name
	// ("team" in "team/web") as one; Docker, and this provider, take it
	// only when it contains '.' or ':' or is localhost.
	if !looksLikeHost(host) {
		return nil, noHostError(s)
	}
	return named, nil
}

// looksLikeHost is Docker's rule for the first path component.
func looksLikeHost(component string) bool {
	return strings.ContainsAny(component, ".:") || component == "localhost"
}

func noHostError(s string) error {
	return fmt.Errorf("%q has no registry host (a first component with a '.' or ':', or localhost); "+
		"Docker Hub short names are not expanded: write it as %s", s, imageRefForm)
}

// explainRefError turns the library's terse errors into what is wrong with
// s and how to fix it.
func explainRefError(s string, err error) error {
	switch {
	case errors.Is(err, reference.ErrNameEmpty):
		return fmt.Errorf("the image reference is empty: write it as %s", imageRefForm)
	case errors.Is(err, reference.ErrNameContainsUppercase):
		if repo, lower, ok := upperCaseRepository(s); ok {
			return fmt.Errorf("%q: repository %q has upper-case letters, which registries do not accept in repository names: write it as %q", s, repo, lower)
		}
		return fmt.Errorf("%q: the repository has upper-case letters, which registries do not accept in repository names: write it in lower case", s)
	case errors.Is(err, reference.ErrNameTooLong):
		return fmt.Errorf("%q: the repository is longer than %d characters", s, reference.RepositoryNameTotalLengthMax)
	case errors.Is(err, digest.ErrDigestUnsupported), errors.Is(err, digest.ErrDigestInvalidFormat), errors.Is(err, digest.ErrDigestInvalidLength):
		_, d, _ := cutLast(s, "@")
		return fmt.Errorf("%q: %s", s, explainDigestError(d, err))
	}
	switch {
	case strings.TrimSpace(s) != s:
		return fmt.Errorf("%q has leading or trailing white space: remove it (Terraform's trimspace function does)", s)
	case strings.Contains(s, "://"):
		return fmt.Errorf("%q is a URL, not an image reference: drop the scheme and write it as %s", s, imageRefForm)
	}
	return fmt.Errorf("%q is not a valid image reference: write it as %s; repository components are lower-case letters "+
		"and digits joined by '.', '_', '__' or '-', a tag is up to 128 letters, digits, '_', '.' and '-' not starting with '.' or '-', "+
		"and a digest is <algorithm>:<hex>", s, imageRefForm)
}

// upperCaseRepository finds the repository of s, which Parse refused for its
// upper case, and its lower-case form, by parsing s in lower case. Only the
// repository is lowered: hosts are case-insensitive and tags case-sensitive.
func upperCaseRepository(s string) (repo, lower string, ok bool) {
	lowered := strings.ToLower(s)
	if len(lowered) != len(s) { // non-ASCII case mapping: offsets would not line up
		return "", "", false
	}
	ref, err := reference.Parse(lowered)
	if err != nil {
		return "", "", false
	}
	named, isNamed := ref.(reference.Named)
	if !isNamed {
		return "", "", false
	}
	start := 0
	if host := reference.Domain(named); host != "" {
		start = len(host) + 1
	}
	lower = reference.Path(named)
	return s[start : start+len(lower)], lower, true
}

// explainDigestError says what is wrong with the digest d that go-digest
// refused with err.
func explainDigestError(d string, err error) string {
	alg, _, _ := strings.Cut(d, ":")
	switch {
	case errors.Is(err, digest.ErrDigestUnsupported):
		return fmt.Sprintf("digest %q: algorithm %q is not supported: use sha256 (or sha384, sha512), as in sha256:<64 hex digits>", d, alg)
	case errors.Is(err, digest.ErrDigestInvalidLength):
		return fmt.Sprintf("digest %q has the wrong length for %s: %s takes %d hex digits", d, alg, alg, digest.Algorithm(alg).Size()*2)
	}
	return fmt.Sprintf("digest %q is not valid: write it as <algorithm>:<hex>, all in lower case, such as sha256:<64 hex digits>", d)
}

// cutLast is strings.Cut at the last sep.
func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}
