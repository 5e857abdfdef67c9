"""Keeps the old path ``studio_infra.file_boundaries``: the trust boundaries of file systems
live in ``studio_infra.efs.boundaries``, beside the file systems they divide."""

from studio_infra.efs.boundaries import EFS_QUOTAS_PAGE as EFS_QUOTAS_PAGE
from studio_infra.efs.boundaries import FILE_SYSTEMS as FILE_SYSTEMS
from studio_infra.efs.boundaries import GROUPS_PER_BOUNDARY as GROUPS_PER_BOUNDARY
from studio_infra.efs.boundaries import GROUPS_PER_INTERFACE as GROUPS_PER_INTERFACE
from studio_infra.efs.boundaries import INBOUND_RULES as INBOUND_RULES
from studio_infra.efs.boundaries import MOUNT_TARGETS as MOUNT_TARGETS
from studio_infra.efs.boundaries import OTHER_GROUPS as OTHER_GROUPS
from studio_infra.efs.boundaries import SECURITY_GROUPS as SECURITY_GROUPS
from studio_infra.efs.boundaries import VPC_QUOTAS_PAGE as VPC_QUOTAS_PAGE
from studio_infra.efs.boundaries import Boundary as Boundary
from studio_infra.efs.boundaries import Quota as Quota
from studio_infra.efs.boundaries import boundaries as boundaries
from studio_infra.efs.boundaries import profile_group_limit as profile_group_limit
from studio_infra.efs.boundaries import quota_problems as quota_problems
