# Follow the newest build of a branch: the most recently pushed tag that
# starts with "main-". SWR lists tags newest first, so this is usually one
# request however many tags the repository has.
data "registry_swr_tag" "web_main" {
  namespace  = "team"
  repository = "apps/web"
  tag_regex  = "^main-"

  lifecycle {
    # A tag SWR reports without a digest cannot be pinned (digest and
    # pinned_path are null): stop here rather than hand the module a null.
    postcondition {
      condition     = self.digest != null
      error_message = "team/apps/web:${self.tag} has no digest to pin."
    }
  }
}

module "web_staging" {
  source = "./modules/service"
  image  = data.registry_swr_tag.web_main.pinned_path
}

output "web_staging_tag" {
  value = "${data.registry_swr_tag.web_main.tag} (pushed ${data.registry_swr_tag.web_main.updated})"
}
