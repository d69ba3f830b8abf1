#!/usr/bin/env bash
# make bench: the Go benchmarks of the clients and of the read-to-state
# path, then `terraform plan` over 10,000 SWR tags against the fake at 20 ms
# latency, measuring the provider process (started by Terraform) through
# the rusage wrapper named in the dev_overrides directory; then one tag
# (registry_swr_tag) against the whole listing (registry_swr_tags) over
# 50,000 tags.
set -euo pipefail
source "$(dirname "$0")/../fakecloud.sh"

latency=${BENCH_LATENCY:-20ms}
tags=${BENCH_TAGS:-10000}
# Every tenth tag a multi-platform index (linux/amd64 and linux/arm64, with
# buildx's attestation manifests), the others five-layer images.
index_every=${BENCH_INDEX_EVERY:-10}
concurrency=${REGISTRY_MAX_CONCURRENCY:-4}

echo "==> go test -bench (clients against the fake at 0 and 20 ms; read-to-state at 10,000 items)"
[ -n "${BENCH_SKIP_GO:-}" ] || (cd "$root" && go test -run '^$' -bench . -benchmem -benchtime "${BENCH_TIME:-3x}" ./internal/swr/ ./internal/ucloud/ ./internal/ppio/ ./internal/provider/)

echo "==> building the provider, the fake clouds and the rusage wrapper"
# BENCH_PROVIDER_SRC: build the provider from another checkout (a commit to
# compare with), against this checkout's fake and configuration.
(cd "${BENCH_PROVIDER_SRC:-$root}" && go build -trimpath -o "$work/real/terraform-provider-registry" .) && (cd "$root" \
  && go build -o "$work/rusage" ./internal/bench/cmd/rusage)
mkdir -p "$work/plugins"
cat > "$work/plugins/terraform-provider-registry" <<WRAP
#!/bin/sh
exec "$work/rusage" -o "$work/usage" -- "$work/real/terraform-provider-registry" "\$@"
WRAP
chmod +x "$work/plugins/terraform-provider-registry"

start_fake -swr-tags "$tags" -swr-index-every "$index_every" -latency "$latency"
use_fake_clouds "$work/plugins"
# Skip the IAM lookup: the plan measures the tag listing.
export HW_PROJECT_ID=0a1b2c3d4e5f60718293a4b5c6d7e8f9 REGISTRY_MAX_CONCURRENCY="$concurrency"
mkdir -p "$work/config" && cp "$root/examples/bench/main.tf" "$work/config/"
cd "$work/config"

# bash's /dev/tcp, so that no HTTP client needs installing.
requests() {
  local hostport=${url#http://}
  exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}"
  printf 'GET /_fake/requests HTTP/1.0\r\nHost: %s\r\n\r\n' "$hostport" >&3
  sed -nE 's/.*"swr":([0-9]+).*/\1/p' <&3 | tail -n 1
  exec 3<&-
}
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.3f\", $* }"; }

plan() { # repository [mode] -> seconds of wall time; provider usage appended to $work/usage
  local t0 t1
  t0=$(now)
  terraform plan -input=false -refresh=true -var "repository=$1" -var "mode=${2:-list}" -out=/dev/null >"$work/plan.log" 2>&1 || { cat "$work/plan.log" >&2; exit 1; }
  t1=$(now)
  calc "$t1 - $t0"
}

# Terraform starts the provider more than once per plan (schema, then the
# plan itself): sum CPU over every provider process of a plan, max the RSS.
usage_of() { awk '{ u += $1; s += $2; if ($3 > r) r = $3 } END { print u, s, r }' "$1"; }

# The process that read the listing: the one of most CPU (the others only
# answer the schema and the plan's other calls).
reader_of() { awk '{ printf "%s %s %s %.3f\n", $1, $2, $3, $1 + $2 }' "$1" | sort -k4,4 -g -r | head -n 1 | awk '{ print $1, $2, $3 }'; }

echo "==> terraform plan over $tags SWR tags at $latency latency (max_concurrency $concurrency)"
plan apps/empty >/dev/null # warm-up: terraform's own caches
: >"$work/usage"
empty_wall=$(plan apps/empty)
empty_usage=$(usage_of "$work/usage")
pages=$(( (tags + 999) / 1000 ))
lat_ms=$(echo "$latency" | sed -E 's/ms$//')
rounds=$(( 1 + (pages - 1 + concurrency - 1) / concurrency ))
read -r e_user e_sys e_rss <<<"$empty_usage"
# BENCH_RUNS: the plan over the repository that many times (CPU moves with
# the machine's load: report each run, not one).
for run in $(seq 1 "${BENCH_RUNS:-1}"); do
  : >"$work/usage"
  before=$(requests)
  full_wall=$(plan apps/web)
  after=$(requests)
  full_usage=$(usage_of "$work/usage")
  processes=$(wc -l <"$work/usage")
  reader=$(reader_of "$work/usage")
  grep -q "tag_count = $tags" "$work/plan.log" || { echo "plan did not list $tags tags" >&2; cat "$work/plan.log" >&2; exit 1; }

  read -r cpu_user cpu_sys rss_kib <<<"$full_usage"
  read -r r_user r_sys r_rss <<<"$reader"
  printf '\n%-46s %s (run %d)\n' "measure" "value" "$run"
  printf '%-46s %.3f s\n' "plan wall time, $tags tags" "$full_wall"
  printf '%-46s %.3f s\n' "plan wall time, empty repository" "$empty_wall"
  printf '%-46s %d (target %d = ceil(N / 1000))\n' "tag requests in the plan" "$((after - before))" "$pages"
  printf '%-46s %.3f s over %d processes (target <= 1.0)\n' "provider CPU (user + sys), $tags tags" "$(calc "$cpu_user + $cpu_sys")" "$processes"
  printf '%-46s %.1f MiB (target <= 100)\n' "provider peak RSS, $tags tags" "$(calc "$rss_kib / 1024")"
  printf '%-46s %.3f s (user %.3f, sys %.3f), %.1f MiB\n' "reading process: CPU, peak RSS" "$(calc "$r_user + $r_sys")" "$r_user" "$r_sys" "$(calc "$r_rss / 1024")"
  awk '{ printf "  process %d: user %.3f s, sys %.3f s, peak RSS %.1f MiB, %d minor page faults\n", NR, $1, $2, $3 / 1024, $4 }' "$work/usage"
done
printf '%-46s %.3f s, %.1f MiB\n' "provider CPU and RSS, empty repository" "$(calc "$e_user + $e_sys")" "$(calc "$e_rss / 1024")"
printf '%-46s %.0f ms = %s x (1 + ceil((%d - 1) / %d))\n' "network floor" "$(calc "$lat_ms * $rounds")" "$latency" "$pages" "$concurrency"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(go version | cut -d' ' -f3), $(terraform version | head -1)"

# BENCH_SKIP_CHOICE: the plan above only.
[ -z "${BENCH_SKIP_CHOICE:-}" ] || exit 0

# One tag against the whole listing, over one large repository: requests
# and plan wall time side by side, in one run.
choice_tags=${BENCH_CHOICE_TAGS:-50000}
kill "$fake_pid" 2>/dev/null || true
wait "$fake_pid" 2>/dev/null || true
rm -f "$work/url"
start_fake -swr-tags "$choice_tags" -latency "$latency"
use_fake_clouds "$work/plugins"
export REGISTRY_MAX_CONCURRENCY="$concurrency"
unset HW_PROJECT_ID # the singular data source's count includes the IAM project lookup
echo
echo "==> terraform plan over $choice_tags SWR tags at $latency latency: one tag against the whole listing"
printf '%-58s %10s %14s\n' "data source" "requests" "plan wall time"
for mode in newest version list; do
  before=$(requests)
  wall=$(plan apps/web "$mode")
  after=$(requests)
  case $mode in
    newest) what='registry_swr_tag (newest)' ;;
    version) what='registry_swr_tag (order_by = "version")' ;;
    list) what='registry_swr_tags (every tag into state)' ;;
  esac
  printf '%-58s %10d %12.3f s\n' "$what" "$((after - before))" "$wall"
done
echo "targets: registry_swr_tag newest <= 2 requests (IAM + one page) and < 1 s; order_by = \"version\" < 3 s"
