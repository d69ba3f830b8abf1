# Defaults for every data source of registry-tools/registry under
# `terraform test`: valid references and digests, so that
# provider::registry::parse_image_ref and pin_image_ref work on them.
# Load them with: mock_provider "registry" { source = "./mocks" }
#
# Terraform cannot mock items of a list of objects (tags, images,
# platforms): they are always empty. See the guide "Testing modules that
# use this provider".

mock_data "registry_swr_tag" {
  defaults = {
    tag           = "v1.4.2"
    exists        = true
    kind          = "image"
    digest        = "sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"
    path          = "swr.cn-north-4.myhuaweicloud.com/team/apps/web:v1.4.2"
    internal_path = "swr.cn-north-4.myhuaweicloud.com/team/apps/web:v1.4.2"
    pinned_path   = "swr.cn-north-4.myhuaweicloud.com/team/apps/web@sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"
    media_type    = "application/vnd.docker.distribution.manifest.v2+json"
    schema        = 2
    tag_type      = 0
    created       = "2025-03-04T05:00:00Z"
    updated       = "2025-03-04T05:00:00Z"
  }
}

mock_data "registry_swr_tags" {
  defaults = {
    total_count = 1
    latest = {
      tag         = "v1.4.2"
      kind        = "image"
      digest      = "sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"
      path        = "swr.cn-north-4.myhuaweicloud.com/team/apps/web:v1.4.2"
      pinned_path = "swr.cn-north-4.myhuaweicloud.com/team/apps/web@sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"
      created     = "2025-03-04T05:00:00Z"
      updated     = "2025-03-04T05:00:00Z"
    }
  }
}

mock_data "registry_ucloud_image_tag" {
  defaults = {
    tag         = "stable"
    exists      = true
    kind        = "image"
    digest      = "sha256:2f0d630e04fd64d95e505549b511232b361c4004cdb5597263c6e0eb9da34307"
    path        = "uhub.service.ucloud.cn/shop/api:stable"
    pinned_path = "uhub.service.ucloud.cn/shop/api@sha256:2f0d630e04fd64d95e505549b511232b361c4004cdb5597263c6e0eb9da34307"
    update_time = "2025-03-04T05:00:00Z"
  }
}

mock_data "registry_ucloud_image_tags" {
  defaults = {
    total_count = 1
    latest = {
      tag         = "stable"
      kind        = "image"
      digest      = "sha256:2f0d630e04fd64d95e505549b511232b361c4004cdb5597263c6e0eb9da34307"
      path        = "uhub.service.ucloud.cn/shop/api:stable"
      pinned_path = "uhub.service.ucloud.cn/shop/api@sha256:2f0d630e04fd64d95e505549b511232b361c4004cdb5597263c6e0eb9da34307"
      update_time = "2025-03-04T05:00:00Z"
    }
  }
}

mock_data "registry_ucloud_repo_images" {
  defaults = {
    total_count = 1
    latest = {
      repo_name   = "shop"
      image_name  = "api"
      pull_count  = 42
      latest_tag  = "stable"
      latest_path = "uhub.service.ucloud.cn/shop/api:stable"
      create_time = "2025-03-01T05:00:00Z"
      update_time = "2025-03-04T05:00:00Z"
    }
  }
}

mock_data "registry_ppio_images" {
  defaults = {
    latest = {
      id         = "7f0c6d1e-4d1a-4b8e-9f57-3c2a1b0e9d8c"
      name       = "inference-server"
      image      = "registry.example.com/private/inference-server"
      type       = "private"
      status     = "normal"
      created_at = "2025-03-04T05:00:00Z"
    }
  }
}
