# Needs Terraform 1.10 or later (OpenTofu 1.11): run.sh adds this file to
# the demo only then.

# A temporary docker login to the fake SWR, opened for this run only and
# never written to the plan or the state.
ephemeral "registry_swr_login" "swr" {}

# A login script takes the credentials from its environment, as
# `docker login --password-stdin` would. This one writes what it got to
# swr_login.txt for run.sh to print: the registry, the user, how long the
# password is and when it expires, never the password. (An ephemeral value
# cannot be an output of the root module, and Terraform hides a command's
# own output when its environment holds one.)
resource "terraform_data" "swr_login" {
  provisioner "local-exec" {
    command = "printf 'logged in to %s as %s with a password of %s characters, valid until %s\\n' \"$REGISTRY\" \"$USERNAME\" \"$${#PASSWORD}\" \"$EXPIRES_AT\" > swr_login.txt"
    environment = {
      REGISTRY   = ephemeral.registry_swr_login.swr.registry
      USERNAME   = ephemeral.registry_swr_login.swr.username
      PASSWORD   = ephemeral.registry_swr_login.swr.password
      EXPIRES_AT = ephemeral.registry_swr_login.swr.expires_at
    }
  }
}

check "swr_login" {
  assert {
    condition     = timecmp(ephemeral.registry_swr_login.swr.expires_at, plantimestamp()) > 0
    error_message = "The SWR login has already expired."
  }
}
