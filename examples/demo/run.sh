#!/usr/bin/env bash
# make demo: build the provider, start the fake clouds, run Terraform on
# examples/demo against them, print the outputs, and stop the fakes.
set -euo pipefail
source "$(dirname "$0")/../fakecloud.sh"

command -v terraform >/dev/null || { echo "terraform is not on PATH; install Terraform >= 1.5" >&2; exit 1; }

echo "==> building the provider and the fake clouds"
(cd "$root" && go build -o "$work/plugins/terraform-provider-registry" .)

echo "==> starting the fake clouds"
start_fake "$@"
echo "    $url"
use_fake_clouds "$work/plugins"

mkdir -p "$work/config"
cp "$root"/examples/demo/*.tf "$work/config/"
cd "$work/config"

echo "==> terraform apply (data sources only; nothing is created)"
terraform apply -auto-approve -input=false -compact-warnings >"$work/apply.log" 2>&1 || { cat "$work/apply.log"; exit 1; }
echo "==> results"
terraform output
