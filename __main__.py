"""The default stack: a complete, secure, VpcOnly SageMaker Studio, configured under ``studio:``.

Everything it builds is described by the ``studio`` section of ``Pulumi.<stack>.yaml`` and
validated before anything is created; see the README for every key.
"""

import pulumi

from studio_infra.studio import Studio

studio = Studio("studio")

pulumi.export("domain_id", studio.domain.domain_id)
pulumi.export("domain_url", studio.domain.url)
pulumi.export("user_profiles", {n: u.user_profile_name for n, u in studio.users.items()})
pulumi.export("vpc_id", studio.network.vpc_id)
pulumi.export("private_subnet_ids", studio.network.private_subnet_ids)
pulumi.export("studio_security_group_id", studio.network.studio_security_group_id)
pulumi.export("kms_key_arns", studio.keys.key_arns)
pulumi.export("sharing_bucket", studio.sharing.bucket_name if studio.sharing else None)
pulumi.export("shared_efs_id",
              studio.shared_efs.file_system_id if studio.shared_efs else None)
pulumi.export("image_repository_url",
              studio.repository.repository_url if studio.repository else None)
pulumi.export("images", {n: i.image_arn for n, i in studio.images.items()})
pulumi.export("default_execution_role_arn", studio.default_role.role_arn)
