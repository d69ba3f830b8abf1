package ppio

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
)

// Fuzz targets for the PPIO decoders. Plain `go test` replays the f.Add
// seeds and the files under testdata/fuzz.

const fuzzImagePage = `{"data":[{"id":"img-1","name":"pytorch","image":"registry.example.com/base/pytorch",` +
	`"type":"base","status":{"status":"normal","error":"","message":""},"created_at":1530857935,` +
	`"tags":[{"id":"t1","tag":"2.1","owner_id":"o1","full_image_name":"registry.example.com/base/pytorch:2.1"}]},` +
	`{"id":"img-2","name":"\u955c\u50cf","created_at":"2018-07-06T06:18:55Z","status":null,"tags":[]}],` +
	`"next_cursor":"c2","has_more":true}`

// FuzzDecodePage: decodeImagePage never panics; a page it accepts came
// from one JSON object, and every image has an id and its times in UTC.
func FuzzDecodePage(f *testing.F) {
	for _, body := range []string{
		fuzzImagePage,
		`{"data":[],"next_cursor":"","has_more":false}`,
		`{"data":null}`,
		`{"data":[]}`,
		`{}`,
		`{"next_cursor":"x","has_more":true}`,
		`{"data":[{"name":"no id"}]}`,
		`{"data":[{"id":""}]}`,
		`{"data":[null]}`,
		`{"data":[{"id":"a","created_at":"yesterday"}]}`,
		`{"data":[{"id":"a","created_at":1e20}]}`,
		`{"data":[{"id":"a","created_at":"1530857935.5"}]}`,
		`{"data":[{"id":"a","created_at":99999999999999999999999}]}`,
		`{"data":[{"id":5}]}`,
		`{"data":[{"id":"a","tags":{"id":"t"}}]}`,
		`{"data":[{"id":"a","status":"normal"}]}`,
		`{"data":{"id":"a"}}`,
		`{"data":"[]"}`,
		`{"data":[],"has_more":"yes"}`,
		`{"data":[]} trailing`,
		`{"data":[{"id":"a"}`,
		`{"code":401,"reason":"UNAUTHORIZED","message":"bad key"}`,
		`[]`,
		`null`,
		``,
		`<html><body>502 Bad Gateway</body></html>`,
		"{\"data\":[{\"id\":\"\xff\"}]}",
	} {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		page, err := decodeImagePage(body)
		page2, err2 := decodeImagePage(body)
		if (err == nil) != (err2 == nil) || !reflect.DeepEqual(page, page2) {
			t.Fatalf("decodeImagePage(%q) not deterministic: %+v, %v then %+v, %v", body, page, err, page2, err2)
		}
		if err != nil {
			if page != nil {
				t.Fatalf("decodeImagePage(%q) failed (%v) but returned a page", body, err)
			}
			return
		}
		if !json.Valid(body) {
			t.Fatalf("decodeImagePage accepted %q, which is not JSON", body)
		}
		if trimmed := bytes.TrimSpace(body); trimmed[0] != '{' {
			t.Fatalf("decodeImagePage accepted %q, which is not an object", body)
		}
		var raw struct {
			Data []json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(body, &raw); err != nil || len(raw.Data) != len(page.images) {
			t.Fatalf("%d images decoded from %q; encoding/json sees %d (%v)", len(page.images), body, len(raw.Data), err)
		}
		if page.images == nil {
			t.Fatal("an empty page has a nil image list")
		}
		for i, img := range page.images {
			if img.ID == "" {
				t.Fatalf("image %d has no id", i)
			}
			if img.CreatedAt.Location() != time.UTC {
				t.Fatalf("image %d: created_at %v not UTC", i, img.CreatedAt)
			}
			if img.Tags != nil && len(img.Tags) == 0 {
				t.Fatalf("image %d: empty tags not nil", i)
			}
		}
	})
}

// FuzzErrorBody: errorBody never panics, always has something to say, and
// takes the message from "message" when there is one.
func FuzzErrorBody(f *testing.F) {
	for _, body := range []string{
		`{"code":401,"reason":"UNAUTHORIZED","message":"invalid api key"}`,
		`{"code":"401","reason":"UNAUTHORIZED","message":"invalid api key"}`,
		`{"code":"E1001","reason":"UNAUTHORIZED","message":"invalid api key"}`,
		`{"code":429,"reason":"TOO_MANY_REQUESTS"}`,
		`{"message":"  padded  "}`,
		`{"message":"   "}`,
		`{"message":5}`,
		`{"message":null,"reason":null}`,
		`{"error":"not found"}`,
		`{"error":{"message":"nested","code":3}}`,
		`{"error":{"message":5}}`,
		`{"error":[1,2]}`,
		`{"code":1e400}`,
		`{"code":-0.5e-10,"message":"m"}`,
		`{"code":true,"message":"m"}`,
		`{}`,
		`[]`,
		`"just a string"`,
		`null`,
		`42`,
		``,
		`{"message":`,
		`<html><body><h1>502 Bad Gateway</h1></body></html>`,
		`{"message":"\u9519\u8bef"}`,
		`{"message":"\ud800"}`,
		"{\"message\":\"\xff\"}",
		strings.Repeat("错", 100),
	} {
		f.Add(401, []byte(body))
	}
	f.Add(500, []byte(`{"code":500,"reason":"INTERNAL","message":"m"}`))
	f.Add(0, []byte(`{"code":"0","reason":"R","message":"m"}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		code, message := errorBody(status, body)
		if c2, m2 := errorBody(status, body); c2 != code || m2 != message {
			t.Fatalf("errorBody(%q) not deterministic: (%q, %q) then (%q, %q)", body, code, message, c2, m2)
		}
		if message == "" {
			t.Fatalf("errorBody(%d, %q) has no message", status, body)
		}
		if !utf8.ValidString(code) || strings.TrimSpace(code) != code {
			t.Fatalf("errorBody(%q) code %q is not trimmed UTF-8", body, code)
		}
		var obj struct {
			Message string `json:"message"`
		}
		switch {
		case !json.Valid(body):
			if code != "" || message != apierror.Snippet(body) {
				t.Fatalf("errorBody(%q) = (%q, %q); a body that is not JSON is its snippet", body, code, message)
			}
		case json.Unmarshal(body, &obj) == nil && strings.TrimSpace(obj.Message) != "":
			if message != strings.TrimSpace(obj.Message) {
				t.Fatalf("errorBody(%q) message %q, want %q", body, message, strings.TrimSpace(obj.Message))
			}
		}
	})
}
