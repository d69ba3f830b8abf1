package swr

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
)

// Fuzz targets for the SWR decoders and the request signer. Plain `go test`
// replays the f.Add seeds and the files under testdata/fuzz.

const fuzzTagPage = `[{"id":1,"repo_id":2,"Tag":"v1","image_id":"sha256:aa","digest":"sha256:bb",` +
	`"manifest":"{\"schemaVersion\":2}","schema":2,"path":"swr.example.com/ns/repo:v1",` +
	`"internal_path":"10.0.0.1/ns/repo:v1","size":1024,"is_trusted":false,` +
	`"created":"2018-07-06T06:18:55Z","updated":1530857935,"deleted":null,` +
	`"domain_id":"d1","scanned":true,"tag_type":0},` +
	`{"id":3,"Tag":"latest","created":"2018-07-06 06:18:55","updated":"1530857935.5","tag_type":1}]`

func FuzzDecodeTags(f *testing.F) {
	for _, body := range []string{
		fuzzTagPage,
		`[]`,
		` [ ] `,
		`[]]`,
		`[]}`,
		`[] []`,
		`[]x`,
		`[`,
		`[{"id":1}`,
		`[{"id":1},]`,
		`[,{"id":1}]`,
		`[{"id":1} {"id":2}]`,
		`[null]`,
		`[1]`,
		`["v1"]`,
		`{"tags":[]}`,
		`null`,
		``,
		`<html><body>502 Bad Gateway</body></html>`,
		`[{"id":"1"}]`,
		`[{"id":1e400}]`,
		`[{"size":99999999999999999999}]`,
		`[{"created":"yesterday"}]`,
		`[{"created":"NaN"}]`,
		`[{"manifest":5}]`,
		`[{"Tag":"\u6807\u7b7e","manifest":"\ud800"}]`,
		"[{\"Tag\":\"\xff\"}]",
	} {
		f.Add([]byte(body), true)
		f.Add([]byte(body), false)
	}
	f.Fuzz(func(t *testing.T, body []byte, withManifest bool) {
		tags, err := DecodeTags(body, withManifest, nil)
		if err != nil {
			return
		}
		if !json.Valid(body) {
			t.Fatalf("DecodeTags accepted %q, which is not one complete JSON value", body)
		}
		if trimmed := strings.TrimSpace(string(body)); !strings.HasPrefix(trimmed, "[") || !strings.HasSuffix(trimmed, "]") {
			t.Fatalf("DecodeTags accepted %q, which is not an array", body)
		}
		var elems []json.RawMessage
		if err := json.Unmarshal(body, &elems); err != nil || len(elems) != len(tags) {
			t.Fatalf("DecodeTags found %d tags in %q; encoding/json sees %d (%v)", len(tags), body, len(elems), err)
		}
		again, err := DecodeTags(body, withManifest, nil)
		if err != nil || !reflect.DeepEqual(again, tags) {
			t.Fatalf("DecodeTags(%q) not deterministic:\n%+v\n%+v (%v)", body, tags, again, err)
		}
		// Appending keeps what dst held.
		dst := []Tag{{Tag: "kept"}}
		appended, err := DecodeTags(body, withManifest, dst)
		if err != nil || len(appended) != len(tags)+1 || appended[0].Tag != "kept" || (len(tags) > 0 && !reflect.DeepEqual(appended[1:], tags)) {
			t.Fatalf("DecodeTags(%q) onto a non-empty dst: %+v (%v)", body, appended, err)
		}
		for i, tag := range tags {
			for _, tm := range []time.Time{tag.Created, tag.Updated, tag.Deleted} {
				if tm.Location() != time.UTC {
					t.Fatalf("tag %d: time %v not UTC", i, tm)
				}
			}
		}
		if withManifest {
			// What decodes with the manifest decodes without it, the same but for it.
			without, err := DecodeTags(body, false, nil)
			if err != nil {
				t.Fatalf("%q decodes with manifests but not without: %v", body, err)
			}
			for i := range tags {
				tags[i].Manifest = ""
			}
			if !reflect.DeepEqual(without, tags) {
				t.Fatalf("%q: without manifests\n%+v\nwith them\n%+v", body, without, tags)
			}
			return
		}
		for i, tag := range tags {
			if tag.Manifest != "" {
				t.Fatalf("tag %d carries a manifest though none was asked for", i)
			}
		}
	})
}

func FuzzParseContentRange(f *testing.F) {
	for _, h := range []string{
		"0-99/250",
		"items 0-99/250",
		" items 100-199/250 ",
		"0-0/0",
		"*/250",
		"0-99/",
		"0-99",
		"0-99/-1",
		"0-99/+7",
		"0-99/ 42 ",
		"0-99/1/2",
		"0-99/9223372036854775807",
		"0-99/9223372036854775808",
		"0-99/1e3",
		"0-99/０",
		"",
		"/",
		"\xff/1",
	} {
		f.Add(h, int64(0), int64(100), int64(250))
	}
	f.Add("", int64(-5), int64(0), int64(-1))
	f.Add("", int64(0), int64(0), int64(9223372036854775807))
	f.Fuzz(func(t *testing.T, h string, offset, count, total int64) {
		got, err := ParseContentRange(h)
		if err == nil {
			if got < 0 {
				t.Fatalf("ParseContentRange(%q) = %d, negative", h, got)
			}
			if !strings.Contains(h, "/") {
				t.Fatalf("ParseContentRange(%q) = %d with no '/' in it", h, got)
			}
			if again, err := ParseContentRange(h); err != nil || again != got {
				t.Fatalf("ParseContentRange(%q) not deterministic: %d then %d, %v", h, got, again, err)
			}
		} else if got != 0 {
			t.Fatalf("ParseContentRange(%q) failed (%v) but returned %d", h, err, got)
		}

		// Round trip: what the service sends parses back to its total.
		for _, prefix := range []string{"", "items "} {
			hdr := fmt.Sprintf("%s%d-%d/%d", prefix, offset, count, total)
			got, err := ParseContentRange(hdr)
			switch {
			case total < 0 && err == nil:
				t.Fatalf("ParseContentRange(%q) = %d, want an error for a negative total", hdr, got)
			case total >= 0 && total <= int64(maxInt) && (err != nil || int64(got) != total):
				t.Fatalf("ParseContentRange(%q) = %d, %v; want %d", hdr, got, err, total)
			}
		}
	})
}

const maxInt = int(^uint(0) >> 1)

func FuzzErrorBody(f *testing.F) {
	for _, body := range []string{
		`{"error_code":"SVCSTG.SWR.4001008","error_msg":"Invalid token"}`,
		`{"error_code":"SVCSTG.SWR.4001008"}`,
		`{"error_msg":"only a message"}`,
		`{"code":"APIGW.0301","message":"Incorrect IAM authentication information"}`,
		`{"code":404,"message":"not found"}`,
		`{"code":1e400,"message":"huge"}`,
		`{"code":null,"message":""}`,
		`{"code":{"nested":true}}`,
		`{"message":"no code"}`,
		`[{"errorCode":"SWR.0001","errorMessage":"bad","detail":"why"}]`,
		`[{"errorCode":"SWR.0002","errorMessage":"no detail"}]`,
		`[]`,
		`[1]`,
		`{}`,
		`null`,
		``,
		`   `,
		`{"error_code":`,
		`<html><body><h1>502 Bad Gateway</h1></body></html>`,
		`{"error_code":5}`,
		`{"error_msg":"\u9519\u8bef"}`,
		"\xff\xfe{",
		strings.Repeat("错", 100),
	} {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		code, message := errorBody(body)
		if c2, m2 := errorBody(body); c2 != code || m2 != message {
			t.Fatalf("errorBody(%q) not deterministic: (%q, %q) then (%q, %q)", body, code, message, c2, m2)
		}
		if !json.Valid(body) {
			if code != "" || message != apierror.Snippet(body) {
				t.Fatalf("errorBody(%q) = (%q, %q); a body that is not JSON is its snippet", body, code, message)
			}
			return
		}
		var obj struct {
			ErrorCode string `json:"error_code"`
			ErrorMsg  string `json:"error_msg"`
		}
		if json.Unmarshal(body, &obj) == nil && (obj.ErrorCode != "" || obj.ErrorMsg != "") &&
			(code != obj.ErrorCode || message != obj.ErrorMsg) {
			t.Fatalf("errorBody(%q) = (%q, %q), want the error_code/error_msg (%q, %q)", body, code, message, obj.ErrorCode, obj.ErrorMsg)
		}
		if code == "" && message == "" {
			// Only a body that names neither may come back empty.
			var named struct {
				ErrorCode string `json:"error_code"`
				ErrorMsg  string `json:"error_msg"`
				Message   string `json:"message"`
			}
			_ = json.Unmarshal(body, &named)
			if named.ErrorCode != "" || named.ErrorMsg != "" || named.Message != "" {
				t.Fatalf("errorBody(%q) lost the error", body)
			}
		}
	})
}

func FuzzDecodeProjects(f *testing.F) {
	for _, body := range []string{
		`{"projects":[{"id":"0a1b2c","name":"cn-north-4"}]}`,
		`{"projects":[]}`,
		`{"projects":[{"id":"","name":"cn-north-4"}]}`,
		`{"projects":[{"id":"a"},{"id":"b"}]}`,
		`{"projects":null}`,
		`{"projects":{"id":"a"}}`,
		`{"projects":[{"id":5}]}`,
		`{}`,
		`[]`,
		`null`,
		``,
		`<html></html>`,
		`{"projects":[{"id":"a"}]} trailing`,
	} {
		f.Add([]byte(body), "cn-north-4")
	}
	f.Fuzz(func(t *testing.T, body []byte, region string) {
		id, malformed, err := decodeProjects(body, region)
		if malformed && (err == nil || json.Valid(body) && id != "") {
			t.Fatalf("decodeProjects(%q): malformed without an error, or with an id", body)
		}
		if err != nil {
			if id != "" {
				t.Fatalf("decodeProjects(%q) failed (%v) but returned %q", body, err, id)
			}
			return
		}
		if id == "" {
			t.Fatalf("decodeProjects(%q) succeeded with an empty id", body)
		}
		if !json.Valid(body) {
			t.Fatalf("decodeProjects accepted %q, which is not JSON", body)
		}
	})
}

// FuzzDecodeTagsMatchesReference: DecodeTags reads any body exactly as
// the encoding/json Decoder it replaced (reference_test.go) reads it: the
// same tags, and an error for the same bodies, after the same tags.
func FuzzDecodeTagsMatchesReference(f *testing.F) {
	const tag = `{"id":1,"Tag":"v1","manifest":"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",` +
		`\"manifests\":[{\"digest\":\"sha256:1\",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}}]}","created":"2018-07-06T06:18:55Z"}`
	seeds := []string{
		fuzzTagPage, `[]`, ` [ ] `, `[]]`, `[]}`, `[] []`, `[]x`, `[`, `[{"id":1}`, `[,{"id":1}]`, `[null]`, `[1]`, `["v1"]`,
		`{"tags":[]}`, `null`, ``, `<html><body>502 Bad Gateway</body></html>`, `[{"id":"1"}]`, `[{"id":1e400}]`,
		`[{"size":99999999999999999999}]`, `[{"created":"yesterday"}]`, `[{"created":"NaN"}]`, `[{"manifest":5}]`,
		`[{"Tag":"\u6807\u7b7e","manifest":"\ud800"}]`, "[{\"Tag\":\"\xff\"}]",
		`[` + tag + `,` + tag + `]`, `[` + tag + `,null,` + tag + `]`, " \t\r\n[ " + tag + " ] \n",
		// Keys as encoding/json matches them, and keys given twice.
		`[{"TAG":"a","ID":2,"Repo_Id":3,"ſize":4,"ſcanned":true,"IS_TRUSTED":true,"Tag_Type":1,"MANIFEST":"{}"}]`,
		`[{"Tag":"a","tag":"b","Tag":null,"id":1,"id":null,"manifest":"{}","manifest":null,"created":1,"created":null}]`,
		`[{"T\u0061g":"\u0076\u0031","\u0069d":7,"manifest":"{\"m\\u0065diaType\":\"x\"}"}]`,
		// Values of the wrong type, and numbers ParseInt refuses.
		`[{"Tag":5}]`, `[{"Tag":{}}]`, `[{"Tag":[]}]`, `[{"Tag":true}]`, `[{"id":1.0}]`, `[{"id":-0}]`, `[{"id":9223372036854775808}]`,
		`[{"id":-9223372036854775808}]`, `[{"is_trusted":1}]`, `[{"is_trusted":"true"}]`, `[{"scanned":null}]`,
		`[{"manifest":{}}]`, `[{"manifest":[]}]`, `[{"manifest":true}]`, `[{"manifest":"\u0000"}]`, `[{"manifest":""}]`,
		`[{"created":{}}]`, `[{"created":[1]}]`, `[{"created":true}]`, `[{"created":""}]`, `[{"created":" 1530857935 "}]`,
		`[{"created":"2018-07-06T06:18:55+08:00"}]`, `[{"deleted":"\u0032\u0030\u0031\u0038-07-06 06:18:55"}]`,
		`[{"unknown":{"a":[1,2,{"b":null}]},"Tag":"v1"}]`, `[{"unknown":[1,]}]`, `[{"unknown":01}]`, `[{"id":1,}]`,
		`[{"id":1}]x`, `[{"id":1}] ]`, `[{"id":1}]]`, `[{"id":1}]}`, `[{"id":1},]`, `[{"id":1}{"id":2}]`, `[[]]`, `[true]`,
		"[{\"Tag\":\"\xff\xfe\"}]", "[{\"Tag\":\"\x00\"}]", "\ufeff[]",
		// Nesting at encoding/json's limit of 10,000, counted from the tag.
		`[{"x":` + strings.Repeat("[", 9998) + strings.Repeat("]", 9998) + `}]`,
		`[{"x":` + strings.Repeat("[", 9999) + strings.Repeat("]", 9999) + `}]`,
		`[{"x":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}]`,
	}
	for _, body := range seeds {
		f.Add([]byte(body), true)
		f.Add([]byte(body), false)
	}
	f.Fuzz(func(t *testing.T, body []byte, withManifest bool) {
		got, err := DecodeTags(body, withManifest, nil)
		want, refErr := refDecodeTags(body, withManifest, nil)
		if (err == nil) != (refErr == nil) || !reflect.DeepEqual(got, want) {
			t.Fatalf("DecodeTags(%q, %v) = %d tags, %v; encoding/json: %d tags, %v\n got %+v\nwant %+v",
				body, withManifest, len(got), err, len(want), refErr, got, want)
		}
	})
}

// FuzzDecodeTagMatchesReference: DecodeTag reads ShowRepoTag's answer as
// json.Unmarshal into the reference's wireTag (Tag's json tags) read it: the same tag, and
// an error for the same answers.
func FuzzDecodeTagMatchesReference(f *testing.F) {
	for _, body := range []string{
		`{"id":1,"Tag":"v1","manifest":"{\"schemaVersion\":2}","created":"2018-07-06T06:18:55Z","deleted":null}`,
		`{"Tag":"v1"} `, `{"Tag":"v1"} x`, `{"Tag":"v1"}}`, `{"Tag":""}`, `{}`, `null`, ``, `[]`, `"v1"`, `{"Tag":"v1"`,
		`{"Tag":"v1","id":"1"}`, `{"Tag":"v1","id":"1"} x`, `{"TAG":"v1","ſize":4}`, `{"Tag":"v1","created":"yesterday"}`,
		`{"Tag":"v1","manifest":5}`, `{"Tag":"v1","x":[1,]}`,
	} {
		f.Add([]byte(body), true)
		f.Add([]byte(body), false)
	}
	f.Fuzz(func(t *testing.T, body []byte, withManifest bool) {
		got, err := DecodeTag(body, withManifest)
		w := newWireTag(nil)
		refErr := json.Unmarshal(body, w.ptr.Interface())
		var want Tag
		switch {
		case refErr == nil && w.ptr.Elem().FieldByName("Tag").String() == "":
			refErr = fmt.Errorf("no tag name")
		case refErr == nil:
			want = w.tag(withManifest)
		}
		if (err == nil) != (refErr == nil) || !reflect.DeepEqual(got, want) {
			t.Fatalf("DecodeTag(%q, %v) = %+v, %v; json.Unmarshal: %+v, %v", body, withManifest, got, err, want, refErr)
		}
	})
}
