# Follow the newest ~> 2.1 release: the highest version at or above 2.1
# and below 3.0, pre-releases left out. A 3.0.0 push does not reach this
# module; a 2.2.0 push does, at the next plan.
data "registry_swr_tag" "api" {
  namespace          = "team"
  repository         = "api"
  version_constraint = "~> 2.1"
  order_by           = "version" # the highest version, not the newest push
}

module "api" {
  source = "./modules/service"
  image  = data.registry_swr_tag.api.pinned_path
}

output "api_release" {
  value = data.registry_swr_tag.api.tag # such as "v2.4.1"
}
