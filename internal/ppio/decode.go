package ppio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/apitime"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
)

// Image is one image as PPIO reports it, its status object flattened and
// its creation time in UTC.
type Image struct {
	ID            string
	Name          string
	Image         string // registry path, e.g. registry.example.com/base/pytorch
	Type          string // base, community or private
	Status        string // unknown, normal, hide, disable, creating, deleting
	StatusError   string // error code or type, if any
	StatusMessage string // status note or error message, if any
	CreatedAt     time.Time
	Tags          []Tag // in the service's order
}

// Tag is one tag of an image.
type Tag struct {
	ID            string
	Tag           string
	OwnerID       string
	FullImageName string // image path with ":<tag>"
}

type wireTag struct {
	ID            string `json:"id"`
	Tag           string `json:"tag"`
	OwnerID       string `json:"owner_id"`
	FullImageName string `json:"full_image_name"`
}

type wireImage struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Image  string `json:"image"`
	Type   string `json:"type"`
	Status *struct {
		Status  string `json:"status"`
		Error   string `json:"error"`
		Message string `json:"message"`
	} `json:"status"`
	// created_at is documented as an integer of unix seconds; apitime also
	// takes a numeric or date-time string, should the service send one.
	CreatedAt apitime.Time `json:"created_at"`
	Tags      []wireTag    `json:"tags"`
}

// wireEnvelope keeps data raw so that a body without it (an error object
// or some other JSON sent with status 200) is told apart from an empty page.
type wireEnvelope struct {
	Data       json.RawMessage `json:"data"`
	NextCursor string          `json:"next_cursor"`
	HasMore    bool            `json:"has_more"`
}

type decodedPage struct {
	images     []Image
	nextCursor string
	hasMore    bool
}

// decodeImagePage reads one page strictly: the body must be one complete
// JSON object with a data array (null is taken as empty) and fields of the
// documented types; unknown fields are ignored. Every image needs an id,
// the key duplicates are found by.
func decodeImagePage(body []byte) (*decodedPage, error) {
	var env wireEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("image page: %w", err)
	}
	if len(env.Data) == 0 {
		return nil, errors.New(`image page has no "data" field`)
	}
	var wire []wireImage
	if err := json.Unmarshal(env.Data, &wire); err != nil {
		return nil, fmt.Errorf("image list: %w", err)
	}
	p := &decodedPage{images: make([]Image, 0, len(wire)), nextCursor: env.NextCursor, hasMore: env.HasMore}
	for i, w := range wire {
		if w.ID == "" {
			return nil, fmt.Errorf("image %d has no id", i)
		}
		img := Image{ID: w.ID, Name: w.Name, Image: w.Image, Type: w.Type, CreatedAt: w.CreatedAt.Time}
		if w.Status != nil {
			img.Status, img.StatusError, img.StatusMessage = w.Status.Status, w.Status.Error, w.Status.Message
		}
		if len(w.Tags) > 0 {
			img.Tags = make([]Tag, len(w.Tags))
			for k, t := range w.Tags {
				img.Tags[k] = Tag(t)
			}
		}
		p.images = append(p.images, img)
	}
	return p, nil
}

// decodeError turns an error answer (status >= 400) into an *apierror.Error.
// PPIO does not document its error body, so the message is taken from
// "message", "reason" or "error", whichever is present, and failing those
// is the start of the body.
func decodeError(call string, resp *transport.Response) error {
	e := &apierror.Error{
		Cloud: CloudName, Call: call, Kind: apierror.KindForStatus(resp.StatusCode),
		HTTPStatus: resp.StatusCode, RequestID: resp.Header.Get("X-Request-Id"), Attempts: resp.Attempts,
	}
	e.Code, e.Message = errorBody(resp.StatusCode, resp.Body)
	return e
}

func errorBody(status int, body []byte) (code, message string) {
	var obj struct {
		Code    json.RawMessage `json:"code"`
		Reason  json.RawMessage `json:"reason"`
		Message json.RawMessage `json:"message"`
		Error   json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &obj) != nil {
		return "", apierror.Snippet(body)
	}
	code = scalar(obj.Code)
	reason := scalar(obj.Reason)
	switch msg := scalar(obj.Message); {
	case msg != "":
		message = msg
		// With a message, a reason ("UNAUTHORIZED") is the better code when
		// the code only repeats the HTTP status.
		if reason != "" && (code == "" || code == strconv.Itoa(status)) {
			code = reason
		}
	case reason != "":
		message = reason
	default:
		message = errorField(obj.Error)
	}
	if message == "" {
		message = apierror.Snippet(body)
	}
	return code, message
}

// errorField reads "error" as a string or as an object with a message.
func errorField(raw json.RawMessage) string {
	if s := scalar(raw); s != "" {
		return s
	}
	var nested struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &nested) == nil {
		return nested.Message
	}
	return ""
}

// scalar is a JSON string's text or a number's digits; "" for anything else.
func scalar(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}
