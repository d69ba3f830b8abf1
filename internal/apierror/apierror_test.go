package apierror

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSnippetNeverSplitsACharacter(t *testing.T) {
	for _, body := range []string{"x" + strings.Repeat("错", 100), strings.Repeat("é", 150), "\xff\xfe" + strings.Repeat("a", 300)} {
		s := Snippet([]byte(body))
		if !utf8.ValidString(s) {
			t.Errorf("Snippet(%q…) = %q is not valid UTF-8", body[:10], s)
		}
		if len(s) > 200+len("…") {
			t.Errorf("Snippet is %d bytes, want at most 200 plus the ellipsis", len(s))
		}
	}
	if got := Snippet([]byte("  \n")); got != "(empty body)" {
		t.Errorf("Snippet of a blank body = %q", got)
	}
}

func TestDetailNamesStatusCodeRequestAndAttempts(t *testing.T) {
	e := &Error{Cloud: "PPIO", Call: "ListImages", HTTPStatus: 503, Code: "UNAVAILABLE", Message: "busy", RequestID: "r-1", Attempts: 4}
	want := "PPIO ListImages failed: HTTP 503, code UNAVAILABLE: busy (request ID r-1) after 4 attempts"
	if got := e.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
