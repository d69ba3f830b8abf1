# Deploy the newest usable build of a private image.
data "registry_ppio_images" "inference" {
  type       = "private"
  name       = "inference"          # server-side filter
  name_regex = "^inference-server$" # exact name, applied after the listing

  timeouts {
    read = "5m"
  }
}

locals {
  # images is ordered newest first; keep those PPIO can run.
  ready_images = [for img in data.registry_ppio_images.inference.images : img if img.status == "normal"]
  newest_image = local.ready_images[0]
}

module "inference" {
  source = "./modules/gpu-instance"
  image  = local.newest_image.image
}

output "inference_image" {
  value = "${local.newest_image.image} (created ${local.newest_image.created_at})"
}
