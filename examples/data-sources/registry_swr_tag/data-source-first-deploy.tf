# The first deploy of a new service: the module plans before the pipeline
# has pushed an image. With allow_missing, a repository or tag that does not
# exist yet gives exists = false (and null attributes) instead of an error,
# so the deployment is simply not created; the plan after the push creates
# it. Wrong credentials or a wrong endpoint are still errors.
data "registry_swr_tag" "worker" {
  namespace     = "team"
  repository    = "apps/worker"
  tag           = "v1.0.0"
  allow_missing = true
}

module "worker" {
  source = "./modules/service"
  count  = data.registry_swr_tag.worker.exists ? 1 : 0
  image  = data.registry_swr_tag.worker.pinned_path
}

# Where the image must exist, say so by name rather than plan a null.
data "registry_swr_tag" "web" {
  namespace     = "team"
  repository    = "apps/web"
  allow_missing = true

  lifecycle {
    postcondition {
      condition     = self.exists
      error_message = "team/apps/web has no image yet: push one before deploying the web service."
    }
  }
}

module "web" {
  source = "./modules/service"
  image  = data.registry_swr_tag.web.pinned_path
}
