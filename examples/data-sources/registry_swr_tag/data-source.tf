# Pin one release tag to its digest: the module gets an image reference
# that never moves, and `terraform plan` shows an update if v2.1.4 is ever
# pushed again with other content.
data "registry_swr_tag" "web" {
  namespace  = "team"
  repository = "apps/web"
  tag        = "v2.1.4" # one ShowRepoTag request; an unknown tag is an error naming it
}

module "web" {
  source = "./modules/service"
  image  = data.registry_swr_tag.web.pinned_path # swr.<region>.myhuaweicloud.com/team/apps/web@sha256:...
}
