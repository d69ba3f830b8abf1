# The module scripts/installcheck.sh plans after `make install`: the
# provider from the implicit local mirror, its functions called from a
# local child module.
terraform {
  required_providers {
    registry = {
      source = "registry-tools/registry"
    }
  }
}

data "registry_swr_tag" "web" {
  namespace  = "demo"
  repository = "apps/web"
}

module "pin" {
  source = "./modules/pin"
  path   = data.registry_swr_tag.web.path
  digest = data.registry_swr_tag.web.digest
}

output "image" {
  value = module.pin.image
}
