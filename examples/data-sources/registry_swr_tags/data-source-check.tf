# Report drift without failing the run: warn when the tag deployed has
# moved to another digest since it was pinned.
variable "deployed_digest" {
  type = string
}

check "web_stable_is_pinned" {
  data "registry_swr_tags" "stable" {
    namespace  = "team"
    repository = "apps/web"
    tag_regex  = "^stable$"
  }

  assert {
    condition     = data.registry_swr_tags.stable.latest != null && data.registry_swr_tags.stable.latest.digest == var.deployed_digest
    error_message = "team/apps/web:stable has moved from the deployed digest; update deployed_digest and redeploy."
  }
}
