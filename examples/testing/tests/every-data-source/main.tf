# Reads every data source of the provider, for the run in
# ../service.tftest.hcl that checks the mocks.
terraform {
  required_providers {
    registry = {
      source = "registry-tools/registry"
    }
  }
}

data "registry_swr_tag" "web" {
  namespace  = "team"
  repository = "apps/web"
}

data "registry_swr_tags" "web" {
  namespace  = "team"
  repository = "apps/web"
}

data "registry_ucloud_image_tag" "api" {
  repo_name  = "shop"
  image_name = "api"
}

data "registry_ucloud_image_tags" "api" {
  repo_name  = "shop"
  image_name = "api"
}

data "registry_ucloud_repo_images" "shop" {
  repo_name = "shop"
}

data "registry_ppio_images" "inference" {
  name = "inference-server"
}

output "pinned" {
  value = {
    swr_tag          = provider::registry::pin_image_ref(data.registry_swr_tag.web.path, data.registry_swr_tag.web.digest)
    swr_tags         = data.registry_swr_tags.web.latest.pinned_path
    ucloud_image_tag = data.registry_ucloud_image_tag.api.pinned_path
    ucloud_image_tags = provider::registry::pin_image_ref(
      data.registry_ucloud_image_tags.api.latest.path, data.registry_ucloud_image_tags.api.latest.digest,
    )
  }
}

output "tagged" {
  value = {
    swr_tag            = data.registry_swr_tag.web.path
    ucloud_image_tags  = data.registry_ucloud_image_tags.api.latest.path
    ucloud_repo_images = data.registry_ucloud_repo_images.shop.latest.latest_path
    ppio_images        = "${data.registry_ppio_images.inference.latest.image}:latest"
  }
}

# Terraform's mocks cannot give a list of objects any items (the testing
# guide says so): the run that reads this checks they are still empty, so
# that the guide is revisited when Terraform changes.
output "list_lengths" {
  value = [
    length(data.registry_swr_tags.web.tags),
    length(data.registry_ucloud_image_tags.api.tags),
    length(data.registry_ucloud_repo_images.shop.images),
    length(data.registry_ppio_images.inference.images),
  ]
}
