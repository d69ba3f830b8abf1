# Pin one tag of a UHub image by its digest into a module input. The module
# gets uhub.service.ucloud.cn/shop/api@sha256:…, which never moves: when the
# tag is pushed again, the digest changes and `terraform plan` shows the
# module's update instead of the cluster pulling new content unnoticed.
data "registry_ucloud_image_tag" "api" {
  repo_name  = "shop"
  image_name = "api"
  tag        = "v1.4.2"   # an exact tag: one GetImageTag request
  project_id = "org-xxxx" # optional; overrides the provider's project_id

  lifecycle {
    # UHub may report a tag without a digest; pinned_path is then null.
    # Fail here, naming the tag, rather than hand the module a null image.
    postcondition {
      condition     = self.pinned_path != null
      error_message = "UHub reports no digest for shop/api:${self.tag}, so it cannot be pinned; push the tag again or pin another."
    }
  }
}

module "api" {
  source = "./modules/service"
  image  = data.registry_ucloud_image_tag.api.pinned_path
}
