# Sourced by examples/demo/run.sh and examples/bench/run.sh: a temporary
# work directory removed on exit, the fake clouds started on a free
# loopback port, a dev_overrides CLI configuration (the user's
# ~/.terraformrc is never read), and the fakes' credentials exported the way
# a user exports real ones (the export lines the fakecloud command prints).
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
  "$work/fakecloud" -addr 127.0.0.1:0 -url-file "$work/url" -env-file "$work/env" "$@" 2>"$work/fakecloud.log" &
  fake_pid=$!
  # Seeding a large repository takes a while on a slow machine: wait for as
  # long as the fake is alive, and show its log if it dies.
  until [ -s "$work/url" ]; do
    kill -0 "$fake_pid" 2>/dev/null || { echo "fakecloud did not start:" >&2; cat "$work/fakecloud.log" >&2; exit 1; }
    sleep 0.05
  done
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
  # The fakes' own export lines, as `fakecloud` prints them for a user.
  # shellcheck disable=SC1091
  . "$work/env"
}
