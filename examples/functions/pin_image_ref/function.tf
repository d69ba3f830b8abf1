# A tag reference pinned to a digest, for inputs that take only immutable
# references: the tag is dropped.
output "web_pinned" {
  value = provider::registry::pin_image_ref(
    "swr.cn-north-4.myhuaweicloud.com/team/apps/web:v1.4.2",
    "sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b",
  )
  # "swr.cn-north-4.myhuaweicloud.com/team/apps/web@sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"
}
