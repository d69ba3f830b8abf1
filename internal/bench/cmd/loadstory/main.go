// Command loadstory is the load story of `make bench-load` (issue 21): one
// plan of 120 data sources against the fake clouds, in process, at a given
// latency with every n-th request throttled. It prints the requests each
// API was sent, the different requests among them (the floor of a
// provider that never asks the same question twice), the plan's wall time
// and the time floor.
//
//	loadstory -plugins DIR [-latency 20ms] [-throttle-every 7] [-runs 3]
//
// DIR holds the provider binary, named in a dev_overrides CLI
// configuration written to a temporary directory: nothing is downloaded and
// the user's ~/.terraformrc is not read.
//
// The plan reads, with Terraform's default parallelism of 10:
//   - 40 registry_swr_tag on demo/apps/web (2,500 tags, pages of 1,000):
//     30 newest, 10 with different tag_regex (the newest-first walk stops
//     on page 1, 2 or 3);
//   - 40 registry_swr_tag over 20 other repositories demo/load/rNN
//     (50 tags each): one newest and one tag_regex each;
//   - 40 registry_ucloud_image_tag: 20 newest and 10 tag_regex of
//     demo-shop/web (28 tags: two pages at the fake's cap of 20), 10 newest
//     of demo-shop/image-00000 to -00009 (one page each).
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
)

// The configuration the story plans. part = "none" reads nothing (the
// same plan's Terraform overhead); "identical" only the 30 identical
// lookups of the newest tag of demo/apps/web.
const config = `terraform {
  required_providers {
    registry = { source = "registry-tools/registry" }
  }
}

variable "part" {
  type    = string
  default = "all"
}

locals {
  n = var.part == "all" ? 1 : 0
  # Ten filters on demo/apps/web: the newest match is on page 1 (five),
  # page 2 (three) or page 3 (two) of the newest-first listing.
  web_regex = [
    "^v24[0-9]{2}\\.", "^v2[0-9]{3}\\.0\\.0$", "^v1[0-9]{3}\\.", "^v15[0-9]{2}\\.", "\\.0\\.0$",
    "^v1[0-4][0-9]{2}\\.", "^v[0-9]{3}\\.", "^v5[0-9]{2}\\.",
    "^v[0-9]{2}\\.", "^v[0-9]\\.",
  ]
  uhub_regex = ["^v1\\.0\\.", "^v1\\.1\\.", "^v1\\.2\\.", "\\.1$", "\\.2$", "\\.3$", "\\.5$", "\\.6$", "\\.7$", "\\.8$"]
}

provider "registry" {}

data "registry_swr_tag" "web_newest" {
  count      = var.part == "none" ? 0 : 30
  namespace  = "demo"
  repository = "apps/web"
}

data "registry_swr_tag" "web_regex" {
  count      = 10 * local.n
  namespace  = "demo"
  repository = "apps/web"
  tag_regex  = local.web_regex[count.index]
}

data "registry_swr_tag" "other" {
  count      = 40 * local.n
  namespace  = "demo"
  repository = format("load/r%02d", count.index % 20)
  tag_regex  = count.index < 20 ? null : "^v4[0-9]\\."
}

data "registry_ucloud_image_tag" "web_newest" {
  count      = 20 * local.n
  repo_name  = "demo-shop"
  image_name = "web"
}

data "registry_ucloud_image_tag" "web_regex" {
  count      = 10 * local.n
  repo_name  = "demo-shop"
  image_name = "web"
  tag_regex  = local.uhub_regex[count.index]
}

data "registry_ucloud_image_tag" "images" {
  count      = 10 * local.n
  repo_name  = "demo-shop"
  image_name = format("image-%05d", count.index)
}

output "read" {
  value = length(concat(
    data.registry_swr_tag.web_newest, data.registry_swr_tag.web_regex, data.registry_swr_tag.other,
    data.registry_ucloud_image_tag.web_newest, data.registry_ucloud_image_tag.web_regex, data.registry_ucloud_image_tag.images,
  ))
}
`

// dataSources is how many data sources each part reads.
var dataSources = map[string]int{"all": 120, "identical": 30, "none": 0}

// longestChain is the most requests one data source must send one after
// another: the walk of demo/apps/web to its third page.
const longestChain = 3

// parallelism is Terraform's default -parallelism.
const parallelism = 10

func main() {
	plugins := flag.String("plugins", "", "`directory` holding the provider binary built from this tree")
	latency := flag.Duration("latency", 20*time.Millisecond, "added to every answer of the fake clouds")
	every := flag.Int("throttle-every", 7, "throttle every n-th request (HTTP 429; UHub RetCode 153)")
	runs := flag.Int("runs", 3, "plans to measure")
	flag.Parse()
	if *plugins == "" || *runs < 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*plugins, *latency, *every, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "loadstory:", err)
		os.Exit(1)
	}
}

type result struct {
	wall      time.Duration
	calls     map[string]int64 // per API
	distinct  int
	sent      int64
	throttled int64
}

func run(plugins string, latency time.Duration, every, runs int) error {
	ctx := context.Background()
	fc := fakecloud.New()
	fakecloud.SeedDemo(fc, 2500, 0)
	for i := range 20 {
		fc.SWR.GenerateTags("demo", fmt.Sprintf("load/r%02d", i), 50)
	}
	fc.SetLatency(latency)
	fc.ThrottleEvery(every)
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: fc, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() { _ = srv.Close() }()
	url := "http://" + ln.Addr().String()

	dir, err := os.MkdirTemp("", "loadstory")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	abs, err := filepath.Abs(plugins)
	if err != nil {
		return err
	}
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"registry-tools/registry\" = %q\n  }\n  direct {}\n}\n", abs)
	if err := os.WriteFile(filepath.Join(dir, "terraformrc"), []byte(rc), 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		return err
	}
	env := append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+filepath.Join(dir, "terraformrc"), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1",
		"HW_REGION_NAME="+fakecloud.DefaultSWRRegion, "HW_ACCESS_KEY="+fakecloud.DefaultSWRAccessKey,
		"HW_SECRET_KEY="+fakecloud.DefaultSWRSecretKey, "HW_SWR_ENDPOINT="+url, "HW_IAM_ENDPOINT="+url,
		// The project is given: the story measures the reads, not the IAM lookup.
		"HW_PROJECT_ID="+fakecloud.DefaultSWRProjectID,
		"UCLOUD_PUBLIC_KEY="+fakecloud.DefaultUCloudPublicKey, "UCLOUD_PRIVATE_KEY="+fakecloud.DefaultUCloudPrivateKey,
		"UCLOUD_PROJECT_ID="+fakecloud.DefaultUCloudProjectID, "UCLOUD_API_BASE_URL="+url,
	)
	plan := func(part string) (time.Duration, error) {
		cmd := exec.CommandContext(ctx, "terraform", "plan", "-input=false", "-refresh=true", "-out=/dev/null",
			"-var=part="+part, "-parallelism="+fmt.Sprint(parallelism))
		cmd.Dir, cmd.Env = dir, env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		err := cmd.Run()
		wall := time.Since(start)
		if err == nil && strings.Contains(out.String(), "Error:") {
			err = errors.New("an error in its output")
		}
		if err != nil {
			return wall, fmt.Errorf("terraform plan failed (%w):\n%s", err, out.String())
		}
		if want := fmt.Sprintf("read = %d", dataSources[part]); part != "none" && !strings.Contains(out.String(), want) {
			return wall, fmt.Errorf("the plan does not say %q:\n%s", want, out.String())
		}
		return wall, nil
	}

	fmt.Printf("==> load story: %d data sources, fake clouds at %s latency, one request in %d throttled, parallelism %d\n",
		dataSources["all"], latency, every, parallelism)
	if _, err := plan("none"); err != nil { // warm-up: Terraform's own caches
		return err
	}
	overhead, err := plan("none")
	if err != nil {
		return err
	}
	var results []result
	for i := range runs {
		fc.ResetCounts()
		wall, err := plan("all")
		if err != nil {
			return fmt.Errorf("run %d: %w", i+1, err)
		}
		r := result{wall: wall, calls: map[string]int64{}, throttled: fc.Throttled(),
			sent: fc.SWR.Requests() + fc.UHub.Requests() + fc.PPIO.Requests()}
		for k, v := range fc.SWR.Calls() {
			r.calls[k] += v
		}
		for k, v := range fc.UHub.Calls() {
			r.calls[k] += v
		}
		for _, n := range fc.Distinct() {
			r.distinct += n
		}
		results = append(results, r)
		fmt.Printf("    run %d: %.3f s, %d requests (%d throttled), %d different\n", i+1, wall.Seconds(), r.sent, r.throttled, r.distinct)
	}
	report(results, overhead, latency)

	fmt.Printf("%-46s", "the 30 identical lookups alone")
	for i := range runs {
		fc.ResetCounts()
		wall, err := plan("identical")
		if err != nil {
			return fmt.Errorf("the 30 identical lookups: %w", err)
		}
		if i > 0 {
			fmt.Print(";")
		}
		fmt.Printf(" %d ListRepositoryTags (%d throttled) in %.3f s", fc.SWR.CallCount(fakecloud.SWRCallListTags), fc.Throttled(), wall.Seconds())
	}
	fmt.Println()
	return nil
}

func report(results []result, overhead, latency time.Duration) {
	med := slices.Clone(results)
	slices.SortFunc(med, func(a, b result) int { return int(a.wall - b.wall) })
	m := med[len(med)/2]
	fmt.Printf("\n%-46s %s\n", "measure (median run)", "value")
	apis := []string{"ListRepositoryTags", "ShowRepoTag", "KeystoneListProjects", "GetImageTag"}
	for _, api := range apis {
		fmt.Printf("%-46s %d\n", "requests sent: "+api, m.calls[api])
	}
	fmt.Printf("%-46s %d (%d of them answered with throttling)\n", "requests sent: all", m.sent, m.throttled)
	fmt.Printf("%-46s %d (one per question: the request floor)\n", "different requests (counted by the fake)", m.distinct)
	fmt.Printf("%-46s %.3f s\n", "plan wall time", m.wall.Seconds())
	fmt.Printf("%-46s %.3f s\n", "plan wall time, nothing read (Terraform)", overhead.Seconds())
	rounds := max(int(math.Ceil(float64(m.distinct)/parallelism)), longestChain)
	floor := time.Duration(rounds) * latency
	fmt.Printf("%-46s %d ms = %s x max(ceil(%d different / %d parallel), %d pages in a row)\n",
		"time floor (network only)", floor.Milliseconds(), latency, m.distinct, parallelism, longestChain)
	if m.throttled > 0 {
		fmt.Println("(a throttled answer costs a backoff, 0.25 s to 0.5 s for a first retry at the defaults, that pauses every request of the provider)")
	}
}
