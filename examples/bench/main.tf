# The configuration `make bench` plans: one SWR read of the repository the
# environment names, by the data source `mode` picks: "list"
# (registry_swr_tags, every tag into state), "newest" or "version"
# (registry_swr_tag, one tag chosen).
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

variable "mode" {
  type    = string
  default = "list"

  validation {
    condition     = contains(["list", "newest", "version"], var.mode)
    error_message = "mode is one of list, newest, version."
  }
}

provider "registry" {}

data "registry_swr_tags" "bench" {
  count      = var.mode == "list" ? 1 : 0
  namespace  = "demo"
  repository = var.repository
}

data "registry_swr_tag" "bench" {
  count      = var.mode == "list" ? 0 : 1
  namespace  = "demo"
  repository = var.repository
  order_by   = var.mode == "version" ? "version" : "updated"
}

output "tag_count" {
  value = var.mode == "list" ? length(data.registry_swr_tags.bench[0].tags) : null
}

output "tag" {
  value = var.mode == "list" ? try(data.registry_swr_tags.bench[0].latest.tag, null) : data.registry_swr_tag.bench[0].tag
}
