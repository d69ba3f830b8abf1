# Every tag whose name contains "release-", newest first: deploy the newest
# by digest and keep the previous one for a rollback.
data "registry_swr_tags" "api" {
  namespace  = "team"
  repository = "api"
  tag        = "release-" # server-side filter: tags containing "release-"
}

locals {
  api_tags = data.registry_swr_tags.api.tags
}

module "api" {
  source = "./modules/service"
  # try() gives null, not an error, when the repository has no such tag;
  # the module's own validation then says what is missing.
  image          = try(local.api_tags[0].pinned_path, null) # .../team/api@sha256:...
  rollback_image = try(local.api_tags[1].pinned_path, null)
}
