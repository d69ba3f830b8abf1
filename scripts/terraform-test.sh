#!/usr/bin/env bash
# make tftest: `terraform test` of the module in examples/testing with the
# terraform on PATH. mock_provider still needs the provider's schema, so the
# provider is built into a temporary filesystem mirror that a temporary CLI
# configuration names (your ~/.terraformrc is not read); `terraform init`
# and `terraform test` then run in a temporary copy of the module, and
# nothing is downloaded. Below Terraform 1.8 (the module calls provider
# functions; mock_provider needs 1.7) it says so and skips.
set -euo pipefail
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
min=1.8.0

command -v terraform >/dev/null || { echo "terraform is not on PATH; install Terraform >= $min" >&2; exit 1; }
tf_version=$(terraform version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([0-9.]*\).*/\1/p')
if [ "$(printf '%s\n' "$min" "$tf_version" | sort -V | head -n1)" != "$min" ]; then
  echo "SKIPPED: terraform test of examples/testing needs Terraform >= $min (mock_provider, provider functions); the terraform on PATH is $tf_version"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version=0.0.1
target="$(cd "$root" && go env GOOS)_$(cd "$root" && go env GOARCH)"
plugin="$work/plugins/registry.terraform.io/registry-tools/registry/$version/$target"
mkdir -p "$plugin"
(cd "$root" && go build -trimpath -ldflags "-X main.version=$version" -o "$plugin/terraform-provider-registry_v$version" .)
cat >"$work/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$work/plugins"
    include = ["registry.terraform.io/registry-tools/registry"]
  }
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"

cp -R "$root/examples/testing" "$work/module"
cd "$work/module"
echo "==> terraform init and terraform test in examples/testing (Terraform $tf_version, mocks, offline)"
terraform init -input=false -no-color >"$work/init.log" 2>&1 || { cat "$work/init.log"; exit 1; }
terraform test -no-color
