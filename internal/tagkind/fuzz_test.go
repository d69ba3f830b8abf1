package tagkind

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// bigManifest is an image manifest of about 1 MiB: many layers, each with
// an annotation, as a very large image or a chart of many files has.
func bigManifest() string {
	var b strings.Builder
	b.WriteString(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:` + hex64 + `","size":1}, "layers":[`)
	for i := 0; b.Len() < 1<<20; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:` + hex64 + `","size":1024,"annotations":{"org.opencontainers.image.title":"layer"}}`)
	}
	b.WriteString(`]}`)
	return b.String()
}

// testdataManifests are the manifests under testdata/, as the tools that
// push them write them: the fuzz targets' first seeds.
func testdataManifests(tb testing.TB) [][]byte {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		tb.Fatal(err)
	}
	out := make([][]byte, 0, len(files))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// FuzzClassify: whatever a registry sends as a manifest, and whatever the
// tag is called, Classify returns one of the kinds, never panics, and only
// an index has platforms.
func FuzzClassify(f *testing.F) {
	for _, b := range testdataManifests(f) {
		f.Add("v1", string(b))
		f.Add("v1", string(b[:len(b)/2])) // truncated
	}
	for _, m := range []string{
		``, `{`, `null`, `[]`, `{"manifests":{}}`, `{"manifests":"x"}`, `{"manifests":[1,"x",null]}`,
		`{"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"platform":"linux/amd64"}]}`,
		`{"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"platform":{"os":1,"architecture":["arm64"]}}]}`,
		`{"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"annotations":{"vnd.docker.reference.type":7}}]}`,
		`{"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}`,
		`{"config":"x","layers":{}}`, `{"layers":[{"mediaType":5}]}`, `{"subject":{},"artifactType":3}`,
		`{"schemaVersion":"2"}`, `{"schemaVersion":1,"fsLayers":7}`, "{\"mediaType\":\"\xff\xfe\"}",
		bigManifest(),
	} {
		f.Add("v1", m)
	}
	f.Add("sha256-"+hex64+".sig", `{"manifests":"x"}`)
	f.Fuzz(func(t *testing.T, name, m string) {
		got := Classify(name, []byte(m))
		if !slices.Contains(Kinds, got.Kind) {
			t.Fatalf("Classify(%q, %q) = kind %q, not one of %v", name, m, got.Kind, Kinds)
		}
		if got.Platforms != nil && got.Kind != Index {
			t.Fatalf("Classify(%q, %q): platforms for kind %q", name, m, got.Kind)
		}
	})
}

// TestBigManifest: a 1 MiB manifest is read whole and classified.
func TestBigManifest(t *testing.T) {
	t.Parallel()
	m := bigManifest()
	if got := Classify("v1", []byte(m)); got.Kind != Image {
		t.Errorf("a %d-byte image manifest is %q, want image", len(m), got.Kind)
	}
}
