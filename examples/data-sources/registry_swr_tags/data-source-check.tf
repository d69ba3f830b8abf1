# Warn, without failing the run, when the tag deployed has moved to another
# digest since it was pinned.
#
# The data source is declared at the top level, not inside the check block:
# a data source scoped to a check block is always "read during apply", so
# `terraform plan -detailed-exitcode` would never exit 0. Declared here it is
# read at plan time: in CI, exit code 0 means nothing moved, and a warning
# names the tag that did.
variable "deployed_digest" {
  type = string
}

data "registry_swr_tags" "stable" {
  namespace  = "team"
  repository = "apps/web"
  tag_regex  = "^stable$"
}

check "web_stable_is_pinned" {
  assert {
    condition     = try(data.registry_swr_tags.stable.latest.digest, null) == var.deployed_digest
    error_message = "team/apps/web:stable is no longer at the deployed digest ${var.deployed_digest}; update deployed_digest and redeploy."
  }
}
