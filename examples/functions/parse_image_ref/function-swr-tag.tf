# A module takes the image as one string and deploys it pinned by digest:
# parse_image_ref splits it for registry_swr_tag, which looks up the tag's
# digest, and pin_image_ref turns the two into the module input.
variable "image" {
  type        = string
  description = "SWR image, such as swr.cn-north-4.myhuaweicloud.com/team/apps/web:v1.4.2; without a tag, the newest is deployed."

  validation {
    # SWR repositories live in a namespace (organization): <registry>/<namespace>/<repository>.
    condition     = can(regex("/", provider::registry::parse_image_ref(var.image).repository))
    error_message = "The image must be <registry>/<namespace>/<repository>[:tag], such as swr.cn-north-4.myhuaweicloud.com/team/apps/web:v1.4.2."
  }
}

locals {
  image     = provider::registry::parse_image_ref(var.image)
  namespace = split("/", local.image.repository)[0]
}

data "registry_swr_tag" "web" {
  namespace  = local.namespace
  repository = trimprefix(local.image.repository, "${local.namespace}/") # "apps/web"
  tag        = local.image.tag                                           # null: the newest tag

  lifecycle {
    postcondition {
      condition     = startswith(self.path, "${local.image.registry}/")
      error_message = "The image's registry is ${local.image.registry}, but registry_swr_tag read ${self.path}: set the provider's swr.region (or swr.endpoint) to the image's region."
    }
  }
}

module "web" {
  source = "./modules/service"
  # swr.cn-north-4.myhuaweicloud.com/team/apps/web@sha256:...
  image = provider::registry::pin_image_ref(var.image, data.registry_swr_tag.web.digest)
}
