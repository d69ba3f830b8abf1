# `terraform test` for the module in this directory (examples/testing),
# against the mocks in mocks/: no credentials, no network. `make test`
# runs it (scripts/terraform-test.sh).

mock_provider "registry" {
  source = "./mocks"
}

variables {
  namespace     = "team"
  repository    = "apps/web"
  sidecar_image = "shop/api"
}

run "pins_the_release_to_its_digest" {
  command = plan

  assert {
    condition     = output.image == "swr.cn-north-4.myhuaweicloud.com/team/apps/web@sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"
    error_message = "The service's image is not the release pinned to its digest: ${jsonencode(output.image)}."
  }
  assert {
    condition     = output.registry == "swr.cn-north-4.myhuaweicloud.com" && output.deploy
    error_message = "The service is not deployed from SWR in cn-north-4."
  }
  assert {
    condition     = output.sidecar_image == "uhub.service.ucloud.cn/shop/api@sha256:2f0d630e04fd64d95e505549b511232b361c4004cdb5597263c6e0eb9da34307"
    error_message = "The sidecar's image is not pinned to its digest: ${jsonencode(output.sidecar_image)}."
  }
}

# The first deploy, before the image is pushed: allow_missing gives
# exists = false and null tag attributes, as override_data says here.
run "first_deploy_before_the_image_exists" {
  command = plan

  override_data {
    target = data.registry_swr_tag.app
    values = {
      exists      = false
      digest      = null
      path        = null
      pinned_path = null
    }
  }

  assert {
    condition     = !output.deploy && output.image == null && output.registry == null
    error_message = "A service without an image must not be deployed."
  }
}

# A sidecar tag without a digest fails the module's postcondition.
run "sidecar_without_a_digest_fails" {
  command = plan

  override_data {
    target = data.registry_ucloud_image_tag.sidecar
    values = {
      digest      = null
      pinned_path = null
    }
  }

  expect_failures = [data.registry_ucloud_image_tag.sidecar]
}

# Every mock in mocks/ gives the functions valid references: the mocks a
# guide copies into other modules' tests are checked here too.
run "every_mock_is_a_valid_reference" {
  command = plan

  module {
    source = "./tests/every-data-source"
  }

  assert {
    condition = alltrue([
      for ref in values(output.pinned) : provider::registry::parse_image_ref(ref).digest != null
    ])
    error_message = "A mocked pinned_path has no digest: ${jsonencode(output.pinned)}."
  }
  assert {
    condition     = length(output.tagged) == 4 && alltrue([for ref in values(output.tagged) : provider::registry::parse_image_ref(ref).tag != null])
    error_message = "A mocked tagged path has no tag: ${jsonencode(output.tagged)}."
  }
  assert {
    condition     = output.list_lengths == [0, 0, 0, 0]
    error_message = "Terraform's mocks now give lists of objects items: update the guide \"Testing modules that use this provider\"."
  }
}
