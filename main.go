// Command terraform-provider-registry serves the registry provider to
// Terraform over plugin protocol 6.
package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/registry-tools/terraform-provider-registry/internal/provider"
	"github.com/registry-tools/terraform-provider-registry/internal/statecodec"
)

// A large data source state goes out without gRPC's copy of it (see
// statecodec); gRPC takes codecs at init time only.
func init() { statecodec.Register() }

// version is set by the release build: -ldflags "-X main.version=1.2.3".
var version = "dev"

const address = "registry.terraform.io/registry-tools/registry"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	// Build the server once: a provider definition error stops here, and
	// Serve hands Terraform this same server.
	server, err := provider.NewServer(version)()
	if err != nil {
		log.Fatal(err)
	}
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err = tf6server.Serve(address, func() tfprotov6.ProviderServer { return server }, opts...)
	if err != nil {
		log.Fatal(err)
	}
}
