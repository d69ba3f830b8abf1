package tagkind

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const hex64 = "c6a83fedfae6ed8a4f5f7cbb6a7b6f3a6b2d2f0a0bba6b6b2f3c0d1e2f3a4b5c"

func manifest(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestClassify is one case per rule, each with a manifest as the tool that
// writes it writes it (testdata/), under a tag name that does not decide
// the kind unless the case is about the name.
func TestClassify(t *testing.T) {
	t.Parallel()
	cases := []struct {
		rule, tag, file string
		want            Kind
		mediaType       string
		artifactType    string
	}{
		{"1: cosign signature tag", "sha256-" + hex64 + ".sig", "cosign-signature.json", Signature, "application/vnd.oci.image.manifest.v1+json", ""},
		{"1: cosign attestation tag", "sha256-" + hex64 + ".att", "cosign-attestation.json", Attestation, "application/vnd.oci.image.manifest.v1+json", ""},
		{"1: cosign sbom tag", "sha256-" + hex64 + ".sbom", "cosign-sbom.json", SBOM, "application/vnd.oci.image.manifest.v1+json", ""},
		{"1: referrers tag fallback", "sha256-" + hex64, "buildx-index.json", Artifact, "application/vnd.oci.image.index.v1+json", ""},
		{"1: the name wins without a manifest", "sha512-" + hex64 + ".sig", "", Signature, "", ""},
		{"2: notation signature (OCI 1.1 referrer)", "notation", "notation-signature.json", Signature, "application/vnd.oci.image.manifest.v1+json", "application/vnd.cncf.notary.signature"},
		{"2: sigstore bundle referrer", "bundle", "cosign-bundle-referrer.json", Attestation, "application/vnd.oci.image.manifest.v1+json", "application/vnd.dev.sigstore.bundle.v0.3+json"},
		{"2: CycloneDX SBOM referrer", "sbom", "oras-sbom-referrer.json", SBOM, "application/vnd.oci.image.manifest.v1+json", "application/vnd.cyclonedx+json"},
		{"2: other OCI 1.1 artifact", "policy-v1", "oras-artifact.json", Artifact, "application/vnd.oci.image.manifest.v1+json", "application/vnd.example.policy.v1+tar"},
		{"3: Helm chart, no mediaType", "1.4.2", "helm-chart.json", HelmChart, "application/vnd.oci.image.manifest.v1+json", "application/vnd.cncf.helm.config.v1+json"},
		{"4: cosign signature copied under a plain name", "signed", "cosign-signature.json", Signature, "application/vnd.oci.image.manifest.v1+json", ""},
		{"4: cosign attestation under a plain name", "provenance", "cosign-attestation.json", Attestation, "application/vnd.oci.image.manifest.v1+json", ""},
		{"5: buildx index", "v2.0.0", "buildx-index.json", Index, "application/vnd.oci.image.index.v1+json", ""},
		{"5: Docker manifest list", "v1.0.0", "docker-manifest-list.json", Index, "application/vnd.docker.distribution.manifest.list.v2+json", ""},
		{"5: an index of attestations only", "v1.0.0-att", "attestations-only-index.json", Attestation, "application/vnd.oci.image.index.v1+json", ""},
		{"6: Docker schema 2 image", "v1.2.3", "docker-v2-image.json", Image, "application/vnd.docker.distribution.manifest.v2+json", ""},
		{"6: OCI image", "main-ad132f5", "oci-image.json", Image, "application/vnd.oci.image.manifest.v1+json", ""},
		{"6: Docker schema 1 image", "v0.9", "docker-schema1.json", Image, "application/vnd.docker.distribution.manifest.v1+prettyjws", ""},
		{"6: a commit tag that looks like a digest name", "sha-ad132f5", "oci-image.json", Image, "application/vnd.oci.image.manifest.v1+json", ""},
		{"6: a short hex is no digest", "sha256-5d41", "oci-image.json", Image, "application/vnd.oci.image.manifest.v1+json", ""},
		{"7: a WebAssembly module", "wasm", "wasm-artifact.json", Artifact, "application/vnd.oci.image.manifest.v1+json", "application/vnd.wasm.config.v0+json"},
		{"8: no manifest", "v1", "", Unknown, "", ""},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			var m []byte
			if c.file != "" {
				m = manifest(t, c.file)
			}
			got := Classify(c.tag, m)
			if got.Kind != c.want || got.MediaType != c.mediaType || got.ArtifactType != c.artifactType {
				t.Errorf("Classify(%q, %s) = kind %q media type %q artifact type %q; want %q, %q, %q",
					c.tag, c.file, got.Kind, got.MediaType, got.ArtifactType, c.want, c.mediaType, c.artifactType)
			}
			if (got.Kind == Index) != (got.Platforms != nil) {
				t.Errorf("platforms %v for kind %q: only an index has them", got.Platforms, got.Kind)
			}
		})
	}
}

// TestClassifyNotJSON: rule 8, never an error.
func TestClassifyNotJSON(t *testing.T) {
	t.Parallel()
	for _, m := range []string{"not json", `{"schemaVersion":2,"config":`, `[]`, `"a string"`, `null`, `42`, `{}`} {
		if got := Classify("v1", []byte(m)); got.Kind != Unknown {
			t.Errorf("Classify(%q) = %q, want unknown", m, got.Kind)
		}
	}
}

func TestPlatforms(t *testing.T) {
	t.Parallel()
	got := Classify("v2", manifest(t, "buildx-index.json")).Platforms
	want := []Platform{
		{OS: "linux", Architecture: "amd64", Digest: "sha256:" + strings.Repeat("1", 64), MediaType: "application/vnd.oci.image.manifest.v1+json"},
		{OS: "linux", Architecture: "arm64", Variant: "v8", Digest: "sha256:" + strings.Repeat("2", 64), MediaType: "application/vnd.oci.image.manifest.v1+json"},
		{OS: "linux", Architecture: "arm", Variant: "v7", Digest: "sha256:" + strings.Repeat("3", 64), MediaType: "application/vnd.oci.image.manifest.v1+json"},
	}
	if len(got) != len(want) {
		t.Fatalf("platforms %+v, want %+v (attestation manifests left out)", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("platform %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	win := Classify("v1", manifest(t, "docker-manifest-list.json")).Platforms
	if len(win) != 2 || win[1].OSVersion != "10.0.17763.5458" || win[1].OS != "windows" {
		t.Errorf("Docker list platforms %+v: want the windows entry with its os.version", win)
	}
}

func TestFromName(t *testing.T) {
	t.Parallel()
	cases := map[string]Kind{
		"sha256-" + hex64 + ".sig":                  Signature,
		"sha256-" + hex64 + ".att":                  Attestation,
		"sha256-" + hex64 + ".sbom":                 SBOM,
		"sha256-" + hex64:                           Artifact,
		"sha512-" + hex64:                           Artifact,
		"sha-ad132f5":                               "",
		"sha256-5d41":                               "",
		"sha256-5d41.sig":                           "",
		"SHA256-" + hex64 + ".sig":                  "", // upper-case algorithm
		"sha256-" + strings.ToUpper(hex64) + ".sig": "", // upper-case hex
		"sha256-" + hex64 + "0.sig":                 "", // 65 hex
		"sha256-" + hex64 + ".sig.sig":              "", // two suffixes
		"sha256-" + hex64 + ".txt":                  "", // another suffix
		"-" + hex64 + ".sig":                        "", // no algorithm
		"v1.2.3":                                    "",
		"sha256_" + hex64 + ".sig":                  "",
	}
	for name, want := range cases {
		got, ok := FromName(name)
		if ok != (want != "") || got != want {
			t.Errorf("FromName(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	if got := FromNameOnly("v1.2.3"); got != Image {
		t.Errorf("FromNameOnly(v1.2.3) = %q, want image", got)
	}
}

func TestParsePlatformAndMatch(t *testing.T) {
	t.Parallel()
	entries := Classify("v2", manifest(t, "buildx-index.json")).Platforms
	cases := []struct {
		in, digitOf string // the entry's repeated digest digit; "" for no match
	}{
		{"linux/amd64", "1"},
		{"linux/x86_64", "1"},
		{"linux/arm64", "2"},
		{"linux/aarch64", "2"},
		{"linux/arm64/v8", "2"},
		{"linux/arm/v7", "3"},
		{"linux/arm", "3"}, // containerd: arm alone is arm/v7
		{"linux/arm/v6", ""},
		{"windows/amd64", ""},
		{"linux/s390x", ""},
	}
	for _, c := range cases {
		p, err := ParsePlatform(c.in)
		if err != nil {
			t.Errorf("ParsePlatform(%q): %v", c.in, err)
			continue
		}
		e, ok := Find(entries, p)
		switch {
		case c.digitOf == "" && ok:
			t.Errorf("%s matched %s, want no match", c.in, e.String())
		case c.digitOf != "" && (!ok || e.Digest != "sha256:"+strings.Repeat(c.digitOf, 64)):
			t.Errorf("%s: got %v %v, want the entry of digest %s…", c.in, e, ok, c.digitOf)
		}
	}
	for _, bad := range []string{"", "linux", "amd64", "/amd64", "linux/", "linux/arm64/v8/x", "Linux Amd64/x", "linux/amd 64"} {
		if _, err := ParsePlatform(bad); err == nil {
			t.Errorf("ParsePlatform(%q) accepted it", bad)
		} else if !strings.Contains(err.Error(), "os/architecture") {
			t.Errorf("ParsePlatform(%q): %v does not say what to write", bad, err)
		}
	}
}
