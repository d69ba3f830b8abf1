# Deploy the newest multi-platform image to arm64 nodes. A signing pipeline
# pushes cosign's signature (sha256-<digest>.sig) and attestation after the
# image, so the newest tag is a signature; the choice skips it. With
# platform, the candidates are the indexes that hold a linux/arm64 image,
# and platform_pinned_path is the digest an arm64 node pulls, not the
# index's.
data "registry_swr_tag" "web_arm64" {
  namespace  = "team"
  repository = "apps/web"
  platform   = "linux/arm64"
}

module "web_arm64" {
  source = "./modules/service"
  image  = data.registry_swr_tag.web_arm64.platform_pinned_path
}

# The signatures of that image: cosign names them after its digest.
data "registry_swr_tags" "web" {
  namespace  = "team"
  repository = "apps/web"
}

output "web_signatures" {
  value = [
    for t in data.registry_swr_tags.web.tags : t.tag
    if t.kind == "signature" && startswith(t.tag, replace(data.registry_swr_tag.web_arm64.digest, ":", "-"))
  ]
}
