package apierror

import (
	"errors"
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

// TestDetailLeadsWithTheStatusOnlyWhenItIsTheFailure: an answer that came
// with HTTP 200 but could not be used tells the status after the message.
func TestDetailLeadsWithTheStatusOnlyWhenItIsTheFailure(t *testing.T) {
	cases := []struct {
		e    Error
		want string
	}{
		{Error{Kind: KindDecode, HTTPStatus: 200, RequestID: "r-2", Message: "malformed answer: <html>502 Bad Gateway</html>", Err: errors.New("tag list is not a JSON array")},
			"malformed answer: <html>502 Bad Gateway</html>: tag list is not a JSON array (HTTP 200, request ID r-2)"},
		{Error{Kind: KindAuth, HTTPStatus: 200, Code: "171", Message: "Signature VerifyAC Error", RequestID: "u-1"},
			"code 171: Signature VerifyAC Error (HTTP 200, request ID u-1)"},
		{Error{Kind: KindInconsistent, HTTPStatus: 200, Message: "the total changed"}, "the total changed (HTTP 200)"},
		{Error{Kind: KindNotFound, HTTPStatus: 404, Code: "SVCSTG.SWR.4040010", Message: "repository web not found", RequestID: "r-3"},
			"HTTP 404, code SVCSTG.SWR.4040010: repository web not found (request ID r-3)"},
		{Error{Kind: KindTransport, Err: errors.New("connection refused"), Attempts: 4}, "connection refused after 4 attempts"},
	}
	for _, tc := range cases {
		got := tc.e.Detail()
		if got != tc.want {
			t.Errorf("Detail() = %q, want %q", got, tc.want)
		}
		if strings.HasPrefix(got, "HTTP 2") {
			t.Errorf("Detail() %q opens with a success status", got)
		}
	}
}
