package apitime

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// Seeds shared by both targets: every form Parse takes, and the near misses.
var timeSeeds = []string{
	"",
	"   ",
	"0",
	"-0",
	"1530857935",
	"1530857935.5",
	"1530857935.999999999",
	"1e11",
	"1e11.5",
	"100000000001",
	"1e20",
	"-5",
	"NaN",
	"nan",
	"+Inf",
	"-Inf",
	"Infinity",
	"0x1p30",
	"1_530_857_935",
	"9223372036854775807",
	"2018-07-06T06:18:55Z",
	"2018-07-06T14:18:55+08:00",
	"2018-07-06T06:18:55.123456Z",
	"2018-07-06 06:18:55",
	"2018-07-06T06:18:55",
	"2018-07-06 06:18:55.5",
	"2018-07-06 06:18:55+08:00",
	"0001-01-01T00:00:00Z",
	"0000-01-01T00:00:00+01:00",
	"9999-12-31T23:59:59-01:00",
	"9999-12-31T23:59:59Z",
	"2018-02-30T00:00:00Z",
	"2018-07-06",
	"yesterday",
	"２０１８",
	"\xff\xfe",
}

// FuzzParse: Parse never panics; what it accepts is UTC and survives the
// trip through Format (to the second: state holds RFC 3339 seconds).
func FuzzParse(f *testing.F) {
	for _, s := range timeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Parse(s)
		if err != nil {
			if !got.IsZero() {
				t.Fatalf("Parse(%q) failed (%v) but returned %v", s, err, got)
			}
			return
		}
		if got.Location() != time.UTC {
			t.Fatalf("Parse(%q) = %v, not UTC", s, got)
		}
		if strings.TrimSpace(s) == "" && !got.IsZero() {
			t.Fatalf("Parse(%q) = %v, want the zero Time", s, got)
		}
		again, err := Parse(s)
		if err != nil || !again.Equal(got) {
			t.Fatalf("Parse(%q) not deterministic: %v then %v, %v", s, got, again, err)
		}
		formatted := Format(got)
		back, err := Parse(formatted)
		if err != nil {
			t.Fatalf("Parse(%q) = %v, but its Format %q does not parse back: %v", s, got, formatted, err)
		}
		want := time.Unix(got.Unix(), 0) // the instant, truncated to the second
		if !back.Equal(want) {
			t.Fatalf("Parse(%q) = %v; Format %q parses back as %v, want %v", s, got, formatted, back, want)
		}
		if formatted != "" && Format(back) != formatted {
			t.Fatalf("Format not stable: %q then %q", formatted, Format(back))
		}
	})
}

// FuzzUnmarshalJSON: UnmarshalJSON never panics whatever bytes it is handed;
// for valid JSON it agrees with encoding/json's route to it, and what it
// accepts is what Parse makes of the string or number.
func FuzzUnmarshalJSON(f *testing.F) {
	for _, s := range timeSeeds {
		q, _ := json.Marshal(s)
		f.Add(q)
		f.Add([]byte(s))
	}
	for _, s := range []string{
		`null`, ` null `, `""`, `"  "`, `true`, `{}`, `[]`, `[1530857935]`,
		`"1530857935`, `"\u0031530857935"`, `"2018-07-06T06:18:55\u005a"`,
		`"\ud800"`, `1530857935 1`, `<html>`, `{"created":1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var direct Time
		directErr := direct.UnmarshalJSON(b)
		if directErr == nil && direct.Location() != time.UTC {
			t.Fatalf("UnmarshalJSON(%q) = %v, not UTC", b, direct.Time)
		}
		if !json.Valid(b) {
			return
		}
		var viaJSON Time
		err := json.Unmarshal(b, &viaJSON)
		if (err == nil) != (directErr == nil) {
			t.Fatalf("%q: json.Unmarshal error %v, UnmarshalJSON error %v", b, err, directErr)
		}
		if err != nil {
			return
		}
		if !viaJSON.Equal(direct.Time) {
			t.Fatalf("%q: json.Unmarshal gives %v, UnmarshalJSON %v", b, viaJSON.Time, direct.Time)
		}
		// The value is what Parse makes of the string or the number's text.
		trimmed := bytes.TrimSpace(b)
		var want time.Time
		switch {
		case bytes.Equal(trimmed, []byte("null")):
		case trimmed[0] == '"':
			var s string
			if err := json.Unmarshal(trimmed, &s); err != nil {
				t.Fatal(err)
			}
			if want, err = Parse(s); err != nil {
				t.Fatalf("%q decoded but Parse(%q) fails: %v", b, s, err)
			}
		default:
			if want, err = Parse(string(trimmed)); err != nil {
				t.Fatalf("%q decoded but Parse fails: %v", b, err)
			}
		}
		if !viaJSON.Equal(want) {
			t.Fatalf("%q decoded as %v, Parse says %v", b, viaJSON.Time, want)
		}
		// Inside an object, as the decoders meet it.
		var obj struct {
			T Time `json:"t"`
		}
		if err := json.Unmarshal([]byte(`{"t":`+string(b)+`}`), &obj); err != nil || !obj.T.Equal(want) {
			t.Fatalf("%q inside an object: %v, %v; want %v", b, obj.T.Time, err, want)
		}
	})
}
