package tagkind

// The classifier as first written (365554b), on encoding/json and
// image-spec's Descriptor: slow, but obviously what the rules say. It is
// kept here, unchanged but for its names and one correction (see
// refDecode), as the oracle FuzzClassifyMatchesReference holds Classify to.

import (
	"encoding/json"
	"errors"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// refManifest is the part of a manifest (OCI image manifest or index,
// Docker schema 2 manifest or list, Docker schema 1) the rules read. A
// field of the wrong type is left as if absent.
type refManifest struct {
	SchemaVersion int                  `json:"schemaVersion"`
	MediaType     string               `json:"mediaType"`
	ArtifactType  string               `json:"artifactType"`
	Config        *refDescriptor       `json:"config"`
	Layers        []refDescriptor      `json:"layers"`
	Manifests     []ocispec.Descriptor `json:"manifests"`
	Subject       json.RawMessage      `json:"subject"`
	FSLayers      json.RawMessage      `json:"fsLayers"`   // Docker schema 1
	Signatures    json.RawMessage      `json:"signatures"` // Docker schema 1, signed
}

type refDescriptor struct {
	MediaType string `json:"mediaType"`
}

// refClassify applies the rules to a tag's name and manifest (nil or empty when
// the registry sent none). It never fails: a manifest that is not JSON, or
// not an object, is Unknown; a field of the wrong type counts as absent.
func refClassify(name string, manifest []byte) Info {
	info := Info{Kind: Unknown}
	var m refManifest
	parsed := len(manifest) > 0 && refDecode(manifest, &m)
	if parsed {
		info.MediaType = refMediaTypeOf(&m)
		info.ArtifactType = refArtifactTypeOf(&m)
	}
	if k, ok := FromName(name); ok {
		info.Kind = k
		return info
	}
	if !parsed {
		return info
	}
	info.Kind = refKindOf(&m)
	if info.Kind == Index {
		info.Platforms = refPlatformsOf(m.Manifests)
	}
	return info
}

// refDecode reads a manifest into m. A syntax error (not JSON, truncated)
// is a failure; a value of the wrong type only blanks that field, as
// encoding/json leaves it while decoding the rest.
//
// The one correction to 365554b: there, only an *json.UnmarshalTypeError
// counted as a wrong-typed field, so an index entry's "data" that is not
// base64 (image-spec's Descriptor decodes it as []byte; the rules never
// read it) made a valid manifest Unknown, and only when no type error came
// before it. The SPEC makes only a manifest that is not JSON Unknown; so
// here every error but a syntax error counts as a wrong-typed field.
func refDecode(manifest []byte, m *refManifest) bool {
	err := json.Unmarshal(manifest, m)
	if err == nil {
		return true
	}
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
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

// refKindOf applies rules 2 to 7 to a manifest.
func refKindOf(m *refManifest) Kind {
	// 2. An OCI 1.1 referrer or artifact, by its artifact type.
	if (len(m.Subject) > 0 && string(m.Subject) != "null") || m.ArtifactType != "" {
		t := m.ArtifactType
		if t == "" && m.Config != nil {
			t = m.Config.MediaType
		}
		return byArtifactType(t) // the mapping is shared: the oracle checks the reading
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
	if k, ok := refByLayers(m.Layers); ok {
		return k
	}
	// 5. An index, unless it holds attestations only.
	if refIsIndex(m) {
		if len(m.Manifests) > 0 && refAllAttestations(m.Manifests) {
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

// refByLayers is rule 4: every layer a cosign simple-signing payload is a
// signature; every layer a DSSE envelope is an attestation.
func refByLayers(layers []refDescriptor) (Kind, bool) {
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

// refIsIndex says whether m is an OCI index or a Docker manifest list: by its
// media type, or, for an OCI document without one, by having manifests.
func refIsIndex(m *refManifest) bool {
	switch m.MediaType {
	case ocispec.MediaTypeImageIndex, mediaTypeDockerManifestList:
		return true
	case "":
		return m.Manifests != nil && m.Config == nil
	}
	return false
}

func refIsAttestation(d *ocispec.Descriptor) bool {
	return d.Annotations[annotationReferenceType] == attestationManifest
}

func refAllAttestations(ds []ocispec.Descriptor) bool {
	for i := range ds {
		if !refIsAttestation(&ds[i]) {
			return false
		}
	}
	return true
}

// refMediaTypeOf is the manifest's media type: its own, else what the OCI
// spec implies for a schema 2 document without one, else Docker schema
// 1's; "" for JSON that is none of these.
func refMediaTypeOf(m *refManifest) string {
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

// refArtifactTypeOf is the OCI 1.1 artifactType, else the config's media type
// when that is not an image config.
func refArtifactTypeOf(m *refManifest) string {
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

// refPlatformsOf lists the entries of an index a machine can pull: every
// entry but buildx's attestation manifests and unknown/unknown platforms,
// in index order. An entry without a platform is listed with empty fields.
func refPlatformsOf(ds []ocispec.Descriptor) []Platform {
	out := make([]Platform, 0, len(ds))
	for i := range ds {
		d := &ds[i]
		if refIsAttestation(d) {
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
