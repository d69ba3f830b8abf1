# Pin the newest tag of a repository into a module input.
data "registry_swr_tags" "web" {
  namespace  = "team"
  repository = "apps/web"
  tag_regex  = "^v[0-9]+\\.[0-9]+\\.[0-9]+$" # releases only

  timeouts {
    read = "5m"
  }
}

module "web" {
  source = "./modules/service"
  image  = data.registry_swr_tags.web.latest.path # swr.<region>.myhuaweicloud.com/team/apps/web:<tag>
}
