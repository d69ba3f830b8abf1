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

// Tag is one image tag as SWR reports it, times in UTC.
type Tag struct {
	ID           int64
	RepoID       int64
	Tag          string
	ImageID      string
	Digest       string
	Manifest     string // empty unless asked for
	Schema       int64
	Path         string
	InternalPath string
	Size         int64
	IsTrusted    bool
	Created      time.Time
	Updated      time.Time
	Deleted      time.Time // zero unless deleted
	DomainID     string
	Scanned      bool
	TagType      int64 // 0 manifest, 1 manifest list

	// What the tag holds (kind, media type, artifact type, platforms),
	// read from its name and manifest whether or not Manifest is kept.
	tagkind.Info
}

// wireTag is the JSON of a tag.
type wireTag struct {
	ID           int64        `json:"id"`
	RepoID       int64        `json:"repo_id"`
	Tag          string       `json:"Tag"`
	ImageID      string       `json:"image_id"`
	Digest       string       `json:"digest"`
	Schema       int64        `json:"schema"`
	Path         string       `json:"path"`
	InternalPath string       `json:"internal_path"`
	Size         int64        `json:"size"`
	IsTrusted    bool         `json:"is_trusted"`
	Created      apitime.Time `json:"created"`
	Updated      apitime.Time `json:"updated"`
	Deleted      apitime.Time `json:"deleted"`
	DomainID     string       `json:"domain_id"`
	Scanned      bool         `json:"scanned"`
	TagType      int64        `json:"tag_type"`
	Manifest     manifestText `json:"manifest"`
}

// tag is the decoded tag, classified by its name and manifest; the
// manifest itself is kept only when withManifest is set.
func (w *wireTag) tag(withManifest bool) Tag {
	t := Tag{
		ID: w.ID, RepoID: w.RepoID, Tag: w.Tag, ImageID: w.ImageID, Digest: w.Digest,
		Schema: w.Schema, Path: w.Path, InternalPath: w.InternalPath,
		Size: w.Size, IsTrusted: w.IsTrusted, Created: w.Created.Time, Updated: w.Updated.Time,
		Deleted: w.Deleted.Time, DomainID: w.DomainID, Scanned: w.Scanned, TagType: w.TagType,
		Info: tagkind.Classify(w.Tag, w.Manifest.buf),
	}
	if withManifest {
		t.Manifest = string(w.Manifest.buf)
	}
	return t
}

// DecodeTags reads a page: a JSON array of tags, and appends them to dst.
// Anything but a complete array is an error. It reads the page in one
// pass (jsonscan) and decodes each tag as encoding/json's Decoder would
// decode it into a wireTag, error for error (FuzzDecodeTagsMatchesReference
// holds it to that): keys match fields as encoding/json matches them, null
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
	var w wireTag
	for first := true; s.Element(first); first = false {
		// Each tag decodes into a zero wireTag but for the buffer its
		// manifest is unescaped into, which the next tag reuses.
		w = wireTag{Manifest: manifestText{buf: w.Manifest.buf[:0]}}
		if err := w.decode(&s); err != nil {
			return dst, fmt.Errorf("tag %d: %w", len(dst), err)
		}
		if s.Failed() {
			break
		}
		dst = append(dst, w.tag(withManifest))
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

// decode reads one tag, an object (or null, which leaves w as it is), from
// s. A syntax error is left for the caller to find in s.
func (w *wireTag) decode(s *jsonscan.Scanner) error {
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
		var err error
		switch jsonscan.Field(key, tagFields[:]) {
		case fID:
			err = decodeInt(s, &w.ID)
		case fRepoID:
			err = decodeInt(s, &w.RepoID)
		case fTag:
			err = decodeString(s, &w.Tag)
		case fImageID:
			err = decodeString(s, &w.ImageID)
		case fDigest:
			err = decodeString(s, &w.Digest)
		case fSchema:
			err = decodeInt(s, &w.Schema)
		case fPath:
			err = decodeString(s, &w.Path)
		case fInternalPath:
			err = decodeString(s, &w.InternalPath)
		case fSize:
			err = decodeInt(s, &w.Size)
		case fIsTrusted:
			err = decodeBool(s, &w.IsTrusted)
		case fCreated:
			err = decodeTime(s, &w.Created)
		case fUpdated:
			err = decodeTime(s, &w.Updated)
		case fDeleted:
			err = decodeTime(s, &w.Deleted)
		case fDomainID:
			err = decodeString(s, &w.DomainID)
		case fScanned:
			err = decodeBool(s, &w.Scanned)
		case fTagType:
			err = decodeInt(s, &w.TagType)
		case fManifest:
			err = decodeUnmarshaler(s, &w.Manifest)
		default:
			s.Skip()
		}
		if err != nil {
			return fmt.Errorf("%q: %w", key, err)
		}
	}
}

// The fields of wireTag, and their JSON names (as in its struct tags): a
// read-only table for jsonscan.Field.
const (
	fID = iota
	fRepoID
	fTag
	fImageID
	fDigest
	fSchema
	fPath
	fInternalPath
	fSize
	fIsTrusted
	fCreated
	fUpdated
	fDeleted
	fDomainID
	fScanned
	fTagType
	fManifest
	nTagFields
)

var tagFields = [nTagFields]string{
	fID: "id", fRepoID: "repo_id", fTag: "Tag", fImageID: "image_id", fDigest: "digest", fSchema: "schema",
	fPath: "path", fInternalPath: "internal_path", fSize: "size", fIsTrusted: "is_trusted",
	fCreated: "created", fUpdated: "updated", fDeleted: "deleted", fDomainID: "domain_id", fScanned: "scanned",
	fTagType: "tag_type", fManifest: "manifest",
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

// decodeTime reads a time field as its UnmarshalJSON does, but hands a
// string without escapes (every time SWR sends) straight to apitime.Parse
// rather than through the json.Unmarshal that UnmarshalJSON unquotes it
// with, which cost a fifth of a page.
func decodeTime(s *jsonscan.Scanner, dst *apitime.Time) error {
	if s.Peek() != '"' {
		return decodeUnmarshaler(s, dst)
	}
	lit, plain := s.String()
	switch {
	case s.Failed():
		return nil
	case !plain:
		return dst.UnmarshalJSON(lit)
	}
	t, err := apitime.Parse(string(lit[1 : len(lit)-1]))
	if err != nil {
		return err
	}
	dst.Time = t
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
// it. An answer without a tag name is an error.
func DecodeTag(body []byte, withManifest bool) (Tag, error) {
	var w wireTag
	if err := json.Unmarshal(body, &w); err != nil {
		return Tag{}, fmt.Errorf("tag: %w", err)
	}
	if w.Tag == "" {
		return Tag{}, errors.New(`tag: no object with a "Tag" name`)
	}
	return w.tag(withManifest), nil
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
