package tagkind

import (
	"encoding/json"
	"strings"
	"sync"
	"unicode/utf8"
)

// This file reads a manifest: one pass over its JSON that validates all of
// it and keeps only what the rules read, without encoding/json's second
// (validating) pass, its reflection, or an allocation per field. What it
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
//     surrogates become U+FFFD): by encoding/json itself, on the rare
//     string that has an escape or a byte that is not UTF-8.

// maxDepth is encoding/json's limit on nesting; deeper is a syntax error.
const maxDepth = 10000

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
	data  []byte
	pos   int
	depth int
	fail  bool // a syntax error: the manifest is not JSON
	m     wireManifest
}

var scanners = sync.Pool{New: func() any { return new(scanner) }}

// parse reads data, a manifest, into m. ok is false when data is not JSON
// or not an object; m then holds nothing the rules read. m is valid until
// release.
func parse(data []byte) (s *scanner, ok bool) {
	s = scanners.Get().(*scanner)
	s.data, s.pos, s.depth, s.fail = data, 0, 0, false
	s.m = wireManifest{layers: s.m.layers[:0], entries: s.m.entries[:0]}
	s.ws()
	if s.pos >= len(s.data) || s.data[s.pos] != '{' {
		// Not an object: whether or not it is JSON, there is nothing
		// to read.
		return s, false
	}
	s.topLevel()
	s.ws()
	if s.pos != len(s.data) {
		s.syntaxError()
	}
	return s, !s.fail
}

// release returns s to the pool, dropping what it holds of the manifest.
func (s *scanner) release() {
	clear(s.m.layers[:cap(s.m.layers)])
	clear(s.m.entries[:cap(s.m.entries)])
	s.data = nil
	s.m = wireManifest{layers: s.m.layers[:0], entries: s.m.entries[:0]}
	scanners.Put(s)
}

// syntaxError marks the manifest as not JSON and stops the scan: every
// loop below ends at the end of the data.
func (s *scanner) syntaxError() {
	s.fail = true
	s.pos = len(s.data)
}

// ws skips JSON whitespace.
func (s *scanner) ws() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// peek is the byte at the start of the next value, 0 at the end.
func (s *scanner) peek() byte {
	if s.pos < len(s.data) {
		return s.data[s.pos]
	}
	return 0
}

// enter consumes the '{' or '[' of an object or array; leave is called
// after its end.
func (s *scanner) enter() {
	s.pos++
	s.depth++
	if s.depth > maxDepth {
		s.syntaxError()
	}
}

func (s *scanner) leave() { s.depth-- }

// member reads the next member of the object being read, up to its value:
// its key (unescaped), and true; or false after the closing '}' or on a
// syntax error. first is true for the first call on an object.
func (s *scanner) member(first bool) (key []byte, ok bool) {
	s.ws()
	c := s.peek()
	if c == '}' {
		s.pos++
		return nil, false
	}
	if !first {
		if c != ',' {
			s.syntaxError()
			return nil, false
		}
		s.pos++
		s.ws()
		c = s.peek()
	}
	if c != '"' {
		s.syntaxError()
		return nil, false
	}
	key = s.text()
	s.ws()
	if s.peek() != ':' {
		s.syntaxError()
		return nil, false
	}
	s.pos++
	s.ws()
	return key, !s.fail
}

// element moves to the next element of the array being read: true at its
// value, false after the closing ']' or on a syntax error.
func (s *scanner) element(first bool) bool {
	s.ws()
	c := s.peek()
	if c == ']' {
		s.pos++
		return false
	}
	if !first {
		if c != ',' {
			s.syntaxError()
			return false
		}
		s.pos++
		s.ws()
	}
	return !s.fail
}

// str reads a string and returns it as written, quotes included, and
// whether it is plain: without an escape, and UTF-8. The value of a plain
// string is the bytes between its quotes.
func (s *scanner) str() (lit []byte, plain bool) {
	start := s.pos
	i := start + 1
	plain, ascii := true, true
	for {
		if i >= len(s.data) {
			s.syntaxError()
			return nil, false
		}
		c := s.data[i]
		switch {
		case c == '"':
			s.pos = i + 1
			lit = s.data[start:s.pos]
			return lit, plain && (ascii || utf8.Valid(lit))
		case c == '\\':
			plain = false
			i++
			if i >= len(s.data) {
				s.syntaxError()
				return nil, false
			}
			switch s.data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				if i+4 >= len(s.data) || !isHex(s.data[i+1]) || !isHex(s.data[i+2]) || !isHex(s.data[i+3]) || !isHex(s.data[i+4]) {
					s.syntaxError()
					return nil, false
				}
				i += 5
			default:
				s.syntaxError()
				return nil, false
			}
		case c < 0x20:
			s.syntaxError()
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
			i++
		default:
			i++
		}
	}
}

// text reads a string and returns its value. Plain strings (nearly all)
// are returned in place; the others are unescaped by encoding/json, so
// that they read exactly as it reads them.
func (s *scanner) text() []byte {
	lit, plain := s.str()
	if s.fail {
		return nil
	}
	if plain {
		return lit[1 : len(lit)-1]
	}
	var v string
	if json.Unmarshal(lit, &v) != nil {
		s.syntaxError()
		return nil
	}
	return []byte(v)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// number reads a number and returns it as written.
func (s *scanner) number() []byte {
	start, d := s.pos, s.data
	i := start
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && '1' <= d[i] && d[i] <= '9':
		i = digits(d, i)
	default:
		s.syntaxError()
		return nil
	}
	if i < len(d) && d[i] == '.' {
		if i++; i >= len(d) || d[i] < '0' || d[i] > '9' {
			s.syntaxError()
			return nil
		}
		i = digits(d, i)
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			s.syntaxError()
			return nil
		}
		i = digits(d, i)
	}
	s.pos = i
	return d[start:i]
}

func digits(d []byte, i int) int {
	for i < len(d) && '0' <= d[i] && d[i] <= '9' {
		i++
	}
	return i
}

// literal reads true, false or null.
func (s *scanner) literal(word string) {
	end := s.pos + len(word)
	if end > len(s.data) || string(s.data[s.pos:end]) != word {
		s.syntaxError()
		return
	}
	s.pos = end
}

// skip reads a value of any type, only to check that it is JSON.
func (s *scanner) skip() {
	switch s.peek() {
	case '{':
		s.enter()
		for first := true; ; first = false {
			if _, ok := s.member(first); !ok {
				break
			}
			s.skip()
		}
		s.leave()
	case '[':
		s.enter()
		for first := true; s.element(first); first = false {
			s.skip()
		}
		s.leave()
	case '"':
		s.str()
	case 't':
		s.literal("true")
	case 'f':
		s.literal("false")
	case 'n':
		s.literal("null")
	default:
		s.number()
	}
}

// isNull reads the value if it is null.
func (s *scanner) isNull() bool {
	if s.peek() != 'n' {
		return false
	}
	s.literal("null")
	return true
}

// stringInto reads a value into a string field: a string sets it; any
// other value leaves it as it was.
func (s *scanner) stringInto(dst *[]byte) {
	if s.peek() != '"' {
		s.skip()
		return
	}
	if v := s.text(); !s.fail {
		*dst = v
	}
}

// intInto reads a value into an int field: an integer that fits sets it
// (not 2.0, not 1e2, as strconv.ParseInt, which encoding/json uses); any
// other value leaves it as it was.
func (s *scanner) intInto(dst *int64) {
	if c := s.peek(); c != '-' && (c < '0' || c > '9') {
		s.skip()
		return
	}
	if n, ok := parseInt(s.number()); ok {
		*dst = n
	}
}

// parseInt reads a JSON number that is an integer in int64's range.
func parseInt(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	// JSON has no leading zeros, and int64 no more than 19 digits: 19
	// digits cannot overflow a uint64.
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var u uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		u = u*10 + uint64(c-'0')
	}
	switch {
	case neg && u <= 1<<63:
		return int64(-u), true // two's complement: -(1<<63) is MinInt64
	case !neg && u < 1<<63:
		return int64(u), true
	}
	return 0, false
}

// is says whether key names the field name, as encoding/json matches
// them: equal, else equal under Unicode case folding. A key of ASCII
// letters only folds to a name of another length when it has a non-ASCII
// rune (K, ſ: at most 3 bytes for one), so a length mismatch rules most
// keys out at once.
func is(key []byte, name string) bool {
	if string(key) == name {
		return true
	}
	if len(key) > 3*len(name) {
		return false
	}
	if len(key) != len(name) {
		ascii := true
		for _, c := range key {
			if c >= utf8.RuneSelf {
				ascii = false
				break
			}
		}
		if ascii {
			return false
		}
	}
	return strings.EqualFold(string(key), name)
}

// topLevel reads the manifest object.
func (s *scanner) topLevel() {
	m := &s.m
	s.enter()
	for first := true; ; first = false {
		key, ok := s.member(first)
		if !ok {
			break
		}
		switch {
		case is(key, "schemaVersion"):
			s.intInto(&m.schemaVersion)
		case is(key, "mediaType"):
			s.stringInto(&m.mediaType)
		case is(key, "artifactType"):
			s.stringInto(&m.artifactType)
		case is(key, "config"):
			s.config()
		case is(key, "layers"):
			s.layers()
		case is(key, "manifests"):
			s.manifests()
		case is(key, "subject"):
			// A json.RawMessage: the last value given, null or not.
			m.subject = !s.isNull()
			if m.subject {
				s.skip()
			}
		case is(key, "fsLayers"):
			m.fsLayers = true // a json.RawMessage, never empty once given
			s.skip()
		case is(key, "signatures"):
			m.signatures = true
			s.skip()
		default:
			s.skip()
		}
	}
	s.leave()
}

// config reads "config", a pointer to a descriptor: null clears it; any
// other value makes it present, and an object sets its fields.
func (s *scanner) config() {
	m := &s.m
	if s.isNull() {
		m.hasConfig, m.configMediaType = false, nil
		return
	}
	m.hasConfig = true
	s.descriptor(&m.configMediaType)
}

// descriptor reads a config or layer descriptor, of which the rules read
// the media type; a value other than an object leaves it as it was.
func (s *scanner) descriptor(mediaType *[]byte) {
	if s.peek() != '{' {
		s.skip()
		return
	}
	s.enter()
	for first := true; ; first = false {
		key, ok := s.member(first)
		if !ok {
			break
		}
		if is(key, "mediaType") {
			s.stringInto(mediaType)
		} else {
			s.skip()
		}
	}
	s.leave()
}

// layers reads "layers", a slice of descriptors.
func (s *scanner) layers() {
	m := &s.m
	switch s.peek() {
	case 'n':
		s.literal("null")
		m.layers, m.nLayers = m.layers[:0], 0
	case '[':
		s.enter()
		i := 0
		for first := true; s.element(first); first = false {
			if i == len(m.layers) {
				m.layers = append(m.layers, nil)
			}
			s.descriptor(&m.layers[i])
			i++
		}
		s.leave()
		if i == 0 {
			m.layers = m.layers[:0] // encoding/json makes a new, empty slice
		}
		m.nLayers = i
	default:
		s.skip()
	}
}

// manifests reads "manifests", a slice of image-spec Descriptors.
func (s *scanner) manifests() {
	m := &s.m
	switch s.peek() {
	case 'n':
		s.literal("null")
		m.entries, m.nEntries, m.hasManifests = m.entries[:0], 0, false
	case '[':
		s.enter()
		i := 0
		for first := true; s.element(first); first = false {
			if i == len(m.entries) {
				m.entries = append(m.entries, entry{})
			}
			s.entry(&m.entries[i])
			i++
		}
		s.leave()
		if i == 0 {
			m.entries = m.entries[:0]
		}
		m.nEntries, m.hasManifests = i, true
	default:
		s.skip()
	}
}

// entry reads one entry of an index; a value other than an object leaves
// it as it was.
func (s *scanner) entry(e *entry) {
	if s.peek() != '{' {
		s.skip()
		return
	}
	s.enter()
	for first := true; ; first = false {
		key, ok := s.member(first)
		if !ok {
			break
		}
		switch {
		case is(key, "mediaType"):
			s.stringInto(&e.mediaType)
		case is(key, "digest"):
			s.stringInto(&e.digest)
		case is(key, "platform"):
			s.platform(e)
		case is(key, "annotations"):
			s.annotations(e)
		default:
			s.skip()
		}
	}
	s.leave()
}

// platform reads an entry's platform, a pointer to a Platform: null clears
// it; an object sets the fields it has. (A platform present but empty
// lists as one that is absent, so presence is not kept.)
func (s *scanner) platform(e *entry) {
	switch s.peek() {
	case 'n':
		s.literal("null")
		e.os, e.arch, e.variant, e.osVersion = nil, nil, nil, nil
	case '{':
		s.enter()
		for first := true; ; first = false {
			key, ok := s.member(first)
			if !ok {
				break
			}
			switch {
			case is(key, "os"):
				s.stringInto(&e.os)
			case is(key, "architecture"):
				s.stringInto(&e.arch)
			case is(key, "variant"):
				s.stringInto(&e.variant)
			case is(key, "os.version"):
				s.stringInto(&e.osVersion)
			default:
				s.skip()
			}
		}
		s.leave()
	default:
		s.skip()
	}
}

// annotations reads an entry's annotations, a map[string]string, of which
// the rules read one key: null clears the map; an object sets the keys it
// has, a value that is not a string setting its key to "".
func (s *scanner) annotations(e *entry) {
	switch s.peek() {
	case 'n':
		s.literal("null")
		e.referenceType = nil
	case '{':
		s.enter()
		for first := true; ; first = false {
			key, ok := s.member(first)
			if !ok {
				break
			}
			if string(key) == annotationReferenceType { // map keys match exactly
				e.referenceType = nil
				s.stringInto(&e.referenceType)
			} else {
				s.skip()
			}
		}
		s.leave()
	default:
		s.skip()
	}
}
