# A Kubernetes image pull secret whose content never reaches the plan or the
# state: the login goes to the write-only argument data_wo (write-only
# arguments need Terraform 1.11 or later, and a hashicorp/kubernetes release
# that has data_wo), which is sent to the cluster when data_wo_revision changes.
ephemeral "registry_swr_login" "swr" {}

variable "pull_secret_revision" {
  type        = number
  description = "Raise it to write a fresh login into the secret: SWR's temporary logins expire after 24 hours."
}

resource "kubernetes_secret_v1" "swr_pull" {
  metadata {
    name      = "swr-pull"
    namespace = "web"
  }
  type = "kubernetes.io/dockerconfigjson"

  data_wo = {
    ".dockerconfigjson" = ephemeral.registry_swr_login.swr.docker_config_json
  }
  data_wo_revision = var.pull_secret_revision
}
