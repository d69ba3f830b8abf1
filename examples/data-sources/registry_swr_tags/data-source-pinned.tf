# Pin by digest: the image reference never moves, and `terraform plan`
# shows an update when the newest tag points at a new digest.
data "registry_swr_tags" "api" {
  namespace  = "team"
  repository = "api"
  tag        = "release-" # server-side filter: tags containing "release-"
}

module "api" {
  source = "./modules/service"
  image  = data.registry_swr_tags.api.latest.pinned_path # .../team/api@sha256:...
}
