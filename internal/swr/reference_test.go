package swr

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/apitime"
	"github.com/registry-tools/terraform-provider-registry/internal/tagkind"
)

// refDecodeTags is DecodeTags as it was on encoding/json's Decoder, token
// by token and tag by tag into a wireTag by reflection: the oracle
// FuzzDecodeTagsMatchesReference holds the one-pass DecodeTags to.
func refDecodeTags(body []byte, withManifest bool, dst []Tag) ([]Tag, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	if err != nil {
		return dst, fmt.Errorf("tag list: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return dst, fmt.Errorf("tag list is not a JSON array (starts with %v)", tok)
	}
	w := newWireTag(nil)
	for dec.More() {
		// Each tag decodes into a zero wireTag but for the buffer its
		// manifest is unescaped into, which the next tag reuses.
		w = newWireTag(w.manifest().buf[:0])
		if err := dec.Decode(w.ptr.Interface()); err != nil {
			return dst, fmt.Errorf("tag %d: %w", len(dst), err)
		}
		dst = append(dst, w.tag(withManifest))
	}
	if _, err := dec.Token(); err != nil {
		return dst, fmt.Errorf("tag list: %w", err)
	}
	if dec.More() {
		return dst, errors.New("tag list: data after the array")
	}
	// Only the end of the input may follow. More does not report a stray
	// ']' or '}', and Token fails on those with a syntax error, not io.EOF.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return dst, errors.New("tag list: data after the array")
	}
	return dst, nil
}

// wireTagType is the JSON of a tag as encoding/json's struct tags declare
// it, derived from Tag: its fields are Tag's wire fields (all but the
// embedded classification), with the same names and json tags, times as
// apitime.Time and Manifest as a manifestText. The reference thus reads
// Tag's own declaration of SWR's keys, and DecodeTags its table: the two
// spellings are held to each other (a field without a json tag is read by
// its Go name, as encoding/json reads it; TestTagFieldsAreTagsFields fails).
var wireTagType = func() reflect.Type {
	tt := reflect.TypeFor[Tag]()
	var fields []reflect.StructField
	for i := range tt.NumField() {
		f := tt.Field(i)
		if f.Anonymous {
			continue
		}
		switch {
		case f.Name == "Manifest":
			f.Type = reflect.TypeFor[manifestText]()
		case f.Type == reflect.TypeFor[time.Time]():
			f.Type = reflect.TypeFor[apitime.Time]()
		}
		f.Index, f.Offset = nil, 0
		fields = append(fields, f)
	}
	return reflect.StructOf(fields)
}()

// wireTag is one value of wireTagType, by pointer.
type wireTag struct{ ptr reflect.Value }

// newWireTag is a zero wireTag whose manifest is unescaped into buf.
func newWireTag(buf []byte) wireTag {
	w := wireTag{reflect.New(wireTagType)}
	w.manifest().buf = buf
	return w
}

func (w wireTag) manifest() *manifestText {
	return w.ptr.Elem().FieldByName("Manifest").Addr().Interface().(*manifestText)
}

// tag is the decoded tag, every field of w copied to Tag's field of the
// same name, classified by its name and manifest; the manifest itself is
// kept only when withManifest is set.
func (w wireTag) tag(withManifest bool) Tag {
	var t Tag
	src, dst := w.ptr.Elem(), reflect.ValueOf(&t).Elem()
	for i := range dst.NumField() {
		f := dst.Type().Field(i)
		if f.Name == "Manifest" || f.Anonymous {
			continue
		}
		v := src.FieldByName(f.Name)
		if at, ok := v.Interface().(apitime.Time); ok {
			v = reflect.ValueOf(at.Time)
		}
		dst.Field(i).Set(v)
	}
	m := w.manifest().buf
	t.Info = tagkind.Classify(t.Tag, m)
	if withManifest {
		t.Manifest = string(m)
	}
	return t
}
