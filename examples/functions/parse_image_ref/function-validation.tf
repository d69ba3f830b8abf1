# Reject a reference without a registry host (or with any other mistake)
# when the module input is given, not when a deployment pulls it.
variable "base_image" {
  type        = string
  description = "Base image, such as swr.cn-north-4.myhuaweicloud.com/team/apps/web:v1.4.2."

  validation {
    condition     = can(provider::registry::parse_image_ref(var.base_image))
    error_message = "The base image must be a full reference, <registry>/<repository>[:tag][@digest], such as swr.cn-north-4.myhuaweicloud.com/team/apps/web:v1.4.2."
  }
}
