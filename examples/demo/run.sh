#!/usr/bin/env bash
# make demo: build the provider and the fake clouds, start the fakes on a
# free loopback port, run Terraform on examples/demo through a dev_overrides
# CLI configuration in a temporary directory (the user's ~/.terraformrc is
# never read or touched), print the outputs, and stop the fakes.
set -euo pipefail
export CHECKPOINT_DISABLE=1

root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
fake_pid=""
cleanup() {
  if [ -n "$fake_pid" ]; then kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

command -v terraform >/dev/null || { echo "terraform is not on PATH; install Terraform >= 1.5" >&2; exit 1; }

echo "==> building the provider and the fake clouds"
(cd "$root" && go build -o "$work/plugins/terraform-provider-registry" . && go build -o "$work/fakecloud" ./internal/fakecloud/cmd/fakecloud)

echo "==> starting the fake clouds"
"$work/fakecloud" -addr 127.0.0.1:0 -url-file "$work/url" "$@" &
fake_pid=$!
for _ in $(seq 1 100); do [ -s "$work/url" ] && break; kill -0 "$fake_pid" || exit 1; sleep 0.05; done
url=$(cat "$work/url")
echo "    $url"

cat > "$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "registry-tools/registry" = "$work/plugins"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export TF_IN_AUTOMATION=1

# The fake clouds' credentials, given the way a user gives real ones.
export HW_REGION_NAME=cn-north-4
export HW_ACCESS_KEY=FAKEAKSWR0000000000
export HW_SECRET_KEY=fake-swr-secret-key-0000000000000000
export HW_SWR_ENDPOINT="$url"
export HW_IAM_ENDPOINT="$url"
export UCLOUD_PUBLIC_KEY=fake-ucloud-public-key-0000000000000000
export UCLOUD_PRIVATE_KEY=fake-ucloud-private-key-000000000000000
export UCLOUD_API_BASE_URL="$url"
export PPIO_API_KEY=fake-ppio-api-key-00000000000000000000 PPIO_ENDPOINT="$url"

mkdir -p "$work/config"
cp "$root"/examples/demo/*.tf "$work/config/"
cd "$work/config"

echo "==> terraform apply (data sources only; nothing is created)"
terraform apply -auto-approve -input=false -compact-warnings >"$work/apply.log" 2>&1 || { cat "$work/apply.log"; exit 1; }
echo "==> results"
terraform output
