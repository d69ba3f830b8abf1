package tagkind

import (
	"sync"

	"github.com/registry-tools/terraform-provider-registry/internal/jsonscan"
)

// This file reads a manifest: one pass over its JSON (with jsonscan) that
// validates all of it and keeps only what the rules read, without
// encoding/json's second (validating) pass, its reflection, or an
// allocation per field. What it
// keeps is exactly what encoding/json, decoding into the structs the
// classifier was first written on (reference_test.go), would leave in
// them; FuzzClassifyMatchesReference holds it to that. In particular:
//
//   - Any syntax error anywhere (truncation, trailing data, nesting deeper
//     than encoding/json's 10,000 levels) makes the manifest unreadable.
//   - A key names a field when it equals the field's name, else when it
//     does under Unicode case folding ("MediaType", "ſchemaVersion"), as
//     encoding/json matches keys.
//   - A value of the wrong type leaves the field as it was; null leaves a
//     string or number as it was and clears a pointer, slice or map.
//   - A key given twice decodes twice into the same place: strings and
//     numbers take the last valid value, objects merge, and an array
//     decodes its elements into those already there (even ones an earlier,
//     longer array left past the end of a shorter one).
//   - Strings are unescaped as encoding/json does (invalid UTF-8 and lone
//     surrogates become U+FFFD).

// entry is what the rules read of one entry of an index's "manifests"
// (image-spec's Descriptor and Platform).
type entry struct {
	mediaType, digest            []byte
	os, arch, variant, osVersion []byte
	referenceType                []byte // annotations["vnd.docker.reference.type"]
}

// wireManifest is what the rules read of a manifest. The byte slices point
// into the manifest or, for a string with escapes, into its own copy; they
// live only while Classify runs.
type wireManifest struct {
	schemaVersion           int64
	mediaType, artifactType []byte
	hasConfig               bool // "config" given and not null
	configMediaType         []byte
	// layers[:nLayers] are the layers' media types; the rest of layers are
	// elements an earlier "layers" array left past the end of this one.
	layers  [][]byte
	nLayers int
	// entries[:nEntries] are the index's entries, as layers above;
	// hasManifests is set when "manifests" is an array (even empty).
	entries      []entry
	nEntries     int
	hasManifests bool
	subject      bool // "subject" given and not null
	fsLayers     bool // "fsLayers" given, whatever its value (Docker schema 1)
	signatures   bool // "signatures" given, whatever its value
}

// scanner reads one manifest; scanners are pooled so that the slices of
// their manifest are reused.
type scanner struct {
	jsonscan.Scanner
	m wireManifest
}

var scanners = sync.Pool{New: func() any { return new(scanner) }}

// parse reads data, a manifest, into s.m. ok is false when data is not JSON
// or not an object; s.m then holds nothing the rules read. s.m is valid until
// release.
func parse(data []byte) (s *scanner, ok bool) {
	s = scanners.Get().(*scanner)
	s.Reset(data)
	s.m = wireManifest{layers: s.m.layers[:0], entries: s.m.entries[:0]}
	s.WS()
	if s.Peek() != '{' {
		// Not an object: whether or not it is JSON, there is nothing
		// to read.
		return s, false
	}
	s.topLevel()
	s.WS()
	if !s.AtEnd() {
		s.Fail()
	}
	return s, !s.Failed()
}

// release returns s to the pool, dropping what it holds of the manifest.
func (s *scanner) release() {
	clear(s.m.layers[:cap(s.m.layers)])
	clear(s.m.entries[:cap(s.m.entries)])
	s.Reset(nil)
	s.m = wireManifest{layers: s.m.layers[:0], entries: s.m.entries[:0]}
	scanners.Put(s)
}

// stringInto reads a value into a string field: a string sets it; any
// other value leaves it as it was.
func (s *scanner) stringInto(dst *[]byte) {
	if s.Peek() != '"' {
		s.Skip()
		return
	}
	if v := s.Text(); !s.Failed() {
		*dst = v
	}
}

// intInto reads a value into an int field: an integer that fits sets it
// (not 2.0, not 1e2, as strconv.ParseInt, which encoding/json uses); any
// other value leaves it as it was.
func (s *scanner) intInto(dst *int64) {
	if c := s.Peek(); c != '-' && (c < '0' || c > '9') {
		s.Skip()
		return
	}
	if n, ok := jsonscan.ParseInt(s.Number()); ok {
		*dst = n
	}
}

// The fields the rules read, and their JSON names (as in the structs of
// reference_test.go): read-only tables for jsonscan.Field. Of a Descriptor
// and a Platform, only the fields read are listed; the others' names fold
// to none of these.
const (
	mSchemaVersion = iota
	mMediaType
	mArtifactType
	mConfig
	mLayers
	mManifests
	mSubject
	mFSLayers
	mSignatures
	nManifestFields
)

var manifestFields = [nManifestFields]string{
	mSchemaVersion: "schemaVersion", mMediaType: "mediaType", mArtifactType: "artifactType", mConfig: "config",
	mLayers: "layers", mManifests: "manifests", mSubject: "subject", mFSLayers: "fsLayers", mSignatures: "signatures",
}

const (
	eMediaType = iota
	eDigest
	ePlatform
	eAnnotations
	nEntryFields
)

var entryFields = [nEntryFields]string{eMediaType: "mediaType", eDigest: "digest", ePlatform: "platform", eAnnotations: "annotations"}

const (
	pOS = iota
	pArchitecture
	pVariant
	pOSVersion
	nPlatformFields
)

var platformFields = [nPlatformFields]string{pOS: "os", pArchitecture: "architecture", pVariant: "variant", pOSVersion: "os.version"}

// topLevel reads the manifest object.
func (s *scanner) topLevel() {
	m := &s.m
	s.Enter()
	for first := true; ; first = false {
		key, ok := s.Member(first)
		if !ok {
			break
		}
		switch jsonscan.Field(key, manifestFields[:]) {
		case mSchemaVersion:
			s.intInto(&m.schemaVersion)
		case mMediaType:
			s.stringInto(&m.mediaType)
		case mArtifactType:
			s.stringInto(&m.artifactType)
		case mConfig:
			s.config()
		case mLayers:
			s.layers()
		case mManifests:
			s.manifests()
		case mSubject:
			// A json.RawMessage: the last value given, null or not.
			m.subject = !s.Null()
			if m.subject {
				s.Skip()
			}
		case mFSLayers:
			m.fsLayers = true // a json.RawMessage, never empty once given
			s.Skip()
		case mSignatures:
			m.signatures = true
			s.Skip()
		default:
			s.Skip()
		}
	}
	s.Leave()
}

// config reads "config", a pointer to a descriptor: null clears it; any
// other value makes it present, and an object sets its fields.
func (s *scanner) config() {
	m := &s.m
	if s.Null() {
		m.hasConfig, m.configMediaType = false, nil
		return
	}
	m.hasConfig = true
	s.descriptor(&m.configMediaType)
}

// descriptor reads a config or layer descriptor, of which the rules read
// the media type; a value other than an object leaves it as it was.
func (s *scanner) descriptor(mediaType *[]byte) {
	if s.Peek() != '{' {
		s.Skip()
		return
	}
	s.Enter()
	for first := true; ; first = false {
		key, ok := s.Member(first)
		if !ok {
			break
		}
		if jsonscan.KeyIs(key, "mediaType") {
			s.stringInto(mediaType)
		} else {
			s.Skip()
		}
	}
	s.Leave()
}

// layers reads "layers", a slice of descriptors.
func (s *scanner) layers() {
	m := &s.m
	switch s.Peek() {
	case 'n':
		s.Literal("null")
		m.layers, m.nLayers = m.layers[:0], 0
	case '[':
		s.Enter()
		i := 0
		for first := true; s.Element(first); first = false {
			if i == len(m.layers) {
				m.layers = append(m.layers, nil)
			}
			s.descriptor(&m.layers[i])
			i++
		}
		s.Leave()
		if i == 0 {
			m.layers = m.layers[:0] // encoding/json makes a new, empty slice
		}
		m.nLayers = i
	default:
		s.Skip()
	}
}

// manifests reads "manifests", a slice of image-spec Descriptors.
func (s *scanner) manifests() {
	m := &s.m
	switch s.Peek() {
	case 'n':
		s.Literal("null")
		m.entries, m.nEntries, m.hasManifests = m.entries[:0], 0, false
	case '[':
		s.Enter()
		i := 0
		for first := true; s.Element(first); first = false {
			if i == len(m.entries) {
				m.entries = append(m.entries, entry{})
			}
			s.entry(&m.entries[i])
			i++
		}
		s.Leave()
		if i == 0 {
			m.entries = m.entries[:0]
		}
		m.nEntries, m.hasManifests = i, true
	default:
		s.Skip()
	}
}

// entry reads one entry of an index; a value other than an object leaves
// it as it was.
func (s *scanner) entry(e *entry) {
	if s.Peek() != '{' {
		s.Skip()
		return
	}
	s.Enter()
	for first := true; ; first = false {
		key, ok := s.Member(first)
		if !ok {
			break
		}
		switch jsonscan.Field(key, entryFields[:]) {
		case eMediaType:
			s.stringInto(&e.mediaType)
		case eDigest:
			s.stringInto(&e.digest)
		case ePlatform:
			s.platform(e)
		case eAnnotations:
			s.annotations(e)
		default:
			s.Skip()
		}
	}
	s.Leave()
}

// platform reads an entry's platform, a pointer to a Platform: null clears
// it; an object sets the fields it has. (A platform present but empty
// lists as one that is absent, so presence is not kept.)
func (s *scanner) platform(e *entry) {
	switch s.Peek() {
	case 'n':
		s.Literal("null")
		e.os, e.arch, e.variant, e.osVersion = nil, nil, nil, nil
	case '{':
		s.Enter()
		for first := true; ; first = false {
			key, ok := s.Member(first)
			if !ok {
				break
			}
			switch jsonscan.Field(key, platformFields[:]) {
			case pOS:
				s.stringInto(&e.os)
			case pArchitecture:
				s.stringInto(&e.arch)
			case pVariant:
				s.stringInto(&e.variant)
			case pOSVersion:
				s.stringInto(&e.osVersion)
			default:
				s.Skip()
			}
		}
		s.Leave()
	default:
		s.Skip()
	}
}

// annotations reads an entry's annotations, a map[string]string, of which
// the rules read one key: null clears the map; an object sets the keys it
// has, a value that is not a string setting its key to "".
func (s *scanner) annotations(e *entry) {
	switch s.Peek() {
	case 'n':
		s.Literal("null")
		e.referenceType = nil
	case '{':
		s.Enter()
		for first := true; ; first = false {
			key, ok := s.Member(first)
			if !ok {
				break
			}
			if string(key) == annotationReferenceType { // map keys match exactly
				e.referenceType = nil
				s.stringInto(&e.referenceType)
			} else {
				s.Skip()
			}
		}
		s.Leave()
	default:
		s.Skip()
	}
}
