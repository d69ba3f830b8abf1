# Sourced by examples/demo/run.sh and examples/bench/run.sh: a temporary
# work directory removed on exit, the fake clouds started on a free
# loopback port, a dev_overrides CLI configuration (the user's
# ~/.terraformrc is never read), and the fakes' credentials exported the way
# a user exports real ones.
export CHECKPOINT_DISABLE=1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d)
fake_pid=""
cleanup() {
  if [ -n "$fake_pid" ]; then kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# start_fake [fakecloud flags...]: builds and starts the fakes; sets $url.
start_fake() {
  (cd "$root" && go build -o "$work/fakecloud" ./internal/fakecloud/cmd/fakecloud)
  "$work/fakecloud" -addr 127.0.0.1:0 -url-file "$work/url" "$@" 2>/dev/null &
  fake_pid=$!
  for _ in $(seq 1 100); do [ -s "$work/url" ] && break; kill -0 "$fake_pid" || exit 1; sleep 0.05; done
  url=$(cat "$work/url")
}

# use_fake_clouds PLUGIN_DIR: Terraform takes the provider from PLUGIN_DIR
# and every cloud's endpoint and credentials point at the fakes.
use_fake_clouds() {
  cat > "$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "registry-tools/registry" = "$1"
  }
  direct {}
}
RC
  export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1
  export HW_REGION_NAME=cn-north-4 HW_ACCESS_KEY=FAKEAKSWR0000000000 HW_SECRET_KEY=fake-swr-secret-key-0000000000000000
  export HW_SWR_ENDPOINT="$url" HW_IAM_ENDPOINT="$url"
  export UCLOUD_PUBLIC_KEY=fake-ucloud-public-key-0000000000000000 UCLOUD_PRIVATE_KEY=fake-ucloud-private-key-000000000000000
  export UCLOUD_API_BASE_URL="$url"
  export PPIO_API_KEY=fake-ppio-api-key-00000000000000000000 PPIO_ENDPOINT="$url"
}
