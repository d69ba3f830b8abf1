package swr

import (
	"encoding/json"
	"errors"
	"reflect"

	"github.com/registry-tools/terraform-provider-registry/internal/jsonscan"
)

// manifestText is a tag's "manifest": a JSON string holding the manifest's
// own JSON, escaped. It is unescaped into buf, which the decoder reuses
// from tag to tag, so that unescaping a page of manifests allocates
// nothing per tag; only a tag whose manifest is kept gets its own copy.
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
	text, ok := jsonscan.AppendUnquoted(m.buf[:0], b)
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
