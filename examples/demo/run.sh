#!/usr/bin/env bash
# make demo: build the provider and the fake clouds, start the fakes with
# their seeded demo data, run `terraform apply` on examples/demo against
# them (data sources, and with Terraform 1.10 or later the registry_swr_login
# of examples/demo/login), print the outputs, and stop the fakes.
set -euo pipefail
source "$(dirname "$0")/../fakecloud.sh"

command -v terraform >/dev/null || { echo "terraform is not on PATH; install Terraform >= 1.5" >&2; exit 1; }

echo "==> building the provider"
(cd "$root" && go build -o "$work/plugins/terraform-provider-registry" .)

echo "==> building and starting the fake clouds (SWR with IAM, UHub, PPIO)"
start_fake "$@"
echo "    listening on $url, seeded with demo data: SWR demo/apps/web (2,500 tags),"
echo "    a signed multi-platform SWR repository demo/apps/signed,"
echo "    UHub demo-shop (46 images; image web with 28 tags), 120 PPIO images"
use_fake_clouds "$work/plugins"

mkdir -p "$work/config"
cp "$root"/examples/demo/*.tf "$work/config/"
# Ephemeral resources need Terraform 1.10 or later; an older one runs the rest.
tf_version=$(terraform version -json | sed -n 's/.*"terraform_version": *"\([0-9.]*\).*/\1/p')
if [ "$(printf '%s\n' 1.10.0 "$tf_version" | sort -V | head -n1)" = 1.10.0 ]; then
  cp "$root"/examples/demo/login/*.tf "$work/config/"
  login=1
else
  echo "    Terraform $tf_version has no ephemeral resources (1.10 or later): the SWR login is left out"
  login=0
fi
cd "$work/config"

echo "==> terraform apply on examples/demo (data sources$([ "$login" = 1 ] && echo ' and an SWR login'); nothing is created upstream)"
terraform apply -auto-approve -input=false -compact-warnings >"$work/apply.log" 2>&1 || { cat "$work/apply.log"; exit 1; }
echo "==> results"
terraform output
if [ "$login" = 1 ]; then
  echo "==> SWR login (ephemeral.registry_swr_login.swr, in neither the plan nor the state; the password is not printed)"
  cat swr_login.txt
fi

cat <<HOW

The configuration is examples/demo/main.tf; the provider came from a dev_overrides
CLI configuration in a temporary directory (your ~/.terraformrc was not read).
To run the same yourself, and play with drift:

  go build -o /tmp/registry-plugins/terraform-provider-registry .
  go run ./internal/fakecloud/cmd/fakecloud -addr 127.0.0.1:8080 -env-file /tmp/fake.env &
  . /tmp/fake.env    # the fakes' endpoints and credentials
  printf 'provider_installation {\n  dev_overrides { "registry-tools/registry" = "/tmp/registry-plugins" }\n  direct {}\n}\n' >/tmp/registry.tfrc
  export TF_CLI_CONFIG_FILE=/tmp/registry.tfrc   # Terraform takes the provider you built
  cd examples/demo && terraform apply   # with login/login.tf copied in too, for the SWR login
  curl -X POST 'http://127.0.0.1:8080/_fake/swr/push?namespace=demo&repository=apps/web&tag=v9.9.9'
  terraform plan     # the newest tag and its digest moved
  curl -X POST 'http://127.0.0.1:8080/_fake/swr/sign?namespace=demo&repository=apps/signed&tag=v1.1.0'
  terraform plan     # a new signature is the newest tag, but the pins stay: no change
  curl -X POST 'http://127.0.0.1:8080/_fake/swr/push?namespace=demo&repository=apps/worker&tag=v1.0.0'
  terraform plan     # the worker's image exists now: swr_worker_image shows its digest

See "The fake clouds" in CONTRIBUTING.md for the admin API.
HOW
