package jsonscan

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// valid is what the Scanner says of data as one JSON document.
func valid(data []byte) bool {
	var s Scanner
	s.Reset(data)
	s.WS()
	s.Skip()
	s.WS()
	return !s.Failed() && s.AtEnd()
}

// FuzzValid: the Scanner accepts exactly the documents encoding/json does.
func FuzzValid(f *testing.F) {
	for _, d := range []string{
		``, ` `, `{}`, `[]`, `{"a":[1,-0,0.5,1e5,1E-5,-1.5e+3,true,false,null,"x"]}`, `"\u0041\/\\\"\b\f\n\r\t"`,
		`{"a":1,}`, `[1,]`, `[,1]`, `{"a" 1}`, `{"a":1 "b":2}`, `{'a':1}`, `01`, `-`, `1.`, `.5`, `1e`, `1e+`, `+1`, `0x1`,
		`tru`, `nul`, `falsey`, `NaN`, `"\u12"`, `"\x"`, `"\'"`, "\"\x00\"", "\"\x7f\xff\"", "\ufeff{}", `{} {}`, `{}}`, `"`,
		strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth),
		strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1),
		strings.Repeat(`{"a":`, MaxDepth) + "1" + strings.Repeat("}", MaxDepth),
		strings.Repeat(`{"a":`, MaxDepth+1) + "1" + strings.Repeat("}", MaxDepth+1),
	} {
		f.Add([]byte(d))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := valid(data), json.Valid(data); got != want {
			t.Fatalf("valid(%q) = %v, json.Valid says %v", data, got, want)
		}
	})
}

// FuzzAppendUnquoted: a string reads exactly as encoding/json reads it,
// appended to what the buffer held.
func FuzzAppendUnquoted(f *testing.F) {
	for _, s := range []string{
		``, `plain`, `{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}`,
		`\/\\\"\b\f\n\r\t`, `\u0022\u005c\u00e9\u20ac`, `\ud83d\ude00`, `\ud800`, `\udc00\ud800`, `\ud800\u0041`, `\ud800\ud800\udc00`,
		`\uDFFF`, `\u12`, `\u12zz`, `\x`, `\'`, `\`, "caf\xc3\xa9", "\xff\xfe", "\xed\xa0\x80", "\xf4\x90\x80\x80", "a\xc3",
		"tab\there", "nl\nhere", `quote"here`, "\x7f\u2028", "0123456789abcdef\\n0123456789abcdef\xc3\xa9",
	} {
		f.Add([]byte(`"`+s+`"`), []byte("kept"))
	}
	f.Fuzz(func(t *testing.T, lit, prefix []byte) {
		got, ok := AppendUnquoted(bytes.Clone(prefix), lit)
		var want string
		if err := json.Unmarshal(lit, &want); err != nil || len(lit) < 2 || lit[0] != '"' || lit[len(lit)-1] != '"' {
			return // not exactly a string literal (json.Unmarshal allows space around one): never handed over
		}
		if !ok || string(got) != string(prefix)+want {
			t.Fatalf("AppendUnquoted(%q, %q) = %q, %v; encoding/json reads %q", prefix, lit, got, ok, want)
		}
		// Text agrees, and String calls it plain only when it reads as written.
		var s Scanner
		s.Reset(lit)
		if text := s.Text(); s.Failed() || string(text) != want {
			t.Fatalf("Text(%q) = %q (failed %v), want %q", lit, text, s.Failed(), want)
		}
		s.Reset(lit)
		if _, plain := s.String(); plain && string(lit[1:len(lit)-1]) != want {
			t.Fatalf("String(%q) says plain, but it reads %q", lit, want)
		}
	})
}

// FuzzKeyIs: a key names a field exactly when encoding/json decodes it
// into that field.
func FuzzKeyIs(f *testing.F) {
	for _, k := range []string{"schemaVersion", "SCHEMAVERSION", "ſchemaVersion", "schemaverſion", "Kind", "kind", "\u212aind", "tag_type", "Tag", "tag", "x", "", "\xff"} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		var v struct {
			SchemaVersion int `json:"schemaVersion"`
			Kind          int `json:"kind"`
		}
		doc, _ := json.Marshal(map[string]int{key: 1})
		if json.Unmarshal(doc, &v) != nil {
			return
		}
		var unquoted string
		_ = json.Unmarshal(doc[1:bytes.LastIndexByte(doc, ':')], &unquoted) // the key as decoded
		if got := KeyIs([]byte(unquoted), "schemaVersion"); got != (v.SchemaVersion == 1) {
			t.Errorf("KeyIs(%q, schemaVersion) = %v; encoding/json: %v", key, got, v.SchemaVersion == 1)
		}
		if got := KeyIs([]byte(unquoted), "kind"); got != (v.Kind == 1) {
			t.Errorf("KeyIs(%q, kind) = %v; encoding/json: %v", key, got, v.Kind == 1)
		}
		want := -1
		switch {
		case v.SchemaVersion == 1:
			want = 0
		case v.Kind == 1:
			want = 1
		}
		if got := Field([]byte(unquoted), []string{"schemaVersion", "kind"}); got != want {
			t.Errorf("Field(%q) = %d; encoding/json: %d", key, got, want)
		}
	})
}

// FuzzParseInt: a number reads as an int64 exactly when strconv.ParseInt
// (which encoding/json uses) reads it.
func FuzzParseInt(f *testing.F) {
	for _, n := range []string{"0", "-0", "2", "-2", "2.0", "1e2", "9223372036854775807", "9223372036854775808",
		"-9223372036854775808", "-9223372036854775809", "99999999999999999999", "", "-"} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n string) {
		var s Scanner
		s.Reset([]byte(n))
		lit := s.Number()
		if s.Failed() || !s.AtEnd() {
			return // not a JSON number
		}
		want, err := strconv.ParseInt(n, 10, 64)
		if got, ok := ParseInt(lit); ok != (err == nil) || ok && got != want {
			t.Fatalf("ParseInt(%q) = %d, %v; strconv: %d, %v", n, got, ok, want, err)
		}
	})
}

// TestSkipPlain: bytes are skipped only when none of them needs reading.
func TestSkipPlain(t *testing.T) {
	t.Parallel()
	for c := range 256 {
		needsReading := c < 0x20 || c == '"' || c == '\\' || c >= 0x80
		for n := 1; n <= 17; n++ {
			for at := range n {
				b := bytes.Repeat([]byte("a"), n)
				b[at] = byte(c)
				want := n
				if needsReading {
					want = at
				}
				if got := skipPlain(b, 0); got != want {
					t.Errorf("byte %#x at %d of %d: skipPlain = %d, want %d", c, at, n, got, want)
				}
			}
		}
	}
}
