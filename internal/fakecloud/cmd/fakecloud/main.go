// Command fakecloud serves the fake SWR, IAM, UHub and PPIO APIs on a
// loopback port with a demo dataset, for `make demo` and `make bench`.
// It writes its base URL to -url-file once it is listening and serves until
// it is interrupted.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/fakecloud"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	urlFile := flag.String("url-file", "", "file to write the base URL to once listening")
	swrTags := flag.Int("swr-tags", 2500, "tags in SWR repository demo/apps/web")
	latency := flag.Duration("latency", 0, "delay added to every answer")
	flag.Parse()

	if err := run(*addr, *urlFile, *swrTags, *latency); err != nil {
		log.Fatal(err)
	}
}

func run(addr, urlFile string, swrTags int, latency time.Duration) error {
	fc := fakecloud.New()
	fc.SetLatency(latency)
	fakecloud.SeedDemo(fc, swrTags)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	if urlFile != "" {
		if err := os.WriteFile(urlFile, []byte(url), 0o600); err != nil {
			return err
		}
	}
	fmt.Fprintln(os.Stderr, "fakecloud listening on", url)

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
