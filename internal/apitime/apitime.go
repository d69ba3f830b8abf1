// Package apitime decodes the timestamp forms the registries send (unix
// seconds as a number or a numeric string, or a date-time string in one of
// several layouts) and formats them the one way Terraform users get them:
// RFC 3339 in UTC, the form timecmp and formatdate take.
package apitime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// layouts a date-time string may come in; a layout without a zone is UTC.
var layouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05Z07:00",
}

// Time decodes from a JSON number, a numeric string or a date-time string.
// null and "" decode to the zero Time.
type Time struct{ time.Time }

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	} else {
		s = string(b)
	}
	parsed, err := Parse(s)
	if err != nil {
		return err
	}
	t.Time = parsed
	return nil
}

// Parse reads unix seconds ("1530857935", "1530857935.5") or a date-time.
// "" is the zero Time.
func Parse(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if math.IsNaN(f) || f < 0 || f > 1e11 { // beyond year 5138: not unix seconds
			return time.Time{}, fmt.Errorf("timestamp %s is not unix seconds", s)
		}
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC(), nil
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			// A zone offset can push the UTC instant out of years
			// 0000-9999, which RFC 3339 (and so Format) cannot write.
			if y := t.UTC().Year(); y < 0 || y > 9999 {
				return time.Time{}, fmt.Errorf("timestamp %q is outside the years 0000-9999 in UTC", s)
			}
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("timestamp %q is neither unix seconds nor a date-time", s)
}

// Format is the RFC 3339 UTC form written to state; "" for the zero Time.
func Format(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
