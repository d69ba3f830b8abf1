# The configuration `make bench` plans: one SWR listing, repository chosen
# by the environment (the 10,000-tag one, or the empty one for Terraform's
# own overhead).
terraform {
  required_providers {
    registry = {
      source = "registry-tools/registry"
    }
  }
}

variable "repository" {
  type = string
}

provider "registry" {}

data "registry_swr_tags" "bench" {
  namespace  = "demo"
  repository = var.repository
}

output "tag_count" {
  value = length(data.registry_swr_tags.bench.tags)
}
