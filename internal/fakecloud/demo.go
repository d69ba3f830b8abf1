package fakecloud

import "time"

// SeedDemo loads the dataset examples/demo reads: SWR repository
// demo/apps/web with swrTags tags and an empty demo/apps/empty, UHub
// repository demo-shop with 45 images and an image web of 28 tags (the
// newest with a digest), and 120 PPIO images; and the signed repository
// demo/apps/signed (SWR.SeedSigned): a multi-platform image whose newest
// tags are its signatures, attestation and a Helm chart.
// indexEvery makes every indexEvery-th tag of demo/apps/web a
// multi-platform index (none when 0), as GenerateMixedTags does.
func SeedDemo(c *Cloud, swrTags, indexEvery int) {
	c.SWR.GenerateMixedTags("demo", "apps/web", swrTags, indexEvery)
	c.SWR.SeedSigned("demo", "apps/signed", time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC))
	c.SWR.CreateRepository("demo", "apps/empty")
	c.UHub.GenerateImages("demo-shop", 45)
	c.UHub.GenerateImageTags("demo-shop", "web", 28)
	c.PPIO.GenerateImages(120)
}
