# A child module that calls the provider's functions: it must declare the
# provider itself, or Terraform fails with "Unknown provider function:
# There is no function named provider::registry::pin_image_ref".
terraform {
  required_providers {
    registry = {
      source = "registry-tools/registry"
    }
  }
}

variable "path" {
  type = string
}

variable "digest" {
  type = string
}

output "image" {
  value = provider::registry::pin_image_ref(var.path, var.digest)
}

output "registry" {
  value = provider::registry::parse_image_ref(var.path).registry
}
