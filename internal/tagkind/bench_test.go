package tagkind

import "testing"

// BenchmarkClassify is the classifier's cost per tag for the manifests a
// repository usually holds.
func BenchmarkClassify(b *testing.B) {
	for _, file := range []string{"docker-v2-image.json", "oci-image.json", "buildx-index.json", "cosign-signature.json"} {
		m := manifest(b, file)
		b.Run(file, func(b *testing.B) {
			b.SetBytes(int64(len(m)))
			b.ReportAllocs()
			for b.Loop() {
				Classify("v1.2.3", m)
			}
		})
	}
}
