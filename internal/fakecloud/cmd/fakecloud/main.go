// Command fakecloud serves the fake SWR, IAM, UHub and PPIO APIs on a
// loopback port with a demo dataset, for `make demo`, `make bench` and for
// trying the provider by hand. Once listening it prints, on stderr, the
// export lines that point the provider at it, writes its base URL to
// -url-file and those lines to -env-file, and serves until interrupted.
// Run it with -h for the flags and the admin API.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
)

const usageText = `Usage: fakecloud [flags]

Serves fakes of Huawei Cloud SWR (with IAM), UCloud UHub and PPIO on one
port, loaded with the demo data (SWR demo/apps/web and the empty
demo/apps/empty, UHub repository demo-shop, PPIO images), and prints the
export lines that point the provider at them. Ctrl-C stops it.

  go run ./internal/fakecloud/cmd/fakecloud -addr 127.0.0.1:8080

Then, in the shell that runs terraform, paste the export lines (or source
the -env-file) and install the provider with dev_overrides.

Flags:
`

type options struct {
	addr, urlFile, envFile string
	swrTags, swrRepos      int
	swrIndexEvery          int
	throttleEvery          int
	latency                time.Duration
}

func main() {
	var o options
	fs := flag.NewFlagSet("fakecloud", flag.ExitOnError)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:0", "listen `address`; port 0 picks a free port")
	fs.StringVar(&o.urlFile, "url-file", "", "write the base URL to `file` once listening (for scripts)")
	fs.StringVar(&o.envFile, "env-file", "", "write the export lines to `file` once listening, for `source file`")
	fs.IntVar(&o.swrTags, "swr-tags", 2500, "`number` of tags in SWR repository demo/apps/web")
	fs.IntVar(&o.swrIndexEvery, "swr-index-every", 0, "make every `n`-th tag of demo/apps/web a multi-platform index (0: none)")
	fs.IntVar(&o.swrRepos, "swr-repos", 0, "`number` of extra SWR repositories demo/load/r00, r01, ... of 50 tags each (for make bench)")
	fs.IntVar(&o.throttleEvery, "throttle-every", 0, "answer every `n`-th request to the clouds with their throttling (HTTP 429; UHub RetCode 153); 0: never")
	fs.DurationVar(&o.latency, "latency", 0, "`delay` added to every answer of the clouds, to model a distant service (e.g. 20ms)")
	fs.Usage = func() {
		out := fs.Output()
		_, _ = fmt.Fprint(out, usageText)
		fs.PrintDefaults()
		_, _ = fmt.Fprintf(out, "\nAdmin API, to change the fakes while they serve (GET /_fake/ prints this too):\n\n%s", fakecloud.AdminHelp())
	}
	_ = fs.Parse(os.Args[1:])
	if fs.NArg() > 0 {
		fs.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, o, os.Stderr, nil)
	stop()
	if err != nil {
		log.Fatal(err)
	}
}

// run serves until ctx is done. ready, when set, is called with the base
// URL once the files are written and the banner printed.
func run(ctx context.Context, o options, out io.Writer, ready func(url string)) error {
	fc := fakecloud.New()
	fc.SetLatency(o.latency)
	fc.ThrottleEvery(o.throttleEvery)
	fakecloud.SeedDemo(fc, o.swrTags, o.swrIndexEvery)
	for i := range o.swrRepos {
		fc.SWR.GenerateTags("demo", fmt.Sprintf("load/r%02d", i), 50)
	}

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", o.addr)
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	env := exports(url)
	if o.envFile != "" {
		if err := os.WriteFile(o.envFile, []byte(env), 0o600); err != nil {
			return err
		}
	}
	// The URL file last: scripts wait for it, and then find the env file.
	if o.urlFile != "" {
		if err := os.WriteFile(o.urlFile, []byte(url), 0o600); err != nil {
			return err
		}
	}
	_, _ = fmt.Fprintf(out, "fakecloud listening on %s (Ctrl-C stops it)\n\n"+
		"# Point the provider at the fakes: run these in the shell that runs terraform.\n%s\n"+
		"# Change the fakes while they serve: curl %s/_fake/ lists the admin API, e.g.\n"+
		"#   curl -X POST '%s/_fake/swr/push?namespace=demo&repository=apps/web&tag=v1.0.0'\n",
		url, env, url, url)
	if ready != nil {
		ready(url)
	}

	srv := &http.Server{Handler: fc, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// exports is every variable the provider reads for the three clouds, set
// to the fakes at url and their default credentials. HW_PROJECT_ID is left
// out so that the provider finds it through the fake IAM, as it does
// against the real one.
func exports(url string) string {
	vars := [][2]string{
		{"HW_REGION_NAME", fakecloud.DefaultSWRRegion},
		{"HW_ACCESS_KEY", fakecloud.DefaultSWRAccessKey},
		{"HW_SECRET_KEY", fakecloud.DefaultSWRSecretKey},
		{"HW_SWR_ENDPOINT", url},
		{"HW_IAM_ENDPOINT", url},
		{"UCLOUD_PUBLIC_KEY", fakecloud.DefaultUCloudPublicKey},
		{"UCLOUD_PRIVATE_KEY", fakecloud.DefaultUCloudPrivateKey},
		{"UCLOUD_PROJECT_ID", fakecloud.DefaultUCloudProjectID},
		{"UCLOUD_API_BASE_URL", url},
		{"PPIO_API_KEY", fakecloud.DefaultPPIOAPIKey},
		{"PPIO_ENDPOINT", url},
	}
	var b strings.Builder
	for _, v := range vars {
		fmt.Fprintf(&b, "export %s=%s\n", v[0], shellQuote(v[1]))
	}
	fmt.Fprintf(&b, "# Optional: HW_PROJECT_ID=%s skips the IAM lookup; "+
		"HW_AUTH_TOKEN=%s replaces the AK/SK pair.\n", fakecloud.DefaultSWRProjectID, fakecloud.DefaultSWRAuthToken)
	return b.String()
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_./:@%+=,-]+$`)

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
