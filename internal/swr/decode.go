package swr

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/apitime"
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

// DecodeTags reads a page: a JSON array of tags, element by element, and
// appends them to dst. Anything but a complete array is an error.
func DecodeTags(body []byte, withManifest bool, dst []Tag) ([]Tag, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	if err != nil {
		return dst, fmt.Errorf("tag list: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return dst, fmt.Errorf("tag list is not a JSON array (starts with %v)", tok)
	}
	var w wireTag
	for dec.More() {
		// Each tag decodes into a zero wireTag but for the buffer its
		// manifest is unescaped into, which the next tag reuses.
		w = wireTag{Manifest: manifestText{buf: w.Manifest.buf[:0]}}
		if err := dec.Decode(&w); err != nil {
			return dst, fmt.Errorf("tag %d: %w", len(dst), err)
		}
		dst = append(dst, w.tag(withManifest))
	}
	if _, err := dec.Token(); err != nil {
		return dst, fmt.Errorf("tag list: %w", err)
	}
	if dec.More() {
		return dst, errors.New("tag list: data after the array")
	}
	// Only the end of the input may follow. More does not report a stray
	// ']' or '}', and Token fails on those with a syntax error, not io.EOF.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return dst, errors.New("tag list: data after the array")
	}
	return dst, nil
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
	return e
}

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
