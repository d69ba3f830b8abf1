package swr

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"unicode/utf16"
	"unicode/utf8"
)

// manifestText is a tag's "manifest": a JSON string holding the manifest's
// own JSON, escaped. It is unescaped into buf, which the decoder reuses
// from tag to tag, so that a page of manifests costs no allocation per
// tag; only a tag whose manifest is kept gets its own copy.
type manifestText struct {
	buf []byte
}

// UnmarshalJSON implements json.Unmarshaler. null leaves the field as it
// was, as for a string; a value of another type is an error, as it is for
// a string field of a tag.
func (m *manifestText) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
		return nil
	case len(b) < 2 || b[0] != '"':
		return &json.UnmarshalTypeError{Value: jsonKind(b), Type: reflect.TypeFor[string](), Field: "manifest"}
	}
	text, ok := appendUnquoted(m.buf[:0], b)
	if !ok {
		return errors.New("manifest: invalid JSON string")
	}
	m.buf = text
	return nil
}

// jsonKind names the kind of JSON value b is, for a type error.
func jsonKind(b []byte) string {
	if len(b) > 0 {
		switch b[0] {
		case '{':
			return "object"
		case '[':
			return "array"
		case 't', 'f':
			return "bool"
		}
	}
	return "number"
}

// appendUnquoted appends the value of the JSON string literal lit (quotes
// included) to dst exactly as encoding/json decodes it into a string: the
// escapes resolved, a \u escape that is half a surrogate pair and every
// byte that is not UTF-8 replaced by U+FFFD (encoding/json's unquoteBytes,
// of which this is a copy that appends to a buffer it is given). ok is
// false when lit is not a string literal.
func appendUnquoted(dst, lit []byte) (out []byte, ok bool) {
	if len(lit) < 2 || lit[0] != '"' || lit[len(lit)-1] != '"' {
		return dst, false
	}
	s := lit[1 : len(lit)-1]
	for len(s) > 0 {
		// The run up to the next escape is copied as it is when it is
		// UTF-8 (nearly always), else rune by rune.
		run := s
		if i := bytes.IndexByte(s, '\\'); i >= 0 {
			run = s[:i]
		}
		s = s[len(run):]
		if plain, ascii := scanRun(run); !plain {
			return dst, false // a quote or a control character
		} else if ascii || utf8.Valid(run) {
			dst = append(dst, run...)
		} else {
			for len(run) > 0 {
				r, size := utf8.DecodeRune(run) // U+FFFD for a byte that is not UTF-8
				dst = utf8.AppendRune(dst, r)
				run = run[size:]
			}
		}
		if len(s) == 0 {
			break
		}
		// An escape.
		if len(s) < 2 {
			return dst, false
		}
		switch s[1] {
		case '"', '\\', '/', '\'':
			dst = append(dst, s[1])
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := getu4(s)
			if r < 0 {
				return dst, false
			}
			s = s[6:]
			if utf16.IsSurrogate(r) {
				if dec := utf16.DecodeRune(r, getu4(s)); dec != utf8.RuneError {
					// A valid pair; consume.
					s = s[6:]
					dst = utf8.AppendRune(dst, dec)
					continue
				}
				// Invalid surrogate; fall back to replacement rune.
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
			continue
		default:
			return dst, false
		}
		s = s[2:]
	}
	return dst, true
}

// scanRun says whether run holds no quote and no control character, and
// whether it is all ASCII.
func scanRun(run []byte) (plain, ascii bool) {
	ascii = true
	for _, c := range run {
		if c < ' ' || c == '"' {
			return false, false
		}
		if c >= utf8.RuneSelf {
			ascii = false
		}
	}
	return true, ascii
}

// getu4 decodes \uXXXX from the start of s, or returns -1.
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}
