terraform {
  required_version = ">= 1.10" # ephemeral resources (OpenTofu: >= 1.11)
  required_providers {
    registry = { source = "registry-tools/registry" }
    helm     = { source = "hashicorp/helm", version = ">= 3.0" }
    docker   = { source = "kreuzwerker/docker" }
  }
}

# A temporary docker login to the SWR registry of the provider's region,
# made with the provider's swr credentials (AK/SK, temporary AK/SK or an IAM
# token). It is opened for this run only and never written to the plan or
# the state.
ephemeral "registry_swr_login" "swr" {}

# Helm pulls charts stored in SWR as OCI artifacts with it.
provider "helm" {
  kubernetes = {
    config_path = "~/.kube/config"
  }
  registries = [{
    url      = "oci://${ephemeral.registry_swr_login.swr.registry}"
    username = ephemeral.registry_swr_login.swr.username
    password = ephemeral.registry_swr_login.swr.password
  }]
}

resource "helm_release" "web" {
  name  = "web"
  chart = "oci://swr.cn-north-4.myhuaweicloud.com/team/charts/web"
}

# The docker provider pulls and pushes images in SWR with it.
provider "docker" {
  registry_auth {
    address  = ephemeral.registry_swr_login.swr.registry
    username = ephemeral.registry_swr_login.swr.username
    password = ephemeral.registry_swr_login.swr.password
  }
}

resource "docker_image" "web" {
  name = "swr.cn-north-4.myhuaweicloud.com/team/apps/web:v2.1.4"
}
