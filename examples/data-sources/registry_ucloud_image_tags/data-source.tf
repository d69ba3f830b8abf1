# Every release tag of a UHub image, newest first: deploy the newest by
# digest and keep the one before it for a rollback.
data "registry_ucloud_image_tags" "api" {
  repo_name  = "shop"
  image_name = "api"
  tag_regex  = "^v[0-9]+\\.[0-9]+\\.[0-9]+$" # releases only

  lifecycle {
    # latest is null when no tag matches, and its pinned_path is null when
    # UHub reports no digest for it: fail here with a clear message.
    postcondition {
      condition     = try(self.latest.pinned_path, null) != null
      error_message = "shop/api has no release tag with a digest (${self.total_count} tags in all)."
    }
  }
}

locals {
  api_tags = data.registry_ucloud_image_tags.api.tags
}

module "api" {
  source         = "./modules/service"
  image          = data.registry_ucloud_image_tags.api.latest.pinned_path # uhub.service.ucloud.cn/shop/api@sha256:…
  rollback_image = try(local.api_tags[1].pinned_path, null)
}
