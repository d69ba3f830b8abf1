# The configuration `make demo` runs against the fake clouds. Credentials
# and endpoints come from the environment run.sh sets, as a user's would.
terraform {
  required_providers {
    registry = {
      source = "registry-tools/registry"
    }
  }
}

provider "registry" {}

# One answer: the newest tag of demo/apps/web and its digest, read from the
# first page of SWR's newest-first listing.
data "registry_swr_tag" "web" {
  namespace  = "demo"
  repository = "apps/web"
}

# The highest release below 2000, by version rather than by push time.
data "registry_swr_tag" "below_2000" {
  namespace          = "demo"
  repository         = "apps/web"
  version_constraint = "< 2000"
  order_by           = "version"
}

# Every tag, newest first.
data "registry_swr_tags" "web" {
  namespace  = "demo"
  repository = "apps/web"
}

output "swr_newest_tag" {
  value = data.registry_swr_tag.web.tag
}

output "swr_pinned_path" {
  value = data.registry_swr_tag.web.pinned_path
}

output "swr_highest_below_2000" {
  value = "${data.registry_swr_tag.below_2000.tag} (${data.registry_swr_tag.below_2000.digest})"
}

output "swr_tag_count" {
  value = "${length(data.registry_swr_tags.web.tags)}, newest ${try(data.registry_swr_tags.web.latest.tag, "none")}"
}

# A signed, multi-platform repository: cosign's signature and attestation,
# a notation signature and a Helm chart were pushed after the image, so the
# newest tag is a signature. The choice skips them.
data "registry_swr_tags" "signed" {
  namespace  = "demo"
  repository = "apps/signed"
}

data "registry_swr_tag" "signed" {
  namespace  = "demo"
  repository = "apps/signed"
}

# The digest an arm64 node pulls, not the index's.
data "registry_swr_tag" "signed_arm64" {
  namespace  = "demo"
  repository = "apps/signed"
  platform   = "linux/arm64"
}

output "signed_newest_tag_of_any_kind" {
  value = "${data.registry_swr_tags.signed.tags[0].tag} (${data.registry_swr_tags.signed.tags[0].kind})"
}

output "signed_newest_image" {
  value = "${data.registry_swr_tag.signed.tag} (${data.registry_swr_tag.signed.kind}: ${join(", ", [for p in data.registry_swr_tag.signed.platforms : "${p.os}/${p.architecture}${p.variant != null ? "/${p.variant}" : ""}"])})"
}

output "signed_arm64_pinned_path" {
  value = data.registry_swr_tag.signed_arm64.platform_pinned_path
}

output "signed_signatures_of_newest_image" {
  value = [for t in data.registry_swr_tags.signed.tags : t.tag if t.kind == "signature" && startswith(t.tag, replace(data.registry_swr_tag.signed.digest, ":", "-"))]
}

# A service whose image is not pushed yet: with allow_missing the plan goes
# ahead with exists = false instead of failing (push it with the admin API
# and plan again to see it appear).
data "registry_swr_tag" "worker" {
  namespace     = "demo"
  repository    = "apps/worker"
  tag           = "v1.0.0"
  allow_missing = true
}

output "swr_worker_image" {
  value = data.registry_swr_tag.worker.exists ? data.registry_swr_tag.worker.pinned_path : "not pushed yet"
}

# The newest tag of UHub image demo-shop/web, pinned by digest.
data "registry_ucloud_image_tag" "web" {
  repo_name  = "demo-shop"
  image_name = "web"

  lifecycle {
    postcondition {
      condition     = self.pinned_path != null
      error_message = "demo-shop/web:${self.tag} has no digest to pin."
    }
  }
}

output "ucloud_pinned_path" {
  value = data.registry_ucloud_image_tag.web.pinned_path
}

data "registry_ucloud_repo_images" "shop" {
  repo_name = "demo-shop"
}

output "ucloud_newest_image" {
  value = try(data.registry_ucloud_repo_images.shop.latest.latest_path, "none")
}

output "ucloud_image_count" {
  value = "${length(data.registry_ucloud_repo_images.shop.images)} of ${data.registry_ucloud_repo_images.shop.total_count}"
}

data "registry_ppio_images" "pytorch" {
  name = "pytorch"
}

locals {
  # Ready images with a tag, newest first, as "<image>:<tag>".
  ppio_ready = [
    for img in data.registry_ppio_images.pytorch.images : img.tags[0].full_image_name
    if img.status == "normal" && length(img.tags) > 0
  ]
}

output "ppio_newest_pytorch_image" {
  value = try(local.ppio_ready[0], "none ready")
}
