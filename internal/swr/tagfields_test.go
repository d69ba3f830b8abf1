package swr

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// Tag declares SWR's keys twice: in its json tags (which the encoding/json
// reference reads) and in tagFields (which DecodeTags reads). These tests
// say which of the two a new field is missing from; the differential fuzz
// targets hold the two to each other on the rest.

// tagWireFields are Tag's fields that are keys of SWR's tag JSON (all but
// the embedded classification), with the key of each: its json tag.
func tagWireFields() (fields []reflect.StructField, keys []string) {
	tt := reflect.TypeFor[Tag]()
	for i := range tt.NumField() {
		f := tt.Field(i)
		if f.Anonymous {
			continue
		}
		key, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		fields, keys = append(fields, f), append(keys, key)
	}
	return fields, keys
}

// TestTagFieldsAreTagsFields: every wire field of Tag has a json tag and a
// line of tagFields under that name, and every line of tagFields names one.
func TestTagFieldsAreTagsFields(t *testing.T) {
	fields, keys := tagWireFields()
	for i, f := range fields {
		switch {
		case keys[i] == "" || keys[i] == "-":
			t.Errorf("swr.Tag.%s has no json tag: give it `json:\"<its key in SWR's tag JSON>\"` (decode.go)", f.Name)
		case !slices.Contains(tagFieldNames, keys[i]):
			t.Errorf("swr.Tag.%s (json %q) has no line in tagFields (decode.go): DecodeTags never sets it; "+
				"add one, such as stringField(%q, func(t *Tag) *string { return &t.%s })", f.Name, keys[i], keys[i], f.Name)
		}
	}
	for _, name := range tagFieldNames {
		if !slices.Contains(keys, name) {
			t.Errorf("tagFields (decode.go) reads %q, which no field of swr.Tag names in its json tag", name)
		}
	}
}

// TestDecodeTagsReadsEachFieldAsTheReference: a tag with one key set, for
// each key of Tag's json tags, decodes as the reference decodes it, into
// that field: a line of tagFields that sets another field, or reads
// another type, fails here even when no fuzz seed has its key.
func TestDecodeTagsReadsEachFieldAsTheReference(t *testing.T) {
	samples := map[reflect.Type]string{
		reflect.TypeFor[int64]():     `7`,
		reflect.TypeFor[string]():    `"x"`,
		reflect.TypeFor[bool]():      `true`,
		reflect.TypeFor[time.Time](): `"2018-07-06T06:18:55Z"`,
	}
	fields, keys := tagWireFields()
	for i, f := range fields {
		if keys[i] == "" || keys[i] == "-" {
			continue // TestTagFieldsAreTagsFields says so
		}
		value, ok := samples[f.Type]
		if f.Name == "Manifest" {
			value, ok = `"{\"schemaVersion\":2}"`, true
		}
		if !ok {
			t.Errorf("swr.Tag.%s: no sample value for %s here; add one", f.Name, f.Type)
			continue
		}
		body := []byte(`[{` + strings.Join([]string{`"Tag":"v1"`, `"` + keys[i] + `":` + value}, ",") + `}]`)
		got, err := DecodeTags(body, true, nil)
		want, refErr := refDecodeTags(body, true, nil)
		if err != nil || refErr != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: DecodeTags = %+v, %v;\nencoding/json by swr.Tag's json tags: %+v, %v\n"+
				"(the line of tagFields for %q sets another field than swr.Tag.%s, or reads another type)",
				body, got, err, want, refErr, keys[i], f.Name)
			continue
		}
		if reflect.ValueOf(want[0]).FieldByIndex(f.Index).IsZero() {
			t.Errorf("%s: swr.Tag.%s is still zero", body, f.Name)
		}
	}
}

// TestTagReadsSWRsExample: every key of the ListRepositoryTags answer that
// SWR's API reference gives as its example (testdata) is a json tag of
// Tag, and DecodeTags reads the example as the reference does.
func TestTagReadsSWRsExample(t *testing.T) {
	body, err := os.ReadFile("testdata/list_repository_tags_example.json")
	if err != nil {
		t.Fatal(err)
	}
	var example []map[string]json.RawMessage
	if err := json.Unmarshal(body, &example); err != nil || len(example) != 1 {
		t.Fatalf("example: %v, %d tags", err, len(example))
	}
	_, keys := tagWireFields()
	for key := range example[0] {
		if !slices.Contains(keys, key) {
			t.Errorf("SWR's example has %q, which no field of swr.Tag names in its json tag", key)
		}
	}
	got, err := DecodeTags(body, true, nil)
	want, refErr := refDecodeTags(body, true, nil)
	if err != nil || refErr != nil || !reflect.DeepEqual(got, want) || got[0].Tag != "latest" || got[0].Size != 1304902 {
		t.Errorf("DecodeTags = %+v, %v\nencoding/json: %+v, %v", got, err, want, refErr)
	}
}
