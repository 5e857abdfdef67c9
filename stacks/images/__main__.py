"""Studio images as a stack of their own: one encrypted repository, one image per folder.

Platform teams often publish images separately from the domains that use them. Each folder
here with a Dockerfile becomes a SageMaker image (built, pushed, versioned by digest); the
image and app-image-config names are exported for domain stacks to attach.
"""

from pathlib import Path

import pulumi

from studio_infra.ecr import ImageRepository
from studio_infra.images import CustomImage
from studio_infra.kms import StudioKeys

keys = StudioKeys("images", {"purposes": ["ecr"]})
repository = ImageRepository("images", {
    "name": f"{pulumi.get_project()}-{pulumi.get_stack()}",
    "kms_key_arn": keys.arn_for("ecr"),
})
folders = sorted(p.parent.name for p in Path(".").glob("*/Dockerfile"))
images = {
    folder: CustomImage(folder, {
        "image_name": f"shared-{folder}",
        "build": {"context": folder},
        "repository": repository,
    })
    for folder in folders
}

pulumi.export("repository_url", repository.repository_url)
pulumi.export("images", {folder: image.image_name for folder, image in images.items()})
pulumi.export("app_image_configs",
              {folder: image.app_image_config_name for folder, image in images.items()})
