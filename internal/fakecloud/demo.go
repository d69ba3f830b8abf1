package fakecloud

// SeedDemo loads the dataset examples/demo reads: SWR repository
// demo/apps/web with swrTags tags and an empty demo/apps/empty, and 120
// PPIO images.
func SeedDemo(c *Cloud, swrTags int) {
	c.SWR.GenerateTags("demo", "apps/web", swrTags)
	c.SWR.CreateRepository("demo", "apps/empty")
	c.PPIO.GenerateImages(120)
}
