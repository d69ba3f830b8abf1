# The parts of an image reference, to feed a data source or another module.
locals {
  web = provider::registry::parse_image_ref("swr.cn-north-4.myhuaweicloud.com/team/apps/web:v1.4.2")
  # {
  #   registry   = "swr.cn-north-4.myhuaweicloud.com"
  #   repository = "team/apps/web"
  #   tag        = "v1.4.2"
  #   digest     = null
  # }
}

output "web_repository" {
  value = local.web.repository # "team/apps/web"
}
