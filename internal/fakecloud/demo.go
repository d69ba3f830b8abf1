package fakecloud

// SeedDemo loads the dataset examples/demo reads: SWR repository
// demo/apps/web with swrTags tags and an empty demo/apps/empty, UHub
// repository demo-shop with 45 images and an image web of 28 tags (the
// newest with a digest), and 120 PPIO images.
func SeedDemo(c *Cloud, swrTags int) {
	c.SWR.GenerateTags("demo", "apps/web", swrTags)
	c.SWR.CreateRepository("demo", "apps/empty")
	c.UHub.GenerateImages("demo-shop", 45)
	c.UHub.GenerateImageTags("demo-shop", "web", 28)
	c.PPIO.GenerateImages(120)
}
