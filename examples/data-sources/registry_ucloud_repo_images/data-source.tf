# The most recently pushed image of a UHub repository, as a module input.
data "registry_ucloud_repo_images" "shop" {
  repo_name  = "shop"
  project_id = "org-xxxx"        # optional; overrides the provider's project_id
  name_regex = "^api(-server)?$" # optional; applied to image_name after the listing

  timeouts {
    read = "5m"
  }

  lifecycle {
    # latest is null when no image matches, and latest_path is null for an
    # image UHub reports without a tag.
    postcondition {
      condition     = try(self.latest.latest_path, null) != null
      error_message = "UHub repository shop has no tagged api or api-server image."
    }
  }
}

module "service" {
  source = "./modules/service"
  # uhub.service.ucloud.cn/shop/<image>:<latest_tag>. To pin by digest, read
  # the image's tags with registry_ucloud_image_tag and use its pinned_path.
  image = data.registry_ucloud_repo_images.shop.latest.latest_path
}

output "service_image" {
  value = "${data.registry_ucloud_repo_images.shop.latest.latest_path} (pushed ${data.registry_ucloud_repo_images.shop.latest.update_time})"
}
