package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
	"github.com/registry-tools/terraform-provider-registry/internal/ucloud"
)

// TestRunPrintsWorkingExports starts the command, sources its env file in a
// shell as a user would, and lists the demo's UHub repository with nothing
// but what the exports say.
func TestRunPrintsWorkingExports(t *testing.T) {
	dir := t.TempDir()
	o := options{addr: "127.0.0.1:0", urlFile: filepath.Join(dir, "url"), envFile: filepath.Join(dir, "env"), swrTags: 10}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var banner bytes.Buffer
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, o, &banner, func(url string) { ready <- url }) }()
	var url string
	select {
	case url = <-ready:
	case err := <-done:
		t.Fatalf("run ended before serving: %v", err)
	}

	if b, err := os.ReadFile(o.urlFile); err != nil || string(b) != url {
		t.Fatalf("url file %q (%v), want %q", b, err, url)
	}
	out, err := exec.Command("sh", "-c", `. "$1" && env`, "sh", o.envFile).Output()
	if err != nil {
		t.Fatalf("sourcing the env file: %v", err)
	}
	env := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			env[k] = v
		}
	}
	want := map[string]string{
		"HW_REGION_NAME": fakecloud.DefaultSWRRegion, "HW_ACCESS_KEY": fakecloud.DefaultSWRAccessKey,
		"HW_SECRET_KEY": fakecloud.DefaultSWRSecretKey, "HW_SWR_ENDPOINT": url, "HW_IAM_ENDPOINT": url,
		"UCLOUD_PUBLIC_KEY": fakecloud.DefaultUCloudPublicKey, "UCLOUD_PRIVATE_KEY": fakecloud.DefaultUCloudPrivateKey,
		"UCLOUD_PROJECT_ID": fakecloud.DefaultUCloudProjectID, "UCLOUD_API_BASE_URL": url,
		"PPIO_API_KEY": fakecloud.DefaultPPIOAPIKey, "PPIO_ENDPOINT": url,
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s=%q after sourcing the env file, want %q", k, env[k], v)
		}
		if !strings.Contains(banner.String(), "export "+k+"="+v+"\n") {
			t.Errorf("the banner does not export %s=%s", k, v)
		}
	}
	if !strings.Contains(banner.String(), url+"/_fake/") {
		t.Error("the banner does not point at the admin API")
	}

	httpc, err := transport.New(transport.Config{MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	c, err := ucloud.New(ucloud.Config{Endpoint: env["UCLOUD_API_BASE_URL"], PublicKey: env["UCLOUD_PUBLIC_KEY"],
		PrivateKey: env["UCLOUD_PRIVATE_KEY"], ProjectID: env["UCLOUD_PROJECT_ID"], HTTP: httpc})
	if err != nil {
		t.Fatal(err)
	}
	list, err := c.ListRepoImages(ctx, ucloud.ListRepoImagesInput{RepoName: "demo-shop"})
	if err != nil || len(list.Images) == 0 {
		t.Fatalf("listing the demo repository with the exported settings: %v, %+v", err, list)
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run after cancel: %v", err)
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:8080": "http://127.0.0.1:8080",
		"it's":                  `'it'\''s'`,
		"a b":                   "'a b'",
		"":                      "''",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
		if in == "" {
			continue
		}
		out, err := exec.Command("sh", "-c", "printf %s "+shellQuote(in)).Output()
		if err != nil || string(out) != in {
			t.Errorf("sh reads %s as %q (%v), want %q", shellQuote(in), out, err, in)
		}
	}
}
