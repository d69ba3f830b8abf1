package tagkind

import (
	"fmt"
	"strings"

	"github.com/containerd/platforms"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// ParsePlatform reads "os/architecture[/variant]" as containerd does and
// normalises it (linux/aarch64 is linux/arm64, linux/arm64/v8 is
// linux/arm64, linux/x86_64 is linux/amd64). Both os and architecture must
// be given: containerd would fill a missing one from the machine it runs
// on, and a plan must not depend on where it runs.
func ParsePlatform(s string) (ocispec.Platform, error) {
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return ocispec.Platform{}, fmt.Errorf("%q is not a platform: write os/architecture[/variant], such as \"linux/amd64\" or \"linux/arm/v7\"", s)
	}
	p, err := platforms.Parse(s)
	if err != nil {
		return ocispec.Platform{}, fmt.Errorf("%q is not a platform: %w; write os/architecture[/variant], such as \"linux/amd64\" or \"linux/arm/v7\"", s, err)
	}
	return platforms.Normalize(p), nil
}

// FormatPlatform is "os/architecture[/variant]".
func FormatPlatform(os, arch, variant string) string {
	s := os + "/" + arch
	if variant != "" {
		s += "/" + variant
	}
	return s
}

// String is the entry's platform as "os/architecture[/variant]".
func (p *Platform) String() string { return FormatPlatform(p.OS, p.Architecture, p.Variant) }

// Matches says whether the entry is exactly the platform want (as
// ParsePlatform returns it), both normalised: linux/arm/v7 does not match
// linux/arm/v6. An entry without os or architecture matches nothing.
func (p *Platform) Matches(want ocispec.Platform) bool {
	if p.OS == "" || p.Architecture == "" {
		return false
	}
	got := platforms.Normalize(ocispec.Platform{OS: p.OS, Architecture: p.Architecture, Variant: p.Variant})
	return got.OS == want.OS && got.Architecture == want.Architecture && got.Variant == want.Variant
}

// Find is the first entry, in index order, that matches want.
func Find(entries []Platform, want ocispec.Platform) (*Platform, bool) {
	for i := range entries {
		if entries[i].Matches(want) {
			return &entries[i], true
		}
	}
	return nil, false
}

// Names lists the entries' platforms, for error messages.
func Names(entries []Platform) string {
	if len(entries) == 0 {
		return "none"
	}
	names := make([]string, len(entries))
	for i := range entries {
		names[i] = entries[i].String()
	}
	return strings.Join(names, ", ")
}
