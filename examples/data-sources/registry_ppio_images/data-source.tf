# Deploy the newest usable build of a private image, by its tagged reference.
data "registry_ppio_images" "inference" {
  type       = "private"
  name       = "inference"          # server-side filter
  name_regex = "^inference-server$" # exact name, applied after the listing

  timeouts {
    read = "5m"
  }

  lifecycle {
    postcondition {
      condition     = length([for img in self.images : img if img.status == "normal" && length(img.tags) > 0]) > 0
      error_message = "No ready, tagged inference-server image in the PPIO account."
    }
  }
}

locals {
  # images is ordered newest first; keep those PPIO can run, and of each its
  # first tag's full reference ("<image>:<tag>"), so that the module never
  # gets an untagged image that would silently mean ":latest".
  ready_refs = [
    for img in data.registry_ppio_images.inference.images : img.tags[0].full_image_name
    if img.status == "normal" && length(img.tags) > 0
  ]
}

module "inference" {
  source = "./modules/gpu-instance"
  image  = local.ready_refs[0] # the postcondition guarantees there is one
}
