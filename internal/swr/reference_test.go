package swr

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"

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
	var w wireTag
	for dec.More() {
		// Each tag decodes into a zero wireTag but for the buffer its
		// manifest is unescaped into, which the next tag reuses.
		w = wireTag{Manifest: manifestText{buf: w.Manifest.buf[:0]}}
		if err := dec.Decode(&w); err != nil {
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

// wireTag is the JSON of a tag as encoding/json's struct tags declare it:
// the reference's own declaration of the fields DecodeTags reads from its
// table, so that the two are held to each other. Its fields are Tag's, by
// name (tag checks that none is missing), times as apitime.Time.
type wireTag struct {
	ID           int64        `json:"id"`
	RepoID       int64        `json:"repo_id"`
	Tag          string       `json:"Tag"`
	ImageID      string       `json:"image_id"`
	Digest       string       `json:"digest"`
	Schema       int64        `json:"schema"`
	Path         string       `json:"path"`
	InternalPath string       `json:"internal_path"`
	Size         int64        `json:"size"`
	IsTrusted    bool         `json:"is_trusted"`
	Created      apitime.Time `json:"created"`
	Updated      apitime.Time `json:"updated"`
	Deleted      apitime.Time `json:"deleted"`
	DomainID     string       `json:"domain_id"`
	Scanned      bool         `json:"scanned"`
	TagType      int64        `json:"tag_type"`
	Manifest     manifestText `json:"manifest"`
}

// tag is the decoded tag, every field of w copied to Tag's field of the
// same name, classified by its name and manifest; the manifest itself is
// kept only when withManifest is set. A field of Tag that wireTag lacks
// (but Manifest and the classification) panics: the reference must read
// every field DecodeTags reads.
func (w *wireTag) tag(withManifest bool) Tag {
	var t Tag
	src, dst := reflect.ValueOf(w).Elem(), reflect.ValueOf(&t).Elem()
	for i := range dst.NumField() {
		f := dst.Type().Field(i)
		if f.Name == "Manifest" || f.Anonymous {
			continue
		}
		v := src.FieldByName(f.Name)
		if !v.IsValid() {
			panic("wireTag has no field " + f.Name)
		}
		if at, ok := v.Interface().(apitime.Time); ok {
			v = reflect.ValueOf(at.Time)
		}
		dst.Field(i).Set(v)
	}
	t.Info = tagkind.Classify(w.Tag, w.Manifest.buf)
	if withManifest {
		t.Manifest = string(w.Manifest.buf)
	}
	return t
}
