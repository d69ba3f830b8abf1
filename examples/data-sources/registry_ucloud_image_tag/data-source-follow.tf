# Follow the newest 1.x release from 1.4 on: the most recently pushed tag
# that reads as a version and meets "~> 1.4" (1.4 and up, below 2.0;
# pre-releases such as 1.5.0-rc1 and tags such as "latest" are skipped).
# Pushing v1.5.0 changes pinned_path, and the next plan updates the module.
data "registry_ucloud_image_tag" "web" {
  repo_name          = "shop"
  image_name         = "web"
  version_constraint = "~> 1.4"
  # order_by = "version" # the highest 1.x version instead of the newest push

  timeouts {
    read = "5m"
  }

  lifecycle {
    postcondition {
      condition     = self.pinned_path != null
      error_message = "UHub reports no digest for shop/web:${self.tag}, the newest ~> 1.4 release; it cannot be pinned."
    }
  }
}

module "web" {
  source = "./modules/service"
  image  = data.registry_ucloud_image_tag.web.pinned_path # uhub.service.ucloud.cn/shop/web@sha256:…
}

output "web_release" {
  value = "${data.registry_ucloud_image_tag.web.tag} (pushed ${data.registry_ucloud_image_tag.web.update_time})"
}
