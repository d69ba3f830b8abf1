# A child module that calls the provider's functions: it must declare the
# provider itself, or Terraform says "no functions in namespace
# provider::registry::" (or looks for hashicorp/registry).
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
