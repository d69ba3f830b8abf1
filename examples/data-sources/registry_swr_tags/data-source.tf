# Pin the newest release tag of a repository, by digest, into a module input.
data "registry_swr_tags" "web" {
  namespace  = "team"
  repository = "apps/web"
  tag_regex  = "^v[0-9]+\\.[0-9]+\\.[0-9]+$" # releases only

  timeouts {
    read = "5m"
  }

  lifecycle {
    # latest is null when no tag matches: fail here, with a clear message,
    # rather than with "Attempt to get attribute from null value" below.
    postcondition {
      condition     = self.latest != null
      error_message = "team/apps/web has no release tag (v<major>.<minor>.<patch>)."
    }
  }
}

module "web" {
  source = "./modules/service"
  # swr.<region>.myhuaweicloud.com/team/apps/web@sha256:…: never moves, so
  # `terraform plan` shows an update exactly when a newer release is pushed.
  image = data.registry_swr_tags.web.latest.pinned_path
}
