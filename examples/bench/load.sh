#!/usr/bin/env bash
# make bench-load: the load story of issue 21. Builds the provider, then
# internal/bench/cmd/loadstory plans 120 data sources (80 registry_swr_tag,
# 40 on one repository; 40 registry_ucloud_image_tag) against the fake
# clouds at 20 ms per request with every 7th request throttled, and prints
# the requests per API, the different requests, the plan time and the
# floor. BENCH_LATENCY, BENCH_THROTTLE_EVERY and BENCH_RUNS override.
set -euo pipefail
source "$(dirname "$0")/../fakecloud.sh"

command -v terraform >/dev/null || { echo "terraform is not on PATH; install Terraform >= 1.5" >&2; exit 1; }
echo "==> building the provider and the load story"
(cd "$root" && go build -trimpath -o "$work/plugins/terraform-provider-registry" . \
  && go build -o "$work/loadstory" ./internal/bench/cmd/loadstory)
"$work/loadstory" -plugins "$work/plugins" -latency "${BENCH_LATENCY:-20ms}" \
  -throttle-every "${BENCH_THROTTLE_EVERY:-7}" -runs "${BENCH_RUNS:-3}"
echo "machine: $(nproc) cores, $(go version | cut -d' ' -f3), $(terraform version 2>/dev/null | head -1)"
