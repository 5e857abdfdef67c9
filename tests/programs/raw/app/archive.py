"""A component of the program's own, imported from a module beside __main__.py."""

import pulumi
import pulumi_aws as aws


class Archive(pulumi.ComponentResource):
    def __init__(self, name: str, tags: dict, opts: pulumi.ResourceOptions | None = None):
        super().__init__("raw:storage:Archive", name, None, opts)
        self.bucket = aws.s3.Bucket(
            f"{name}-bucket",
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True),
        )
        aws.s3.BucketVersioning(
            f"{name}-versioning",
            bucket=self.bucket.id,
            versioning_configuration={"status": "Enabled"},
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"bucket_name": self.bucket.bucket})
