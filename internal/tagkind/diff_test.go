package tagkind

import (
	"reflect"
	"strings"
	"testing"
)

// referenceSeeds are manifests that probe where a hand-written reader and
// encoding/json could part: escapes, case-folded and repeated keys, values
// of the wrong type, numbers strconv.ParseInt refuses, invalid UTF-8,
// nesting at encoding/json's limit, and JSON that is not quite JSON.
func referenceSeeds() []string {
	const (
		idx   = `"mediaType":"application/vnd.oci.image.index.v1+json"`
		entry = `{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:1","platform":{"os":"linux","architecture":"amd64"}}`
		att   = `{"digest":"sha256:2","annotations":{"vnd.docker.reference.type":"attestation-manifest"},"platform":{"os":"unknown","architecture":"unknown"}}`
		cfg   = `"config":{"mediaType":"application/vnd.oci.image.config.v1+json"}`
	)
	seeds := []string{
		// Escapes in strings and in keys.
		`{"schemaVersion":2,"media\u0054ype":"application\/vnd.oci.image.index.v1+json","manifests":[` + entry + `]}`,
		`{"\u006dediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application\/vnd.oci.image.config.v1\u002bjson"}}`,
		`{"schemaVersion":2,` + idx + `,"manifests":[{"annotations":{"vnd.docker.reference\u002etype":"attestation\u002dmanifest"}}]}`,
		`{"mediaType":"\u0022quoted\u0022","artifactType":"a\\b\/c\b\f\n\r\t"}`,
		`{"artifactType":"\ud83d\ude00 \ud800 \udc00 \ud800\u0041 \uDFFF\uD800"}`,
		`{"artifactType":"bad \u00zz"}`, `{"artifactType":"bad \x"}`, `{"artifactType":"tab	inside"}`,
		// Keys matched as encoding/json matches them: case, and Unicode folding.
		`{"SCHEMAVERSION":2,"MediaType":"application/vnd.oci.image.index.v1+json","MANIFESTS":[` + entry + `]}`,
		`{"ſchemaVersion":1,"fſLayers":[],"ſignatureſ":[]}`,
		`{"schemaVersion":2,"manifeſts":[{"Platform":{"OS":"linux","ArchitectURE":"arm","VARIANT":"v7","OS.Version":"10"}}]}`,
		`{"Config":{"MEDIATYPE":"application/vnd.cncf.helm.config.v1+json"}}`,
		`{"ARTIFACTTYPE":"application/spdx+json","SUBJECT":{}}`,
		`{"schemaVersion":2,` + idx + `,"manifests":[{"Annotations":{"VND.DOCKER.REFERENCE.TYPE":"attestation-manifest","vnd.docker.reference.type":"x"}}]}`,
		"{\"artifactType\":\"application/vnd.cncf.notary.signature\",\"\xff\":1,\"mediaType\xff\":\"x\"}",
		// Duplicate keys: encoding/json decodes each into the same place.
		`{"mediaType":"application/vnd.oci.image.index.v1+json","mediaType":"application/vnd.oci.image.manifest.v1+json",` + cfg + `}`,
		`{"mediaType":"a","mediaType":null,"mediaType":5,"artifactType":"x","artifactType":""}`,
		`{"schemaVersion":1,"schemaVersion":"2","schemaVersion":2.0,"schemaVersion":null,"fsLayers":null}`,
		`{"config":{"mediaType":"application/vnd.cncf.helm.config.v1+json"},"config":{"size":1}}`,
		`{"config":{"mediaType":"application/vnd.cncf.helm.config.v1+json"},"config":null,"config":{}}`,
		`{"config":{"mediaType":"application/vnd.wasm.config.v0+json"},"config":"x"}`,
		`{"config":7}`, `{"config":[]}`, `{"config":null}`, `{"config":true,"mediaType":""}`,
		`{"layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json"},{"mediaType":"x"}],"layers":[{"size":1}]}`,
		`{"layers":[{"mediaType":"application/vnd.dsse.envelope.v1+json"},{"mediaType":"x"}],"layers":[{}],"layers":[{},null]}`,
		`{"layers":[{"mediaType":"application/vnd.dsse.envelope.v1+json"},{"mediaType":"x"}],"layers":[],"layers":[{},{}]}`,
		`{"layers":[{"mediaType":"application/vnd.dsse.envelope.v1+json"}],"layers":null,"layers":[{}]}`,
		`{"layers":[{"mediaType":"application/vnd.dsse.envelope.v1+json"},{"mediaType":"application/vnd.dsse.envelope.v1+json"}],"layers":[],"layers":[{},{}]}`,
		`{"layers":[{"mediaType":"application/vnd.dsse.envelope.v1+json"},{"mediaType":"application/vnd.dsse.envelope.v1+json"}],"layers":[{}],"layers":[{},{}]}`,
		`{"layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json"},5,"x",null,[]]}`,
		`{` + idx + `,"manifests":[` + entry + `,` + att + `],"manifests":[` + att + `]}`,
		`{` + idx + `,"manifests":[` + att + `,` + entry + `],"manifests":[{"annotations":null}],"manifests":[{},{}]}`,
		`{` + idx + `,"manifests":[` + entry + `],"manifests":[],"manifests":[{}]}`,
		`{` + idx + `,"manifests":[` + entry + `,` + entry + `],"manifests":[],"manifests":[{},{}]}`,
		`{` + idx + `,"manifests":[` + entry + `,` + entry + `],"manifests":[{}],"manifests":[{},{}]}`,
		`{"manifests":[` + entry + `],"manifests":null}`, `{"schemaVersion":2,"manifests":[],"config":null}`,
		`{` + idx + `,"manifests":[{"platform":{"os":"linux","architecture":"arm"},"platform":{"variant":"v6"},"platform":"x"}]}`,
		`{` + idx + `,"manifests":[{"platform":{"os":"unknown","architecture":"unknown"},"platform":null}]}`,
		`{` + idx + `,"manifests":[{"annotations":{"vnd.docker.reference.type":"attestation-manifest"},"annotations":{"other":"x"}}]}`,
		`{` + idx + `,"manifests":[{"annotations":{"vnd.docker.reference.type":"attestation-manifest","vnd.docker.reference.type":7}}]}`,
		`{` + idx + `,"manifests":[{"annotations":{"vnd.docker.reference.type":"attestation-manifest"},"annotations":[]}]}`,
		`{` + idx + `,"manifests":[{"mediaType":"m","mediaType":1,"digest":"d","digest":null}]}`,
		`{"subject":{"digest":"x"},"subject":null,"config":{"mediaType":"application/vnd.dev.cosign.artifact.sig.v1+json"}}`,
		`{"subject":null,"subject":[],"config":{"mediaType":"application/vnd.in-toto+json"}}`,
		// Values of the wrong type, and fields the rules do not read.
		`{` + idx + `,"manifests":[{"data":"!","size":"x","urls":5,"annotations":{"a":1}}]}`,
		`{` + idx + `,"manifests":[{"size":"x","data":"!"}],"fsLayers":7}`,
		`{` + idx + `,"manifests":[{"data":"aGk="},{"data":[1,300]}]}`,
		`{"schemaVersion":"1","fsLayers":[]}`, `{"schemaVersion":true,"mediaType":[],"artifactType":{}}`,
		`{"manifests":{},"layers":"x","subject":"","fsLayers":{},"signatures":0}`,
		// Numbers strconv.ParseInt reads, and those it does not.
		`{"schemaVersion":-0,"fsLayers":[]}`, `{"schemaVersion":1.0,"fsLayers":[]}`, `{"schemaVersion":1e0,"fsLayers":[]}`,
		`{"schemaVersion":9223372036854775807}`, `{"schemaVersion":9223372036854775808}`,
		`{"schemaVersion":-9223372036854775808}`, `{"schemaVersion":-9223372036854775809}`,
		`{"schemaVersion":00}`, `{"schemaVersion":01}`, `{"schemaVersion":-}`, `{"schemaVersion":1.}`, `{"schemaVersion":.5}`,
		`{"schemaVersion":2e}`, `{"schemaVersion":2E+1}`, `{"schemaVersion":+2}`, `{"schemaVersion":0x2}`, `{"schemaVersion":2,}`,
		// Not quite JSON, and not objects.
		`{"mediaType":"a"} x`, `{"mediaType":"a"}}`, `{"mediaType":"a",}`, `{,}`, `{"a" 1}`, `{"a":1 "b":2}`, `{'a':1}`,
		`{"a":[1,]}`, `{"a":[,1]}`, `{"a":tru}`, `{"a":nul}`, `{"a":falsey}`, `{"a":NaN}`, `{"a":"\u12"}`, "{\"a\":\"\x00\"}",
		" \t\r\n{\"mediaType\":\"x\"} \t\r\n", "\ufeff{}", `{}`, `[]`, `[{"mediaType":"x"}]`, `"{}"`, `1`, `true`, `null`, ` `,
		"{\"mediaType\":\"\xed\xa0\x80\xc0\xaf\xf4\x90\x80\x80\"}", "{\"mediaType\":\"caf\xc3\xa9\"}",
	}
	// Nesting at encoding/json's limit of 10,000 and one past it, in a
	// field that is read and in one that is not.
	for _, depth := range []int{9999, 10000, 10001} {
		deep := strings.Repeat("[", depth-1) + strings.Repeat("]", depth-1)
		seeds = append(seeds, `{"x":`+deep+`}`, `{"layers":`+deep+`}`,
			`{"manifests":[{"platform":{"os":`+strings.Repeat(`{"a":`, depth-4)+`1`+strings.Repeat(`}`, depth-4)+`}}]}`)
	}
	return seeds
}

// FuzzClassifyMatchesReference: for any name and manifest, Classify says
// exactly what the encoding/json classifier it replaced says
// (reference_test.go).
func FuzzClassifyMatchesReference(f *testing.F) {
	for _, b := range testdataManifests(f) {
		f.Add("v1", string(b))
		for _, n := range []int{1, len(b) / 3, len(b) / 2, len(b) - 2, len(b) - 1} {
			f.Add("v1", string(b[:n])) // truncated
		}
		f.Add("sha256-"+hex64+".sig", string(b))
		f.Add("sha256-"+hex64, string(b))
	}
	for _, m := range referenceSeeds() {
		f.Add("v1", m)
	}
	f.Add("v1", bigManifest())
	f.Add("v1", bigManifest()[:1<<19])
	f.Fuzz(func(t *testing.T, name, m string) {
		got, want := Classify(name, []byte(m)), refClassify(name, []byte(m))
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Classify(%q, %q)\n got %#v\nwant %#v (encoding/json)", name, m, got, want)
		}
	})
}

// TestClassifyReadsOnlyWhatTheRulesRead: a field the rules do not read
// does not make a manifest unreadable, whatever it holds (here an index
// entry's "data", which is not base64), and an index entry whose platform
// or annotation has the wrong type is still listed.
func TestClassifyReadsOnlyWhatTheRulesRead(t *testing.T) {
	t.Parallel()
	m := `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[` +
		`{"digest":"sha256:1","data":"!","platform":{"os":"linux","architecture":"amd64"}},` +
		`{"digest":"sha256:2","platform":"linux/arm64","annotations":{"vnd.docker.reference.type":7}}]}`
	got := Classify("v1", []byte(m))
	if got.Kind != Index || len(got.Platforms) != 2 || got.Platforms[0].OS != "linux" || got.Platforms[1].Digest != "sha256:2" {
		t.Errorf("Classify = %+v; want an index of two entries", got)
	}
}
