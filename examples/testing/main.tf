# A small module that pins the images of a service: the one its tests
# (tests/service.tftest.hcl) run against the mocks in mocks/, with no
# credentials and no network.
terraform {
  required_version = ">= 1.8"
  required_providers {
    # A module that calls provider::registry:: functions must declare the
    # provider itself, even when its caller already does.
    registry = {
      source = "registry-tools/registry"
    }
  }
}

variable "namespace" {
  type        = string
  description = "SWR organization of the service's image."
}

variable "repository" {
  type        = string
  description = "SWR repository of the service's image."
}

variable "release" {
  type        = string
  default     = "~> 1.4"
  description = "Version constraint the image's tag must meet."
}

variable "sidecar_image" {
  type        = string
  description = "UHub image of the sidecar, <repo>/<image>."
}

# The newest release that meets var.release; before the first push there
# is none, and the service is not deployed yet.
data "registry_swr_tag" "app" {
  namespace          = var.namespace
  repository         = var.repository
  version_constraint = var.release
  allow_missing      = true
}

data "registry_ucloud_image_tag" "sidecar" {
  repo_name  = split("/", var.sidecar_image)[0]
  image_name = split("/", var.sidecar_image)[1]
  tag        = "stable"

  lifecycle {
    postcondition {
      condition     = self.digest != null
      error_message = "UHub reports no digest for ${var.sidecar_image}:stable, so it cannot be pinned."
    }
  }
}

locals {
  app = data.registry_swr_tag.app
}

output "deploy" {
  description = "Whether the service's image exists, so that it can be deployed."
  value       = local.app.exists
}

output "image" {
  description = "The service's image, pinned to its digest; null before the first push."
  value       = local.app.exists ? provider::registry::pin_image_ref(local.app.path, local.app.digest) : null
}

output "registry" {
  description = "The registry host the service pulls from."
  value       = local.app.exists ? provider::registry::parse_image_ref(local.app.path).registry : null
}

output "sidecar_image" {
  description = "The sidecar's stable image, pinned to its digest."
  value       = data.registry_ucloud_image_tag.sidecar.pinned_path
}
