# The configuration `make demo` runs against the fake clouds. Credentials
# and endpoints come from the environment run.sh sets, as a user's would.
terraform {
  required_providers {
    registry = {
      source = "registry-tools/registry"
    }
  }
}

provider "registry" {}

data "registry_swr_tags" "web" {
  namespace  = "demo"
  repository = "apps/web"
}

output "swr_newest_tag" {
  value = data.registry_swr_tags.web.latest.tag
}

output "swr_pinned_path" {
  value = data.registry_swr_tags.web.latest.pinned_path
}

output "swr_tag_count" {
  value = length(data.registry_swr_tags.web.tags)
}

data "registry_ucloud_repo_images" "shop" {
  repo_name = "demo-shop"
}

output "ucloud_newest_image" {
  value = data.registry_ucloud_repo_images.shop.images[0].image_name
}

output "ucloud_latest_path" {
  value = data.registry_ucloud_repo_images.shop.images[0].latest_path
}

output "ucloud_image_count" {
  value = "${length(data.registry_ucloud_repo_images.shop.images)} of ${data.registry_ucloud_repo_images.shop.total_count}"
}

data "registry_ppio_images" "pytorch" {
  name = "pytorch"
}

locals {
  ppio_ready = [for img in data.registry_ppio_images.pytorch.images : img if img.status == "normal"]
}

output "ppio_newest_pytorch_image" {
  value = "${local.ppio_ready[0].image} (${local.ppio_ready[0].name}, created ${local.ppio_ready[0].created_at})"
}
