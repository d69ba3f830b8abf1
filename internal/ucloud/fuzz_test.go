package ucloud

import (
	"crypto/sha1" //nolint:gosec // the reference implementation of a SHA-1 signature
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
)

// Fuzz targets for the UCloud signer and the GetRepoImage decoder. Plain
// `go test` replays the f.Add seeds and the files under testdata/fuzz.

// referenceSignature is the published algorithm written out as literally as
// possible, sharing no code with Signature: the parameter names but
// Signature, sorted by comparing bytes, each followed by its (first) value,
// the private key appended, the SHA-1 of it all in lower-case hex.
func referenceSignature(params url.Values, privateKey string) string {
	var names []string
	for name := range params {
		if name != "Signature" {
			names = append(names, name)
		}
	}
	for i := 1; i < len(names); i++ { // insertion sort, byte-wise
		for j := i; j > 0 && names[j] < names[j-1]; j-- {
			names[j], names[j-1] = names[j-1], names[j]
		}
	}
	s := ""
	for _, name := range names {
		value := ""
		if len(params[name]) > 0 {
			value = params[name][0]
		}
		s += name + value
	}
	s += privateKey
	return fmt.Sprintf("%x", sha1.Sum([]byte(s))) //nolint:gosec // see import
}

// FuzzSignature signs a form-encoded parameter set plus one raw name/value
// pair (raw: not escaped, as the signature never escapes) and compares the
// result with the reference.
func FuzzSignature(f *testing.F) {
	// The published vectors (signer_test.go), as forms.
	describe := "Action=DescribeUHostInstance&Region=cn-bj2&Limit=10&PublicKey=" + url.QueryEscape(vectorPublicKey)
	create := createUHostParams()
	create.Set("PublicKey", vectorPublicKey)
	f.Add(describe, "", "", vectorPrivateKey)
	f.Add(create.Encode(), "", "", vectorPrivateKey)
	f.Add(create.Encode(), "SecurityToken", "some_stoken", vectorPrivateKey)
	f.Add(describe, "Signature", "stale", vectorPrivateKey)
	f.Add("Action=GetRepoImage&RepoName=library&Offset=0&Limit=100&ProjectId=org-abc", "PublicKey", "pub", "priv")
	f.Add("CPU=2&ChargeType=Month&cpu=1&_x=1&%E4%B8%80=%E4%BA%8C", "Zone", "cn-bj2-04", "key")
	f.Add("a=1&a=2&b=&c", "a", "3", "")
	f.Add("", "", "", "")
	f.Add("%zz=1&x=%", "\xff", "\xfe", "\x00")
	f.Add("Signature=x&Signature=y", "Signature", "z", "k")
	f.Fuzz(func(t *testing.T, form, name, value, privateKey string) {
		params, _ := url.ParseQuery(form) // what parsed is kept, errors or not
		if params == nil {
			params = url.Values{}
		}
		if name != "" || value != "" {
			params.Add(name, value)
		}
		got := Signature(params, privateKey)
		if want := referenceSignature(params, privateKey); got != want {
			t.Fatalf("Signature(%q, %q) = %s, reference %s", params, privateKey, got, want)
		}
		if again := Signature(params, privateKey); again != got {
			t.Fatalf("Signature not deterministic: %s then %s", got, again)
		}

		// A Signature parameter is never signed over.
		withSig := url.Values{}
		for k, vs := range params {
			withSig[k] = append([]string(nil), vs...)
		}
		withSig.Set("Signature", got+"-stale")
		if s := Signature(withSig, privateKey); s != got {
			t.Fatalf("a Signature parameter changed the signature: %s, want %s", s, got)
		}

		// Sign sets PublicKey, the token if any, and the matching Signature.
		signed := url.Values{}
		for k, vs := range params {
			signed[k] = append([]string(nil), vs...)
		}
		Sign(signed, value, privateKey, name)
		if signed.Get("PublicKey") != value {
			t.Fatalf("PublicKey %q, want %q", signed.Get("PublicKey"), value)
		}
		if name != "" && signed.Get("SecurityToken") != name {
			t.Fatalf("SecurityToken %q, want %q", signed.Get("SecurityToken"), name)
		}
		if s := signed.Get("Signature"); s != referenceSignature(signed, privateKey) {
			t.Fatalf("Sign set Signature %s, reference %s", s, referenceSignature(signed, privateKey))
		}
	})
}

const fuzzImagePage = `{"RetCode":0,"Action":"GetRepoImageResponse","TotalCount":2,"ImageSet":[` +
	`{"ImageName":"nginx","RepoName":"library","PullCount":12,"CreateTime":1530857935,"UpdateTime":"1530857935","LatestTag":"1.25"},` +
	`{"ImageName":"redis","CreateTime":"2018-07-06T06:18:55Z","UpdateTime":"2018-07-06 06:18:55"}]}`

// FuzzDecodePage feeds decodePage any status and body. It must never panic;
// a page it accepts is a well-formed, zero-RetCode answer whose images all
// have names; an answer carrying a non-zero RetCode is always that error.
func FuzzDecodePage(f *testing.F) {
	for _, body := range []string{
		fuzzImagePage,
		`{"RetCode":0,"TotalCount":0,"ImageSet":[]}`,
		`{"RetCode":0,"TotalCount":0}`,
		`{"RetCode":0}`,
		`{"RetCode":0,"ImageSet":[{"ImageName":"a"}]}`,
		`{"RetCode":0,"TotalCount":-1,"ImageSet":[]}`,
		`{"RetCode":0,"TotalCount":1,"ImageSet":[{"RepoName":"library"}]}`,
		`{"RetCode":0,"TotalCount":1,"ImageSet":[{"ImageName":"a","CreateTime":"yesterday"}]}`,
		`{"RetCode":0,"TotalCount":1,"ImageSet":[{"ImageName":"a","CreateTime":1e20}]}`,
		`{"RetCode":0,"TotalCount":99999999999999999999,"ImageSet":[]}`,
		`{"RetCode":0,"TotalCount":"2","ImageSet":[]}`,
		`{"RetCode":0,"TotalCount":1,"ImageSet":{"ImageName":"a"}}`,
		`{"RetCode":0,"TotalCount":1,"ImageSet":[null]}`,
		`{"RetCode":171,"Message":"Signature VerifyAC Error"}`,
		`{"RetCode":172,"Message":""}`,
		`{"RetCode":153,"Message":"throttled"}`,
		`{"RetCode":2000,"Message":"internal"}`,
		`{"RetCode":171,"TotalCount":"wrong type"}`,
		`{"RetCode":"0"}`,
		`{"RetCode":0.5}`,
		`{"RetCode":null}`,
		`{"retcode":0,"totalcount":0}`,
		`{"RetCode":0,"RetCode":171}`,
		`{"RetCode":0,"TotalCount":1,"ImageSet":[{"ImageName":"\u955c\u50cf"}]}`,
		`{"RetCode":0,"TotalCount":1,"ImageSet":[{"ImageName":"a"}]} trailing`,
		`{"RetCode":0,"TotalCount":1,"ImageSet":[{"ImageName":"a"}`,
		`{}`,
		`[]`,
		`null`,
		``,
		`<html><body><h1>502 Bad Gateway</h1></body></html>`,
		"\xff\xfe",
	} {
		f.Add(200, []byte(body), "library", 100)
	}
	f.Add(502, []byte(`<html>Bad Gateway</html>`), "library", 100)
	f.Add(500, []byte(`{"RetCode":0,"TotalCount":0,"ImageSet":[]}`), "library", 100)
	f.Add(403, []byte(`{"RetCode":299,"Message":"denied"}`), "", 100)
	f.Add(200, []byte(fuzzImagePage), "", 1)
	f.Add(200, []byte(fuzzImagePage), "library", 0)
	f.Fuzz(func(t *testing.T, status int, body []byte, repo string, limit int) {
		// The client asks for a positive page size of at most a few thousand.
		if limit < 1 {
			limit = 1
		}
		limit = 1 + (limit-1)%5000
		resp := &transport.Response{StatusCode: status, Header: http.Header{}, Body: body, Attempts: 1}
		resp.Header.Set(headerRequestID, "req-1")

		page, err := decodePage(resp, repo, limit)
		page2, err2 := decodePage(resp, repo, limit)
		if (err == nil) != (err2 == nil) || !reflect.DeepEqual(page, page2) || (err != nil && err.Error() != err2.Error()) {
			t.Fatalf("decodePage not deterministic: %+v, %v then %+v, %v", page, err, page2, err2)
		}
		code, _, hasCode := head(body)

		if err != nil {
			if page != nil {
				t.Fatalf("decodePage failed (%v) but returned a page", err)
			}
			var ae *apierror.Error
			if !errors.As(err, &ae) {
				t.Fatalf("error %T %v is not an *apierror.Error", err, err)
			}
			if ae.Cloud != CloudName || ae.Call != callGetRepoImage || ae.HTTPStatus != status || ae.RequestID != "req-1" {
				t.Fatalf("error lost its context: %+v", ae)
			}
			if hasCode && code != 0 {
				// A RetCode is the error, whatever the HTTP status says.
				if ae.Code != strconv.Itoa(code) || ae.Kind != KindForRetCode(code) {
					t.Fatalf("RetCode %d reported as code %q kind %v", code, ae.Code, ae.Kind)
				}
			} else if ae.Code != "" {
				t.Fatalf("error has code %q but the body has no non-zero RetCode", ae.Code)
			}
			if ae.Message == "" && ae.Code == "" && ae.Err == nil {
				t.Fatalf("error says nothing: %+v", ae)
			}
			return
		}

		if status >= 400 {
			t.Fatalf("decodePage accepted an HTTP %d", status)
		}
		if !json.Valid(body) {
			t.Fatalf("decodePage accepted %q, which is not JSON", body)
		}
		if !hasCode || code != 0 {
			t.Fatalf("decodePage accepted %q without RetCode 0", body)
		}
		if page == nil {
			t.Fatal("no page and no error")
		}
		if page.Total < 0 {
			t.Fatalf("negative total %d", page.Total)
		}
		if len(page.Items) > limit {
			t.Fatalf("%d images on a page of %d", len(page.Items), limit)
		}
		if page.Meta.status != status || page.Meta.requestID != "req-1" {
			t.Fatalf("page lost its status or request id: %+v", page)
		}
		for i, im := range page.Items {
			if im.ImageName == "" {
				t.Fatalf("image %d has no name", i)
			}
			if repo != "" && im.RepoName == "" {
				t.Fatalf("image %d has no repository name", i)
			}
			for _, tm := range []time.Time{im.CreateTime, im.UpdateTime} {
				if tm.Location() != time.UTC {
					t.Fatalf("image %d: time %v not UTC", i, tm)
				}
			}
		}
		// The images are the ImageSet, in order.
		var raw struct {
			ImageSet []json.RawMessage `json:"ImageSet"`
		}
		if err := json.Unmarshal(body, &raw); err != nil || len(raw.ImageSet) != len(page.Items) {
			t.Fatalf("%d images decoded from %q; encoding/json sees %d (%v)", len(page.Items), body, len(raw.ImageSet), err)
		}
	})
}

const fuzzTagPage = `{"RetCode":0,"Action":"GetImageTagResponse","TotalCount":4,"TagSet":[` +
	`{"TagName":"1.25","UpdateTime":1530857935,"Digest":"sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac"},` +
	`{"TagName":"1.24","UpdateTime":"1530857935","Digest":""},` +
	`{"TagName":"latest","UpdateTime":"2018-07-06T14:18:55+08:00"},` +
	`{"TagName":"old","Digest":null}]}`

// FuzzDecodeTagPage feeds decodeTagPage any status and body, with the same
// promises as FuzzDecodePage: no panic; a page it accepts is a well-formed,
// zero-RetCode answer whose tags all have names, in TagSet order, times in
// UTC; a non-zero RetCode is always that error. A missing or empty Digest
// is never an error on its own.
func FuzzDecodeTagPage(f *testing.F) {
	for _, body := range []string{
		fuzzTagPage,
		`{"RetCode":0,"TotalCount":0,"TagSet":[]}`,
		`{"RetCode":0,"TotalCount":0}`,
		`{"RetCode":0,"TagSet":[{"TagName":"a"}]}`,
		`{"RetCode":0,"TotalCount":-1,"TagSet":[]}`,
		`{"RetCode":0,"TotalCount":1,"TagSet":[{"Digest":"sha256:00"}]}`,
		`{"RetCode":0,"TotalCount":1,"TagSet":[{"TagName":"a","Digest":7}]}`,
		`{"RetCode":0,"TotalCount":1,"TagSet":[{"TagName":"a","UpdateTime":"soon"}]}`,
		`{"RetCode":0,"TotalCount":1,"TagSet":[{"TagName":"a","UpdateTime":1e20}]}`,
		`{"RetCode":0,"TotalCount":1,"TagSet":[null]}`,
		`{"RetCode":0,"TotalCount":1,"TagSet":{"TagName":"a"}}`,
		`{"RetCode":0,"TotalCount":1,"ImageSet":[{"ImageName":"a"}]}`,
		`{"RetCode":230,"Message":"Params [ImageName] not available"}`,
		`{"RetCode":153,"Message":"throttled"}`,
		`{"RetCode":171,"TagSet":"wrong type"}`,
		`{"RetCode":"0"}`,
		`{"RetCode":0,"TotalCount":1,"TagSet":[{"TagName":"a"}]} trailing`,
		`<html><body><h1>502 Bad Gateway</h1></body></html>`,
		``,
		"\xff\xfe",
	} {
		f.Add(200, []byte(body), 100)
	}
	f.Add(502, []byte(`<html>Bad Gateway</html>`), 100)
	f.Add(403, []byte(`{"RetCode":299,"Message":"denied"}`), 100)
	f.Add(200, []byte(fuzzTagPage), 1)
	f.Fuzz(func(t *testing.T, status int, body []byte, limit int) {
		if limit < 1 {
			limit = 1
		}
		limit = 1 + (limit-1)%5000
		resp := &transport.Response{StatusCode: status, Header: http.Header{}, Body: body, Attempts: 1}
		resp.Header.Set(headerRequestID, "req-1")

		page, err := decodeTagPage(resp, limit)
		page2, err2 := decodeTagPage(resp, limit)
		if (err == nil) != (err2 == nil) || !reflect.DeepEqual(page, page2) || (err != nil && err.Error() != err2.Error()) {
			t.Fatalf("decodeTagPage not deterministic: %+v, %v then %+v, %v", page, err, page2, err2)
		}
		code, _, hasCode := head(body)
		if err != nil {
			if page != nil {
				t.Fatalf("decodeTagPage failed (%v) but returned a page", err)
			}
			var ae *apierror.Error
			if !errors.As(err, &ae) {
				t.Fatalf("error %T %v is not an *apierror.Error", err, err)
			}
			if ae.Cloud != CloudName || ae.Call != callGetImageTag || ae.HTTPStatus != status || ae.RequestID != "req-1" {
				t.Fatalf("error lost its context: %+v", ae)
			}
			if hasCode && code != 0 {
				if ae.Code != strconv.Itoa(code) || ae.Kind != KindForRetCode(code) {
					t.Fatalf("RetCode %d reported as code %q kind %v", code, ae.Code, ae.Kind)
				}
			} else if ae.Code != "" {
				t.Fatalf("error has code %q but the body has no non-zero RetCode", ae.Code)
			}
			return
		}
		if status >= 400 || !json.Valid(body) || !hasCode || code != 0 {
			t.Fatalf("decodeTagPage accepted HTTP %d %q", status, body)
		}
		if page == nil || page.Total < 0 || len(page.Items) > limit {
			t.Fatalf("bad page %+v for limit %d", page, limit)
		}
		if page.Meta.status != status || page.Meta.requestID != "req-1" {
			t.Fatalf("page lost its status or request id: %+v", page.Meta)
		}
		var raw struct {
			TagSet []struct {
				TagName string `json:"TagName"`
			} `json:"TagSet"`
		}
		if err := json.Unmarshal(body, &raw); err != nil || len(raw.TagSet) != len(page.Items) {
			t.Fatalf("%d tags decoded from %q; encoding/json sees %d (%v)", len(page.Items), body, len(raw.TagSet), err)
		}
		for i, tg := range page.Items {
			if tg.TagName == "" || tg.TagName != raw.TagSet[i].TagName {
				t.Fatalf("tag %d is %q, TagSet says %q", i, tg.TagName, raw.TagSet[i].TagName)
			}
			if tg.UpdateTime.Location() != time.UTC {
				t.Fatalf("tag %d: time %v not UTC", i, tg.UpdateTime)
			}
		}
	})
}
