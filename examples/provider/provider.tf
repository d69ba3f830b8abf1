terraform {
  required_providers {
    registry = {
      source = "registry-tools/registry"
    }
  }
}

# Every argument is optional and falls back to its environment variable;
# configure only the clouds you read from.
provider "registry" {
  swr {
    region = "cn-north-4" # HW_REGION_NAME
    # access_key / secret_key from HW_ACCESS_KEY / HW_SECRET_KEY
  }

  ucloud {
    project_id = "org-example" # UCLOUD_PROJECT_ID
    # public_key / private_key from UCLOUD_PUBLIC_KEY / UCLOUD_PRIVATE_KEY
  }

  ppio {
    # api_key from PPIO_API_KEY
  }

  max_retries     = 5
  request_timeout = "30s"
  max_concurrency = 4
}
