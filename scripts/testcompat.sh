#!/usr/bin/env bash
# make testcompat: run the provider's acceptance tests with the oldest
# Terraform the README claims and with a current OpenTofu, so that the
# README claims only what is run.
#
# Neither CLI is downloaded as a release: each is built once per machine from
# its Go module (the Go module proxy is the one source this project uses) into
# a cache directory keyed by version. `go install module@version` refuses both
# (their go.mod has replace directives), so the module is downloaded, copied
# to a writable directory and built there.
#
# Usage: scripts/testcompat.sh [terraform@VERSION|tofu@VERSION ...]
#        (default: terraform@1.5.7 tofu@1.12.6)
# Environment: TOOLS_DIR  where built tools are kept
#              (default: the directory beside the Go build cache)
#              TESTCOMPAT_RUN  a -run pattern for go test (default: every test)
set -euo pipefail
cd "$(dirname "$0")/.."

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	targets=(terraform@1.5.7 tofu@1.12.6)
fi

gocache=$(go env GOCACHE)
case $gocache in
/*) ;;
*) echo "testcompat: GOCACHE is '$gocache'; set TOOLS_DIR to a directory for the built CLIs" >&2
	[ -n "${TOOLS_DIR:-}" ] || exit 2 ;;
esac
TOOLS_DIR=${TOOLS_DIR:-$(dirname "$gocache")/terraform-provider-registry}
export CHECKPOINT_DISABLE=1

log() { printf 'testcompat: %s\n' "$*" >&2; }

# build PRODUCT VERSION: print the path of the CLI, building it on first use.
build() {
	local product=$1 version=$2 module pkg ldflags
	case $product in
	terraform)
		module=github.com/hashicorp/terraform
		pkg=.
		# Terraform 1.5 hard-codes its version; there is no "-dev" flag to clear.
		ldflags="-s -w"
		;;
	tofu)
		module=github.com/opentofu/opentofu
		pkg=./cmd/tofu
		# As OpenTofu's release build: the version is reported without "-dev".
		ldflags="-s -w -X github.com/opentofu/opentofu/version.dev=no"
		;;
	*)
		log "unknown CLI '$product': use terraform@VERSION or tofu@VERSION"
		return 2
		;;
	esac
	local dest=$TOOLS_DIR/$product-$version/$product
	if [ -x "$dest" ]; then
		printf '%s\n' "$dest"
		return 0
	fi

	log "building $product $version from $module@v$version into $dest (once per machine; several minutes)"
	local started=$SECONDS work dir
	work=$(mktemp -d "${TMPDIR:-/tmp}/testcompat-$product-$version.XXXXXX")
	# Outside any module, with none of the caller's module flags.
	dir=$(cd "$work" && GOFLAGS='' GOWORK=off go mod download -json "$module@v$version" |
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
	if [ -z "$dir" ] || [ ! -d "$dir" ]; then
		log "go mod download $module@v$version gave no source directory"
		rm -rf "$work"
		return 1
	fi
	cp -R "$dir" "$work/src"
	chmod -R u+w "$work/src"
	mkdir -p "$(dirname "$dest")"
	if ! (cd "$work/src" && GOFLAGS='' GOWORK=off CGO_ENABLED=0 \
		go build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$dest.tmp.$$" "$pkg"); then
		log "building $product $version failed"
		rm -rf "$work" "$dest.tmp.$$"
		return 1
	fi
	# Renamed into place only when complete, so an interrupted build is redone.
	mv "$dest.tmp.$$" "$dest"
	rm -rf "$work"
	log "built $product $version in $((SECONDS - started)) s"
	printf '%s\n' "$dest"
}

# The tests need no CLI configuration (the provider is served in-process),
# and must not read the caller's: OpenTofu prints its warning about a
# TF_CLI_CONFIG_FILE that does not exist on stdout, where terraform-exec then
# fails to find a version. An empty file gives every CLI the same start.
cliconfig=$(mktemp "${TMPDIR:-/tmp}/testcompat-cliconfig.XXXXXX")
trap 'rm -f "$cliconfig"' EXIT
export TF_CLI_CONFIG_FILE=$cliconfig

declare -a summary
failed=0
for target in "${targets[@]}"; do
	product=${target%@*}
	version=${target#*@}
	if [ "$product" = "$target" ] || [ -z "$version" ]; then
		log "'$target' is not CLI@VERSION (for example terraform@1.5.7)"
		exit 2
	fi
	case $product in
	terraform | tofu) ;;
	*)
		log "unknown CLI '$product' in '$target': use terraform@VERSION or tofu@VERSION"
		exit 2
		;;
	esac
	if ! bin=$(build "$product" "$version"); then
		summary+=("$product $version: BUILD FAILED")
		failed=1
		continue
	fi
	"$bin" version 2>/dev/null | grep -m 1 -E '^(Terraform|OpenTofu) v' >&2 || true

	# TF_ACC_TERRAFORM_PATH alone makes terraform-plugin-testing use exactly
	# this binary: it neither searches PATH nor downloads (that happens only
	# when TF_ACC_TERRAFORM_VERSION is set too, so it is unset here).
	hostenv=()
	if [ "$product" = tofu ]; then
		hostenv=(TF_ACC_PROVIDER_HOST=registry.opentofu.org)
	fi
	out=$(mktemp "${TMPDIR:-/tmp}/testcompat-$product-$version.XXXXXX.log")
	log "go test ./internal/provider/ with $product $version"
	started=$SECONDS
	status=0
	env -u TF_ACC_TERRAFORM_VERSION TF_ACC_TERRAFORM_PATH="$bin" "${hostenv[@]}" \
		go test -count=1 -v -timeout 30m ${TESTCOMPAT_RUN:+-run "$TESTCOMPAT_RUN"} ./internal/provider/ >"$out" 2>&1 || status=$?
	took=$((SECONDS - started))
	passes=$(grep -c -- '^--- PASS' "$out" || true)
	skips=$(grep -c -- '^--- SKIP' "$out" || true)
	fails=$(grep -c -- '^--- FAIL' "$out" || true)
	# Failures and skips, each with its first line of reason, and the
	# package result; the whole log is kept in $out when anything failed.
	grep -E -A1 -- '^[[:space:]]*--- (FAIL|SKIP)' "$out" | grep -v -e '^--$' -e '^=== ' >&2 || true
	grep -E '^(ok|FAIL)[[:space:]]' "$out" >&2 || tail -n 20 "$out" >&2
	if [ "$status" -eq 0 ]; then
		summary+=("$product $version: passed ($passes top-level tests passed, $skips skipped; ${took} s)")
		rm -f "$out"
	else
		summary+=("$product $version: FAILED ($fails top-level tests failed, $passes passed, $skips skipped; ${took} s; log: $out)")
		failed=1
	fi
done

printf '\n'
for line in "${summary[@]}"; do
	printf 'testcompat: %s\n' "$line"
done
exit "$failed"
