// Package apierror is the one error type every cloud client returns, so that
// the provider can build a diagnostic that names the cloud, the call, the
// upstream status and code, the request ID and what to do about it.
package apierror

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/registry-tools/terraform-provider-registry/internal/transport"
)

// Kind classifies a failure by what the user can do about it.
type Kind int

const (
	// KindUnknown is any failure not classified below.
	KindUnknown Kind = iota
	// KindAuth means the credentials were refused (bad key, bad signature).
	KindAuth
	// KindPermission means the credentials are valid but not allowed.
	KindPermission
	// KindNotFound means the namespace, repository or project does not exist.
	KindNotFound
	// KindBadRequest means the service rejected a parameter.
	KindBadRequest
	// KindThrottled means the service kept throttling after every retry.
	KindThrottled
	// KindServer means the service kept failing after every retry.
	KindServer
	// KindTransport means no usable HTTP answer arrived (connection, timeout).
	KindTransport
	// KindDecode means the answer could not be understood (truncated, wrong shape).
	KindDecode
	// KindInconsistent means the pages did not add up (loop, changing total, short list).
	KindInconsistent
	// KindConfig means the client was configured wrongly before any call.
	KindConfig
)

// Error describes one failed upstream call.
type Error struct {
	Cloud      string // "Huawei Cloud SWR", "UCloud UHub", "PPIO"
	Call       string // API operation, e.g. "ListRepositoryTags"
	Kind       Kind
	HTTPStatus int    // 0 when no HTTP answer arrived
	Code       string // upstream error code or RetCode, if any
	Message    string // upstream message or our own description
	RequestID  string // upstream request ID, if sent
	Attempts   int    // HTTP attempts made, retries included
	Err        error  // underlying cause (transport or decode), if any
	// Missing is set when the service answered, unmistakably, that what was
	// asked for (namespace, repository, image or tag) does not exist: the
	// answer a data source may turn into "not there yet". A 404 from a
	// gateway in front of a wrong endpoint is not Missing.
	Missing bool
}

// IsMissing says whether err is the service's definite answer that what
// was asked for does not exist (Error.Missing).
func IsMissing(err error) bool {
	e, ok := As(err)
	return ok && e.Missing
}

func (e *Error) Error() string {
	return e.Cloud + " " + e.Call + " failed: " + e.Detail()
}

// Detail is the error without its "<cloud> <call> failed" prefix, for a
// diagnostic whose summary already says that. The HTTP status leads only
// when it is the failure (400 and up); a status below that (a malformed
// answer, a RetCode in an HTTP 200, pages that do not add up) is told after
// the message, with the request ID, so the text never opens with "HTTP 200".
func (e *Error) Detail() string {
	var parts []string
	if e.HTTPStatus >= 400 {
		parts = append(parts, fmt.Sprintf("HTTP %d", e.HTTPStatus))
	}
	if e.Code != "" {
		parts = append(parts, "code "+e.Code)
	}
	var b strings.Builder
	b.WriteString(strings.Join(parts, ", "))
	for _, s := range []string{e.Message, errString(e.Err)} {
		if s == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(s)
	}
	var refs []string
	if e.HTTPStatus != 0 && e.HTTPStatus < 400 {
		refs = append(refs, fmt.Sprintf("HTTP %d", e.HTTPStatus))
	}
	if e.RequestID != "" {
		refs = append(refs, "request ID "+e.RequestID)
	}
	if len(refs) > 0 {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("(" + strings.Join(refs, ", ") + ")")
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	return b.String()
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// As returns the *Error inside err, if there is one.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// KindForStatus classifies an HTTP error status.
func KindForStatus(status int) Kind {
	switch {
	case status == 401:
		return KindAuth
	case status == 403:
		return KindPermission
	case status == 404:
		return KindNotFound
	case status == 429:
		return KindThrottled
	case status >= 500:
		return KindServer
	case status >= 400:
		return KindBadRequest
	}
	return KindUnknown
}

// FromTransport wraps an error from the transport layer (no usable answer)
// for a call. Cancellation stays recognisable with errors.Is.
func FromTransport(cloud, call string, err error) error {
	e := &Error{Cloud: cloud, Call: call, Kind: KindTransport, Attempts: 1, Err: err}
	var ex *transport.RetriesExhaustedError
	if errors.As(err, &ex) {
		e.Attempts = ex.Attempts
		e.Err = ex.Err
	}
	if errors.Is(err, transport.ErrTooLarge) {
		e.Kind = KindDecode
	}
	return e
}

// Snippet is the start of an unexpected body, for an error message.
func Snippet(body []byte) string {
	s := strings.TrimSpace(strings.ToValidUTF8(string(body), "?"))
	if len(s) > 200 {
		cut := 200
		for cut > 0 && !utf8.RuneStart(s[cut]) { // never split a character
			cut--
		}
		s = s[:cut] + "…"
	}
	if s == "" {
		return "(empty body)"
	}
	return s
}
