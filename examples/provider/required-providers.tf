terraform {
  required_providers {
    registry = {
      source = "registry-tools/registry"
    }
  }
}
