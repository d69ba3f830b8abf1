#!/usr/bin/env bash
# make installcheck: what a user does with a clone before a release, checked
# end to end and offline. A fresh clone of HEAD (committed work only) runs
# `make install` with HOME set to a temporary directory, so the provider lands
# in that HOME's ~/.terraform.d/plugins, Terraform's implicit local mirror;
# then `terraform init` and `terraform plan` of scripts/installcheck (a root
# module whose local child module calls the provider's functions) run with
# no CLI configuration and every proxied request refused, so that any attempt
# to reach a registry fails, against the fake clouds.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../examples/fakecloud.sh
source "$here/../examples/fakecloud.sh" # sets $root and $work, starts the fakes
export TF_IN_AUTOMATION=1

command -v terraform >/dev/null || { echo "terraform is not on PATH; install Terraform >= 1.8" >&2; exit 1; }
tf_version=$(terraform version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([0-9.]*\).*/\1/p')
if [ "$(printf '%s\n' 1.8.0 "$tf_version" | sort -V | head -n1)" != 1.8.0 ]; then
  echo "SKIPPED: installcheck calls provider functions, which need Terraform >= 1.8; the terraform on PATH is $tf_version"
  exit 0
fi

echo "==> a fresh clone of HEAD ($(git -C "$root" rev-parse --short HEAD)), make install with HOME=$work/home"
# A shallow checkout (CI) may refuse to be cloned: take HEAD's files then.
git clone -q "$root" "$work/clone" 2>/dev/null ||
  { mkdir -p "$work/clone" && git -C "$root" archive HEAD | tar -x -C "$work/clone"; }
mkdir -p "$work/home"
# The temporary HOME must not hide the Go caches: a fresh clone reuses them.
gocache=$(go env GOCACHE) gomodcache=$(go env GOMODCACHE) gopath=$(go env GOPATH) goenv=$(go env GOENV)
(cd "$work/clone" && HOME="$work/home" GOCACHE="$gocache" GOMODCACHE="$gomodcache" GOPATH="$gopath" GOENV="$goenv" \
  make --no-print-directory install)
ls "$work/home/.terraform.d/plugins/registry.terraform.io/registry-tools/registry/"*/*/terraform-provider-registry_v* >/dev/null

echo "==> starting the fake clouds"
start_fake -swr-tags 20
# shellcheck disable=SC1091
. "$work/env"

cp -R "$here/installcheck" "$work/config"
cd "$work/config"
# No CLI configuration: the implicit local mirror in HOME is all there is.
# A registry request would go through the proxy, which refuses it.
unset TF_CLI_CONFIG_FILE TF_PLUGIN_CACHE_DIR
export HOME="$work/home" HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 NO_PROXY=127.0.0.1,localhost
echo "==> terraform init (offline) and terraform plan"
terraform init -input=false -no-color >"$work/init.log" 2>&1 || { cat "$work/init.log"; exit 1; }
grep -q 'registry-tools/registry' "$work/init.log" || { cat "$work/init.log"; echo "init did not install registry-tools/registry" >&2; exit 1; }
terraform plan -input=false -no-color -out="$work/plan" >"$work/plan.log" 2>&1 || { cat "$work/plan.log"; exit 1; }
image=$(terraform show -json "$work/plan" | sed -n 's/.*"image":{[^}]*"after":"\([^"]*\)".*/\1/p')
case "$image" in
  swr.*/demo/apps/web@sha256:*) echo "    the child module pinned $image" ;;
  *) cat "$work/plan.log"; echo "the plan's output image is '$image', not the pinned demo/apps/web" >&2; exit 1 ;;
esac
echo "installcheck passed: make install, then terraform init and plan offline, functions called from a child module"
