// Package tagkind says what a registry tag holds: an image, a multi-platform
// index, or one of the things signing and attesting tools push beside images
// (signatures, attestations, SBOMs), a Helm chart or another OCI artifact.
// It reads the tag name and, where the registry sends it, the manifest JSON,
// and nothing else; it never fails: a manifest it cannot read is Unknown.
// It knows nothing of Terraform or of any cloud.
package tagkind

import (
	"encoding/json"
	"errors"
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

// wireManifest is the part of a manifest (OCI image manifest or index,
// Docker schema 2 manifest or list, Docker schema 1) the rules read. A
// field of the wrong type is left as if absent.
type wireManifest struct {
	SchemaVersion int                  `json:"schemaVersion"`
	MediaType     string               `json:"mediaType"`
	ArtifactType  string               `json:"artifactType"`
	Config        *wireDescriptor      `json:"config"`
	Layers        []wireDescriptor     `json:"layers"`
	Manifests     []ocispec.Descriptor `json:"manifests"`
	Subject       json.RawMessage      `json:"subject"`
	FSLayers      json.RawMessage      `json:"fsLayers"`   // Docker schema 1
	Signatures    json.RawMessage      `json:"signatures"` // Docker schema 1, signed
}

type wireDescriptor struct {
	MediaType string `json:"mediaType"`
}

// Classify applies the rules to a tag's name and manifest (nil or empty when
// the registry sent none). It never fails: a manifest that is not JSON, or
// not an object, is Unknown; a field of the wrong type counts as absent.
func Classify(name string, manifest []byte) Info {
	info := Info{Kind: Unknown}
	var m wireManifest
	parsed := len(manifest) > 0 && decode(manifest, &m)
	if parsed {
		info.MediaType = mediaTypeOf(&m)
		info.ArtifactType = artifactTypeOf(&m)
	}
	if k, ok := FromName(name); ok {
		info.Kind = k
		return info
	}
	if !parsed {
		return info
	}
	info.Kind = kindOf(&m)
	if info.Kind == Index {
		info.Platforms = platformsOf(m.Manifests)
	}
	return info
}

// decode reads a manifest into m. A syntax error (not JSON, truncated) is a
// failure; a value of the wrong type only blanks that field, as
// encoding/json leaves it while decoding the rest.
func decode(manifest []byte, m *wireManifest) bool {
	err := json.Unmarshal(manifest, m)
	if err == nil {
		return true
	}
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) {
		return false
	}
	// The top level itself of the wrong type (an array, a string) is no
	// manifest at all.
	for _, c := range manifest {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '{':
			return true
		}
		return false
	}
	return false
}

// kindOf applies rules 2 to 7 to a manifest.
func kindOf(m *wireManifest) Kind {
	// 2. An OCI 1.1 referrer or artifact, by its artifact type.
	if (len(m.Subject) > 0 && string(m.Subject) != "null") || m.ArtifactType != "" {
		t := m.ArtifactType
		if t == "" && m.Config != nil {
			t = m.Config.MediaType
		}
		return byArtifactType(t)
	}
	configType := ""
	if m.Config != nil {
		configType = m.Config.MediaType
	}
	// 3. A Helm chart.
	if configType == mediaTypeHelmConfig {
		return HelmChart
	}
	// 4. cosign's signatures and attestations as image manifests.
	if k, ok := byLayers(m.Layers); ok {
		return k
	}
	// 5. An index, unless it holds attestations only.
	if isIndex(m) {
		if len(m.Manifests) > 0 && allAttestations(m.Manifests) {
			return Attestation
		}
		return Index
	}
	// 6. An image manifest.
	switch {
	case configType == ocispec.MediaTypeImageConfig || configType == mediaTypeDockerImageConfig:
		return Image
	case m.SchemaVersion == 1 && len(m.FSLayers) > 0:
		return Image
	}
	// 7. Any other manifest with a config.
	if m.Config != nil {
		return Artifact
	}
	return Unknown
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
func byLayers(layers []wireDescriptor) (Kind, bool) {
	if len(layers) == 0 {
		return "", false
	}
	first := layers[0].MediaType
	if first != mediaTypeCosignSimpleSign && first != mediaTypeDSSE {
		return "", false
	}
	for i := range layers[1:] {
		if layers[i+1].MediaType != first {
			return "", false
		}
	}
	if first == mediaTypeDSSE {
		return Attestation, true
	}
	return Signature, true
}

// isIndex says whether m is an OCI index or a Docker manifest list: by its
// media type, or, for an OCI document without one, by having manifests.
func isIndex(m *wireManifest) bool {
	switch m.MediaType {
	case ocispec.MediaTypeImageIndex, mediaTypeDockerManifestList:
		return true
	case "":
		return m.Manifests != nil && m.Config == nil
	}
	return false
}

func isAttestation(d *ocispec.Descriptor) bool {
	return d.Annotations[annotationReferenceType] == attestationManifest
}

func allAttestations(ds []ocispec.Descriptor) bool {
	for i := range ds {
		if !isAttestation(&ds[i]) {
			return false
		}
	}
	return true
}

// mediaTypeOf is the manifest's media type: its own, else what the OCI
// spec implies for a schema 2 document without one, else Docker schema
// 1's; "" for JSON that is none of these.
func mediaTypeOf(m *wireManifest) string {
	switch {
	case m.MediaType != "":
		return m.MediaType
	case m.SchemaVersion == 1:
		if len(m.Signatures) > 0 {
			return mediaTypeDockerSchema1JWS
		}
		return mediaTypeDockerSchema1
	case m.SchemaVersion != 2:
		return "" // not a manifest this package knows
	case m.Manifests != nil && m.Config == nil:
		return ocispec.MediaTypeImageIndex
	}
	return ocispec.MediaTypeImageManifest
}

// artifactTypeOf is the OCI 1.1 artifactType, else the config's media type
// when that is not an image config.
func artifactTypeOf(m *wireManifest) string {
	if m.ArtifactType != "" {
		return m.ArtifactType
	}
	if m.Config == nil {
		return ""
	}
	switch t := m.Config.MediaType; t {
	case ocispec.MediaTypeImageConfig, mediaTypeDockerImageConfig:
		return ""
	default:
		return t
	}
}

// platformsOf lists the entries of an index a machine can pull: every
// entry but buildx's attestation manifests and unknown/unknown platforms,
// in index order. An entry without a platform is listed with empty fields.
func platformsOf(ds []ocispec.Descriptor) []Platform {
	out := make([]Platform, 0, len(ds))
	for i := range ds {
		d := &ds[i]
		if isAttestation(d) {
			continue
		}
		p := Platform{Digest: string(d.Digest), MediaType: d.MediaType}
		if d.Platform != nil {
			if d.Platform.OS == "unknown" && d.Platform.Architecture == "unknown" {
				continue
			}
			p.OS, p.Architecture, p.Variant, p.OSVersion = d.Platform.OS, d.Platform.Architecture, d.Platform.Variant, d.Platform.OSVersion
		}
		out = append(out, p)
	}
	return out
}
