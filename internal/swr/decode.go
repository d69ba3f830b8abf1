package swr

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/apitime"
	"github.com/registry-tools/terraform-provider-registry/internal/jsonscan"
	"github.com/registry-tools/terraform-provider-registry/internal/tagkind"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
)

// Tag is one image tag as SWR reports it, times in UTC. The json tags name
// SWR's keys: a new field of SWR's tag JSON is a field here, with its tag,
// and a line of tagFields. DecodeTags reads by tagFields, not by these
// tags; its tests read by them (the encoding/json reference decoder is
// derived from Tag), so that the two spellings are held to each other.
type Tag struct {
	ID           int64     `json:"id"`
	RepoID       int64     `json:"repo_id"`
	Tag          string    `json:"Tag"` // sic: SWR capitalises this one
	ImageID      string    `json:"image_id"`
	Digest       string    `json:"digest"`
	Manifest     string    `json:"manifest"` // empty unless asked for
	Schema       int64     `json:"schema"`
	Path         string    `json:"path"`
	InternalPath string    `json:"internal_path"`
	Size         int64     `json:"size"`
	IsTrusted    bool      `json:"is_trusted"`
	Created      time.Time `json:"created"`
	Updated      time.Time `json:"updated"`
	Deleted      time.Time `json:"deleted"` // zero unless deleted
	DomainID     string    `json:"domain_id"`
	Scanned      bool      `json:"scanned"`
	TagType      int64     `json:"tag_type"` // 0 manifest, 1 manifest list

	// What the tag holds (kind, media type, artifact type, platforms),
	// read from its name and manifest whether or not Manifest is kept:
	// not a key of SWR's JSON.
	tagkind.Info `json:"-"`
}

// DecodeTags reads a page: a JSON array of tags, and appends them to dst.
// Anything but a complete array is an error. It reads the page in one
// pass (jsonscan) and decodes each tag as encoding/json's Decoder would
// decode it by Tag's json tags, times as apitime.Time, error for error
// (FuzzDecodeTagsMatchesReference holds it to that): keys match fields as encoding/json matches them, null
// leaves a field as it was, and a value of the wrong type is an error.
func DecodeTags(body []byte, withManifest bool, dst []Tag) ([]Tag, error) {
	var s jsonscan.Scanner
	s.Reset(body)
	s.WS()
	if s.AtEnd() {
		return dst, errors.New("tag list: empty answer")
	}
	if s.Peek() != '[' {
		return dst, fmt.Errorf("tag list is not a JSON array (starts with %q)", apierror.Snippet(body))
	}
	// The array is not entered: encoding/json's Decoder counts the
	// nesting of each tag from the tag.
	s.Consume('[')
	var d tagDecoder
	for first := true; s.Element(first); first = false {
		// Each tag decodes into a zero Tag; the buffer its manifest is
		// unescaped into is reused by the next tag.
		d.reset()
		if err := d.decode(&s); err != nil {
			return dst, fmt.Errorf("tag %d: %w", len(dst), err)
		}
		if s.Failed() {
			break
		}
		dst = append(dst, d.tag(withManifest))
	}
	if s.Failed() {
		return dst, fmt.Errorf("tag list: not JSON (at byte %d of %d)", s.FailedAt(), len(body))
	}
	s.WS()
	if !s.AtEnd() {
		return dst, errors.New("tag list: data after the array")
	}
	return dst, nil
}

// tagDecoder decodes tags into a Tag, the manifest apart: unescaped into
// a buffer that the next tag reuses, and copied into the Tag only when
// it is asked for.
type tagDecoder struct {
	t        Tag
	manifest manifestText
}

// reset starts a tag: a zero Tag, the manifest buffer kept.
func (d *tagDecoder) reset() {
	d.t = Tag{}
	d.manifest.buf = d.manifest.buf[:0]
}

// tag is the decoded tag, classified by its name and manifest; the
// manifest itself is kept only when withManifest is set.
func (d *tagDecoder) tag(withManifest bool) Tag {
	t := d.t
	t.Info = tagkind.Classify(t.Tag, d.manifest.buf)
	if withManifest {
		t.Manifest = string(d.manifest.buf)
	}
	return t
}

// decode reads one tag, an object (or null, which leaves the tag as it
// is), from s. A syntax error is left for the caller to find in s.
func (d *tagDecoder) decode(s *jsonscan.Scanner) error {
	switch s.Peek() {
	case 'n':
		s.Literal("null")
		return nil
	case '{':
	default:
		if s.Skip(); s.Failed() {
			return nil
		}
		return errors.New("not a JSON object")
	}
	s.Enter()
	defer s.Leave()
	for first := true; ; first = false {
		key, ok := s.Member(first)
		if !ok {
			return nil
		}
		i := jsonscan.Field(key, tagFieldNames)
		if i < 0 {
			s.Skip()
			continue
		}
		if err := tagFields[i].decode(s, d); err != nil {
			return fmt.Errorf("%q: %w", key, err)
		}
	}
}

// tagField is one field of a tag's JSON: its name, matched to keys as
// encoding/json matches them, and how its value is decoded.
type tagField struct {
	name   string
	decode func(*jsonscan.Scanner, *tagDecoder) error
}

// tagFields are the fields of a tag's JSON: a new field of Tag is one line
// here, named as the field's json tag (TestTagFieldsAreTagsFields). A read-only table; the names must be distinct under Unicode case
// folding, as a struct's JSON field names are.
var tagFields = [...]tagField{
	intField("id", func(t *Tag) *int64 { return &t.ID }),
	intField("repo_id", func(t *Tag) *int64 { return &t.RepoID }),
	stringField("Tag", func(t *Tag) *string { return &t.Tag }),
	stringField("image_id", func(t *Tag) *string { return &t.ImageID }),
	stringField("digest", func(t *Tag) *string { return &t.Digest }),
	intField("schema", func(t *Tag) *int64 { return &t.Schema }),
	stringField("path", func(t *Tag) *string { return &t.Path }),
	stringField("internal_path", func(t *Tag) *string { return &t.InternalPath }),
	intField("size", func(t *Tag) *int64 { return &t.Size }),
	boolField("is_trusted", func(t *Tag) *bool { return &t.IsTrusted }),
	timeField("created", func(t *Tag) *time.Time { return &t.Created }),
	timeField("updated", func(t *Tag) *time.Time { return &t.Updated }),
	timeField("deleted", func(t *Tag) *time.Time { return &t.Deleted }),
	stringField("domain_id", func(t *Tag) *string { return &t.DomainID }),
	boolField("scanned", func(t *Tag) *bool { return &t.Scanned }),
	intField("tag_type", func(t *Tag) *int64 { return &t.TagType }),
	{"manifest", func(s *jsonscan.Scanner, d *tagDecoder) error { return decodeUnmarshaler(s, &d.manifest) }},
}

// tagFieldNames are tagFields' names, in its order, for jsonscan.Field.
var tagFieldNames = func() []string {
	names := make([]string, len(tagFields))
	for i, f := range tagFields {
		names[i] = f.name
	}
	return names
}()

func intField(name string, field func(*Tag) *int64) tagField {
	return tagField{name, func(s *jsonscan.Scanner, d *tagDecoder) error { return decodeInt(s, field(&d.t)) }}
}

func stringField(name string, field func(*Tag) *string) tagField {
	return tagField{name, func(s *jsonscan.Scanner, d *tagDecoder) error { return decodeString(s, field(&d.t)) }}
}

func boolField(name string, field func(*Tag) *bool) tagField {
	return tagField{name, func(s *jsonscan.Scanner, d *tagDecoder) error { return decodeBool(s, field(&d.t)) }}
}

func timeField(name string, field func(*Tag) *time.Time) tagField {
	return tagField{name, func(s *jsonscan.Scanner, d *tagDecoder) error { return decodeTime(s, field(&d.t)) }}
}

// decodeInt reads an int64 field: an integer in range sets it, null leaves
// it, anything else is an error.
func decodeInt(s *jsonscan.Scanner, dst *int64) error {
	switch c := s.Peek(); {
	case c == 'n':
		s.Literal("null")
		return nil
	case c == '-' || '0' <= c && c <= '9':
		lit := s.Number()
		if s.Failed() {
			return nil
		}
		n, ok := jsonscan.ParseInt(lit)
		if !ok {
			return fmt.Errorf("%s is not an integer", lit)
		}
		*dst = n
		return nil
	}
	return notA(s, "an integer")
}

// decodeString reads a string field: a string sets it, null leaves it,
// anything else is an error.
func decodeString(s *jsonscan.Scanner, dst *string) error {
	switch s.Peek() {
	case 'n':
		s.Literal("null")
		return nil
	case '"':
		if v := s.Text(); !s.Failed() {
			*dst = string(v)
		}
		return nil
	}
	return notA(s, "a string")
}

// decodeBool reads a bool field: true or false sets it, null leaves it,
// anything else is an error.
func decodeBool(s *jsonscan.Scanner, dst *bool) error {
	if s.Null() {
		return nil
	}
	if v, ok := s.Bool(); ok {
		*dst = v
		return nil
	}
	return notA(s, "true or false")
}

// decodeTime reads a time field as apitime.Time's UnmarshalJSON does
// (null included, which zeroes it), but hands a string without escapes
// (every time SWR sends) straight to apitime.Parse rather than through the
// json.Unmarshal that UnmarshalJSON unquotes it with, which cost a fifth
// of a page.
func decodeTime(s *jsonscan.Scanner, dst *time.Time) error {
	var lit []byte
	if s.Peek() != '"' {
		lit = s.Raw()
	} else {
		var plain bool
		if lit, plain = s.String(); plain && !s.Failed() {
			t, err := apitime.Parse(string(lit[1 : len(lit)-1]))
			if err != nil {
				return err
			}
			*dst = t
			return nil
		}
	}
	if s.Failed() {
		return nil
	}
	// Called on a local, not through an interface, so that it does not
	// escape: one allocation per time field was a tenth of a page's.
	t := apitime.Time{Time: *dst}
	if err := t.UnmarshalJSON(lit); err != nil {
		return err
	}
	*dst = t.Time
	return nil
}

// decodeUnmarshaler hands a field's value, null included, to the field's
// own UnmarshalJSON, as encoding/json does.
func decodeUnmarshaler(s *jsonscan.Scanner, dst json.Unmarshaler) error {
	raw := s.Raw()
	if s.Failed() {
		return nil
	}
	return dst.UnmarshalJSON(raw)
}

// notA reads a value of the wrong type, and is the error that says so
// (none when the value is not JSON either: that is the caller's to find).
func notA(s *jsonscan.Scanner, want string) error {
	if s.Skip(); s.Failed() {
		return nil
	}
	return fmt.Errorf("not %s", want)
}

// DecodeTag reads ShowRepoTag's answer: one tag object and nothing after
// it, decoded as DecodeTags decodes a tag of a page. An answer without a
// tag name is an error.
func DecodeTag(body []byte, withManifest bool) (Tag, error) {
	var s jsonscan.Scanner
	s.Reset(body)
	s.WS()
	var d tagDecoder
	err := d.decode(&s)
	s.WS()
	switch {
	case s.Failed() || err == nil && !s.AtEnd():
		// A syntax error, or data after the tag, is the error, as in
		// json.Unmarshal.
		s.Fail() // data after the tag: the first syntax error is kept
		return Tag{}, fmt.Errorf("tag: not JSON (at byte %d of %d)", s.FailedAt(), len(body))
	case err != nil:
		return Tag{}, fmt.Errorf("tag: %w", err)
	case d.t.Tag == "":
		return Tag{}, errors.New(`tag: no object with a "Tag" name`)
	}
	return d.tag(withManifest), nil
}

// ParseContentRange reads the total from "offset-count/total" (or
// "start-end/total"): the number after the slash.
func ParseContentRange(h string) (total int, err error) {
	h = strings.TrimSpace(h)
	h = strings.TrimPrefix(h, "items ")
	_, after, found := strings.Cut(h, "/")
	if !found {
		return 0, fmt.Errorf("Content-Range %q has no total", h)
	}
	total, err = strconv.Atoi(strings.TrimSpace(after))
	if err != nil || total < 0 {
		return 0, fmt.Errorf("Content-Range %q has no valid total", h)
	}
	return total, nil
}

// decodeProjects reads IAM's project list and picks the one project named
// after region. malformed is set when the answer is not a project list at
// all; zero or several projects is an error too, but not a malformed one.
func decodeProjects(body []byte, region string) (id string, malformed bool, err error) {
	var out struct {
		Projects []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"projects"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return "", true, fmt.Errorf("IAM projects answer: %w", err)
	}
	switch len(out.Projects) {
	case 0:
		return "", false, fmt.Errorf("IAM lists no project named %q", region)
	case 1:
		if out.Projects[0].ID == "" {
			return "", false, fmt.Errorf("IAM project %q has no id", region)
		}
		return out.Projects[0].ID, false, nil
	}
	return "", false, fmt.Errorf("IAM lists %d projects named %q, so the project is ambiguous", len(out.Projects), region)
}

// decodeError turns an error answer (status >= 400) into an *apierror.Error,
// accepting the three body shapes SWR and its gateway use.
func decodeError(call string, resp *transport.Response) error {
	e := &apierror.Error{
		Cloud: CloudName, Call: call, Kind: apierror.KindForStatus(resp.StatusCode),
		HTTPStatus: resp.StatusCode, RequestID: resp.Header.Get("X-Request-Id"), Attempts: resp.Attempts,
	}
	e.Code, e.Message = errorBody(resp.Body)
	e.Missing = resp.StatusCode == http.StatusNotFound && strings.HasPrefix(e.Code, codeNotFoundPrefix)
	return e
}

// codeNotFoundPrefix starts SWR's own "does not exist" codes
// (SVCSTG.SWR.4040001…4040010 seen; which is which is not documented): a
// 404 with another code, such as the gateway's APIGW.0101 for a wrong
// endpoint, is not an answer about the repository.
const codeNotFoundPrefix = "SVCSTG.SWR.404"

func errorBody(body []byte) (code, message string) {
	var obj struct {
		ErrorCode string `json:"error_code"`
		ErrorMsg  string `json:"error_msg"`
		Code      any    `json:"code"`
		Message   string `json:"message"`
	}
	if json.Unmarshal(body, &obj) == nil {
		switch {
		case obj.ErrorCode != "" || obj.ErrorMsg != "":
			return obj.ErrorCode, obj.ErrorMsg
		case obj.Code != nil || obj.Message != "":
			if obj.Code == nil {
				return "", obj.Message
			}
			return fmt.Sprint(obj.Code), obj.Message
		}
	}
	var list []struct {
		ErrorCode    string `json:"errorCode"`
		ErrorMessage string `json:"errorMessage"`
		Detail       string `json:"detail"`
	}
	if json.Unmarshal(body, &list) == nil && len(list) > 0 {
		msg := list[0].ErrorMessage
		if list[0].Detail != "" {
			msg += " (" + list[0].Detail + ")"
		}
		return list[0].ErrorCode, msg
	}
	return "", apierror.Snippet(body)
}
