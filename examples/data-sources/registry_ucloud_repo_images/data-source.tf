# Deploy the most recently pushed image of a UHub repository.
data "registry_ucloud_repo_images" "shop" {
  repo_name  = "shop"
  project_id = "org-xxxx"        # optional; overrides the provider's project_id
  name_regex = "^api(-server)?$" # optional; applied to image_name after the listing

  timeouts {
    read = "5m"
  }
}

locals {
  # images is ordered by update_time, newest first; latest_path is null for an
  # image without a tag, so keep those that have one.
  tagged_images = [for img in data.registry_ucloud_repo_images.shop.images : img if img.latest_path != null]
}

module "service" {
  source = "./modules/service"
  image  = local.tagged_images[0].latest_path # uhub.service.ucloud.cn/shop/<image>:<latest_tag>
}

output "service_image" {
  value = "${local.tagged_images[0].latest_path} (pushed ${local.tagged_images[0].update_time})"
}
