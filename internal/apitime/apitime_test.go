package apitime

import (
	"encoding/json"
	"testing"
)

func TestDecodeEveryForm(t *testing.T) {
	cases := []struct{ in, want string }{
		{`1530857935`, "2018-07-06T06:18:55Z"},
		{`"1530857935"`, "2018-07-06T06:18:55Z"},
		{`1530857935.0`, "2018-07-06T06:18:55Z"},
		{`"2018-07-06T06:18:55Z"`, "2018-07-06T06:18:55Z"},
		{`"2018-07-06T14:18:55+08:00"`, "2018-07-06T06:18:55Z"},
		{`"2018-07-06T06:18:55.123456Z"`, "2018-07-06T06:18:55Z"},
		{`"2018-07-06 06:18:55"`, "2018-07-06T06:18:55Z"},
		{`"2018-07-06T06:18:55"`, "2018-07-06T06:18:55Z"},
		{`null`, ""},
		{`""`, ""},
	}
	for _, c := range cases {
		var got Time
		if err := json.Unmarshal([]byte(c.in), &got); err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if s := Format(got.Time); s != c.want {
			t.Errorf("%s decoded as %q, want %q", c.in, s, c.want)
		}
	}
}

func TestRejectsWhatIsNotATime(t *testing.T) {
	for _, in := range []string{`"yesterday"`, `true`, `-5`, `"1e20"`, `{}`} {
		var got Time
		if err := json.Unmarshal([]byte(in), &got); err == nil {
			t.Errorf("%s decoded as %v, want an error", in, got)
		}
	}
}
