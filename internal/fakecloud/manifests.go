package fakecloud

import (
	"fmt"
	"strings"
	"time"
)

// Manifests as the tools that push them write them: docker and buildx
// images and indexes (with buildx's attestation manifests), cosign
// signatures and attestations (tag scheme sha256-<hex>.sig / .att), a
// notation signature as an OCI 1.1 referrer (with a subject), and a Helm
// chart. Digests inside them are derived from a seed, so the same call
// gives the same manifest.

const (
	mtOCIManifest    = "application/vnd.oci.image.manifest.v1+json"
	mtOCIIndex       = "application/vnd.oci.image.index.v1+json"
	mtOCIConfig      = "application/vnd.oci.image.config.v1+json"
	mtOCILayer       = "application/vnd.oci.image.layer.v1.tar+gzip"
	mtDockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
	mtDockerConfig   = "application/vnd.docker.container.image.v1+json"
	mtDockerLayer    = "application/vnd.docker.image.rootfs.diff.tar.gzip"
)

// ImageManifest is a Docker schema 2 image manifest of five layers, as
// `docker push` writes it (about 1.1 KB).
func ImageManifest(seed string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `{"schemaVersion":2,"mediaType":%q,"config":{"mediaType":%q,"size":7023,"digest":%q},"layers":[`,
		mtDockerManifest, mtDockerConfig, fakeDigest(seed+"/config"))
	for i := range 5 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"mediaType":%q,"size":%d,"digest":%q}`, mtDockerLayer, 32654+i*1021, fakeDigest(fmt.Sprintf("%s/layer%d", seed, i)))
	}
	b.WriteString(`]}`)
	return b.String()
}

// IndexPlatform is one platform of a multi-platform index.
type IndexPlatform struct{ OS, Architecture, Variant string }

// PlatformDigest is the digest of the image of one platform in the index
// IndexManifest(seed, ...) writes.
func PlatformDigest(seed string, p IndexPlatform) string {
	return fakeDigest(seed + "/" + p.OS + "/" + p.Architecture + "/" + p.Variant)
}

// IndexManifest is an OCI index as `docker buildx build --platform ...
// --push` writes it with its default provenance attestation: one image
// manifest per platform, then one attestation manifest per image
// (platform unknown/unknown, annotated with the image it describes).
func IndexManifest(seed string, platforms ...IndexPlatform) string {
	var b strings.Builder
	fmt.Fprintf(&b, `{"schemaVersion":2,"mediaType":%q,"manifests":[`, mtOCIIndex)
	for i, p := range platforms {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"mediaType":%q,"digest":%q,"size":%d,"platform":{"architecture":%q,"os":%q`,
			mtOCIManifest, PlatformDigest(seed, p), 1025+i, p.Architecture, p.OS)
		if p.Variant != "" {
			fmt.Fprintf(&b, `,"variant":%q`, p.Variant)
		}
		b.WriteString(`}}`)
	}
	for _, p := range platforms {
		fmt.Fprintf(&b, `,{"mediaType":%q,"digest":%q,"size":566,"annotations":{"vnd.docker.reference.digest":%q,`+
			`"vnd.docker.reference.type":"attestation-manifest"},"platform":{"architecture":"unknown","os":"unknown"}}`,
			mtOCIManifest, fakeDigest(seed+"/att/"+p.Architecture+p.Variant), PlatformDigest(seed, p))
	}
	b.WriteString(`]}`)
	return b.String()
}

// CosignSignatureManifest is what `cosign sign` pushes as
// sha256-<hex>.sig: an OCI manifest whose layer is a simple-signing
// payload.
func CosignSignatureManifest(signed string) string {
	return fmt.Sprintf(`{"schemaVersion":2,"mediaType":%q,"config":{"mediaType":%q,"size":248,"digest":%q},`+
		`"layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","size":241,"digest":%q,`+
		`"annotations":{"dev.cosignproject.cosign/signature":"MEUCIQDhN2ZfV5hRz3O4nKZ0aIj0n8lY0Yx6hKqU3gJm6b1o9wIgX5k3pQ3Ge0e1aH4k2eKZr6lQ+Y9s1VvFf2yJb8Tq6ZA=",`+
		`"dev.sigstore.cosign/bundle":"{\"SignedEntryTimestamp\":\"MEQCIF\",\"Payload\":{\"integratedTime\":1714644672,\"logIndex\":91234567}}"}}]}`,
		mtOCIManifest, mtOCIConfig, fakeDigest(signed+"/sig-config"), fakeDigest(signed+"/sig"))
}

// CosignAttestationManifest is what `cosign attest` pushes as
// sha256-<hex>.att: DSSE envelopes as layers.
func CosignAttestationManifest(attested string) string {
	return fmt.Sprintf(`{"schemaVersion":2,"mediaType":%q,"config":{"mediaType":%q,"size":342,"digest":%q},`+
		`"layers":[{"mediaType":"application/vnd.dsse.envelope.v1+json","size":10523,"digest":%q,`+
		`"annotations":{"dev.cosignproject.cosign/signature":"","predicateType":"https://slsa.dev/provenance/v0.2"}}]}`,
		mtOCIManifest, mtOCIConfig, fakeDigest(attested+"/att-config"), fakeDigest(attested+"/att"))
}

// NotationSignatureManifest is what `notation sign` pushes: an OCI 1.1
// artifact whose subject is the signed manifest.
func NotationSignatureManifest(signed string) string {
	return fmt.Sprintf(`{"schemaVersion":2,"mediaType":%q,"artifactType":"application/vnd.cncf.notary.signature",`+
		`"config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2,"data":"e30="},`+
		`"layers":[{"mediaType":"application/jose+json","digest":%q,"size":2090}],`+
		`"subject":{"mediaType":%q,"digest":%q,"size":1234},`+
		`"annotations":{"org.opencontainers.image.created":"2024-05-02T10:20:00Z"}}`,
		mtOCIManifest, fakeDigest(signed+"/notation"), mtOCIManifest, signed)
}

// HelmChartManifest is what `helm push` writes for a chart.
func HelmChartManifest(seed string) string {
	return fmt.Sprintf(`{"schemaVersion":2,"config":{"mediaType":"application/vnd.cncf.helm.config.v1+json","digest":%q,"size":117},`+
		`"layers":[{"mediaType":"application/vnd.cncf.helm.chart.content.v1.tar+gzip","digest":%q,"size":3591}],`+
		`"annotations":{"org.opencontainers.image.title":"web","org.opencontainers.image.version":"1.4.2"}}`,
		fakeDigest(seed+"/chart-config"), fakeDigest(seed+"/chart"))
}

// CosignTag is cosign's tag for a signature (suffix "sig"), attestation
// ("att") or SBOM ("sbom") of the manifest of that digest.
func CosignTag(digest, suffix string) string {
	return strings.Replace(digest, ":", "-", 1) + "." + suffix
}

// SeedSigned fills a repository the way a signing pipeline leaves it,
// oldest first, so that the newest tag is a signature:
//
//	v1.0.0               image                      base
//	v1.1.0               index: linux/amd64, linux/arm64, linux/arm/v7 (+ buildx attestations)
//	chart-1.4.2          Helm chart
//	sha256-<v1.1.0>.att  cosign attestation of v1.1.0
//	notation-v1.1.0      notation signature (OCI 1.1 artifact, subject v1.1.0)
//	sha256-<v1.1.0>.sig  cosign signature of v1.1.0   base + 5 min (the newest)
//
// It returns the index's tag digest.
func (s *SWR) SeedSigned(namespace, repository string, base time.Time) (indexDigest string) {
	seed := namespace + "/" + repository
	s.PushManifest(namespace, repository, "v1.0.0", ImageManifest(seed+":v1.0.0"), base)
	indexDigest = s.PushManifest(namespace, repository, "v1.1.0", IndexManifest(seed+":v1.1.0",
		IndexPlatform{"linux", "amd64", ""}, IndexPlatform{"linux", "arm64", ""}, IndexPlatform{"linux", "arm", "v7"}),
		base.Add(time.Minute))
	s.PushManifest(namespace, repository, "chart-1.4.2", HelmChartManifest(seed+":chart"), base.Add(2*time.Minute))
	s.PushManifest(namespace, repository, CosignTag(indexDigest, "att"), CosignAttestationManifest(indexDigest), base.Add(3*time.Minute))
	s.PushManifest(namespace, repository, "notation-v1.1.0", NotationSignatureManifest(indexDigest), base.Add(4*time.Minute))
	s.PushManifest(namespace, repository, CosignTag(indexDigest, "sig"), CosignSignatureManifest(indexDigest), base.Add(5*time.Minute))
	return indexDigest
}
