// Package tagkind says what a registry tag holds: an image, a multi-platform
// index, or one of the things signing and attesting tools push beside images
// (signatures, attestations, SBOMs), a Helm chart or another OCI artifact.
// It reads the tag name and, where the registry sends it, the manifest JSON,
// and nothing else; it never fails: a manifest it cannot read is Unknown.
// It knows nothing of Terraform or of any cloud.
package tagkind

import (
	"strings"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// Kind is what a tag holds.
type Kind string

// The kinds, in the order the rules decide them.
const (
	Image       Kind = "image"
	Index       Kind = "index"
	Signature   Kind = "signature"
	Attestation Kind = "attestation"
	SBOM        Kind = "sbom"
	HelmChart   Kind = "helm_chart"
	Artifact    Kind = "artifact"
	Unknown     Kind = "unknown"
)

// Kinds lists every kind, for docs and validators.
var Kinds = []Kind{Image, Index, Signature, Attestation, SBOM, HelmChart, Artifact, Unknown}

// Runnable says whether a tag of this kind is something a machine pulls and
// runs, so that choosing "the newest tag" may return it. Unknown counts:
// a tag whose manifest the registry did not send is most often an image,
// and leaving it out would make a repository without manifests unusable.
func (k Kind) Runnable() bool { return k == Image || k == Index || k == Unknown }

// Media types this package decides by that image-spec does not name.
const (
	mediaTypeDockerManifest     = "application/vnd.docker.distribution.manifest.v2+json"
	mediaTypeDockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
	mediaTypeDockerSchema1      = "application/vnd.docker.distribution.manifest.v1+json"
	mediaTypeDockerSchema1JWS   = "application/vnd.docker.distribution.manifest.v1+prettyjws"
	mediaTypeDockerImageConfig  = "application/vnd.docker.container.image.v1+json"
	mediaTypeHelmConfig         = "application/vnd.cncf.helm.config.v1+json"
	mediaTypeCosignSimpleSign   = "application/vnd.dev.cosign.simplesigning.v1+json"
	mediaTypeCosignSignature    = "application/vnd.dev.cosign.artifact.sig.v1+json"
	mediaTypeNotarySignature    = "application/vnd.cncf.notary.signature"
	mediaTypeInToto             = "application/vnd.in-toto+json"
	mediaTypeDSSE               = "application/vnd.dsse.envelope.v1+json"
	mediaTypeSigstoreBundle     = "application/vnd.dev.sigstore.bundle" // followed by a version
	// buildx marks the attestation manifests of an index with this annotation.
	annotationReferenceType = "vnd.docker.reference.type"
	attestationManifest     = "attestation-manifest"
)

// Platform is one entry of an index that a machine can pull: its platform
// as the index states it, and the digest of its manifest.
type Platform struct {
	OS, Architecture, Variant, OSVersion string
	Digest, MediaType                    string
}

// Info is what one tag holds.
type Info struct {
	Kind         Kind
	MediaType    string     // "" when no manifest was read
	ArtifactType string     // "" for images and indexes without one
	Platforms    []Platform // for Index only, in index order
}

// FromName applies the first rule, the tag-name schemes of cosign and of
// the OCI 1.1 referrers tag fallback: "<alg>-<64 hex>.sig", ".att",
// ".sbom", and "<alg>-<64 hex>" alone. ok is false for any other name.
func FromName(name string) (kind Kind, ok bool) {
	base, suffix := name, ""
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		base, suffix = name[:i], name[i+1:]
	}
	switch suffix {
	case "sig":
		kind = Signature
	case "att":
		kind = Attestation
	case "sbom":
		kind = SBOM
	case "":
		kind = Artifact
	default:
		// A dot that is not one of the suffixes: the whole name must then
		// be "<alg>-<hex>", which has no dot.
		return "", false
	}
	if suffix == "" && base != name {
		return "", false
	}
	if !isDigestName(base) {
		return "", false
	}
	return kind, true
}

// isDigestName says whether s is "<alg>-<hex>": alg lower-case letters and
// digits, hex exactly 64 lower-case hex characters.
func isDigestName(s string) bool {
	const hexLen = 64
	dash := len(s) - hexLen - 1
	if dash < 1 || s[dash] != '-' {
		return false
	}
	for i := range dash {
		if c := s[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	for i := dash + 1; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'f') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// FromNameOnly is the kind of a tag whose registry sends no manifest
// (UHub): the name rule, else Image.
func FromNameOnly(name string) Kind {
	if k, ok := FromName(name); ok {
		return k
	}
	return Image
}

// Classify applies the rules to a tag's name and manifest (nil or empty when
// the registry sent none). It never fails: a manifest that is not JSON, or
// not an object, is Unknown; a field of the wrong type counts as absent.
// It reads the manifest in one pass (scan.go) and keeps nothing of it.
func Classify(name string, manifest []byte) Info {
	info := Info{Kind: Unknown}
	var m *wireManifest
	if len(manifest) > 0 {
		s, ok := parse(manifest)
		defer s.release()
		if ok {
			m = &s.m
			info.MediaType = m.mediaTypeOf()
			info.ArtifactType = m.artifactTypeOf()
		}
	}
	if k, ok := FromName(name); ok {
		info.Kind = k
		return info
	}
	if m == nil {
		return info
	}
	info.Kind = m.kind()
	if info.Kind == Index {
		info.Platforms = m.platforms()
	}
	return info
}

// configType is the config's media type, "" without a config.
func (m *wireManifest) configType() []byte {
	if !m.hasConfig {
		return nil
	}
	return m.configMediaType
}

// kind applies rules 2 to 7 to a manifest. (Media types stay []byte and
// are compared as string(b) == constant, which does not allocate.)
func (m *wireManifest) kind() Kind {
	configType := m.configType()
	// 2. An OCI 1.1 referrer or artifact, by its artifact type.
	if m.subject || len(m.artifactType) > 0 {
		t := m.artifactType
		if len(t) == 0 {
			t = configType
		}
		return byArtifactType(string(t))
	}
	// 3. A Helm chart.
	if string(configType) == mediaTypeHelmConfig {
		return HelmChart
	}
	// 4. cosign's signatures and attestations as image manifests.
	if k, ok := byLayers(m.layers[:m.nLayers]); ok {
		return k
	}
	// 5. An index, unless it holds attestations only.
	if m.isIndex() {
		if m.nEntries > 0 && allAttestations(m.entries[:m.nEntries]) {
			return Attestation
		}
		return Index
	}
	// 6. An image manifest.
	switch {
	case isImageConfig(configType):
		return Image
	case m.schemaVersion == 1 && m.fsLayers:
		return Image
	}
	// 7. Any other manifest with a config.
	if m.hasConfig {
		return Artifact
	}
	return Unknown
}

func isImageConfig(mediaType []byte) bool {
	return string(mediaType) == ocispec.MediaTypeImageConfig || string(mediaType) == mediaTypeDockerImageConfig
}

// byArtifactType is rule 2's mapping of an artifact (or config) media type.
func byArtifactType(t string) Kind {
	lower := strings.ToLower(t)
	switch {
	case t == mediaTypeCosignSignature || t == mediaTypeNotarySignature:
		return Signature
	case t == mediaTypeInToto || t == mediaTypeDSSE || strings.HasPrefix(t, mediaTypeSigstoreBundle):
		return Attestation
	case strings.Contains(lower, "spdx") || strings.Contains(lower, "cyclonedx"):
		return SBOM
	}
	return Artifact
}

// byLayers is rule 4: every layer a cosign simple-signing payload is a
// signature; every layer a DSSE envelope is an attestation.
func byLayers(layers [][]byte) (Kind, bool) {
	if len(layers) == 0 {
		return "", false
	}
	first := layers[0]
	if string(first) != mediaTypeCosignSimpleSign && string(first) != mediaTypeDSSE {
		return "", false
	}
	for _, l := range layers[1:] {
		if string(l) != string(first) {
			return "", false
		}
	}
	if string(first) == mediaTypeDSSE {
		return Attestation, true
	}
	return Signature, true
}

// isIndex says whether m is an OCI index or a Docker manifest list: by its
// media type, or, for an OCI document without one, by having manifests.
func (m *wireManifest) isIndex() bool {
	switch string(m.mediaType) {
	case ocispec.MediaTypeImageIndex, mediaTypeDockerManifestList:
		return true
	case "":
		return m.hasManifests && !m.hasConfig
	}
	return false
}

func (e *entry) isAttestation() bool {
	return string(e.referenceType) == attestationManifest
}

func allAttestations(es []entry) bool {
	for i := range es {
		if !es[i].isAttestation() {
			return false
		}
	}
	return true
}

// mediaTypeOf is the manifest's media type: its own, else what the OCI
// spec implies for a schema 2 document without one, else Docker schema
// 1's; "" for JSON that is none of these.
func (m *wireManifest) mediaTypeOf() string {
	switch {
	case len(m.mediaType) > 0:
		return intern(m.mediaType)
	case m.schemaVersion == 1:
		if m.signatures {
			return mediaTypeDockerSchema1JWS
		}
		return mediaTypeDockerSchema1
	case m.schemaVersion != 2:
		return "" // not a manifest this package knows
	case m.hasManifests && !m.hasConfig:
		return ocispec.MediaTypeImageIndex
	}
	return ocispec.MediaTypeImageManifest
}

// artifactTypeOf is the OCI 1.1 artifactType, else the config's media type
// when that is not an image config.
func (m *wireManifest) artifactTypeOf() string {
	if len(m.artifactType) > 0 {
		return intern(m.artifactType)
	}
	if t := m.configType(); !isImageConfig(t) {
		return intern(t)
	}
	return ""
}

// platforms lists the entries of an index a machine can pull: every
// entry but buildx's attestation manifests and unknown/unknown platforms,
// in index order. An entry without a platform is listed with empty fields.
func (m *wireManifest) platforms() []Platform {
	es := m.entries[:m.nEntries]
	out := make([]Platform, 0, len(es))
	for i := range es {
		e := &es[i]
		if e.isAttestation() || string(e.os) == "unknown" && string(e.arch) == "unknown" {
			continue
		}
		out = append(out, Platform{
			OS: intern(e.os), Architecture: intern(e.arch), Variant: intern(e.variant), OSVersion: string(e.osVersion),
			Digest: string(e.digest), MediaType: intern(e.mediaType),
		})
	}
	return out
}

// intern is string(b), without allocating for the media types and
// platform names most manifests hold.
func intern(b []byte) string {
	switch string(b) {
	case "":
		return ""
	case ocispec.MediaTypeImageManifest:
		return ocispec.MediaTypeImageManifest
	case ocispec.MediaTypeImageIndex:
		return ocispec.MediaTypeImageIndex
	case mediaTypeDockerManifest:
		return mediaTypeDockerManifest
	case mediaTypeDockerManifestList:
		return mediaTypeDockerManifestList
	case "linux":
		return "linux"
	case "windows":
		return "windows"
	case "amd64":
		return "amd64"
	case "arm64":
		return "arm64"
	case "arm":
		return "arm"
	case "v7":
		return "v7"
	case "v8":
		return "v8"
	}
	return string(b)
}
