package swr

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
