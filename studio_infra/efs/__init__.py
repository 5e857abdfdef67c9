"""Shared EFS file systems for Studio users: settings, policies, boundaries, the component.

* ``settings``: ``FileSystemSettings`` (``studio:shared_efs``) and ``SharedFileSystemArgs``;
* ``policies``: the file-system policy and the provisioner's role policy, as data;
* ``boundaries``: one trust boundary per file system, and AWS's quotas on them
  (``studio_infra.file_boundaries`` keeps its old path);
* ``component``: ``SharedFileSystem``.

The function that creates users' directories stays ``studio_infra.efs_provisioner``: its
file is the Lambda function's code (uploaded as it is, importing nothing of the library) and
its module path is what tests and deployed plans name.
"""

from studio_infra.efs.component import SharedFileSystem as SharedFileSystem
from studio_infra.efs.policies import CLIENT_ACTIONS as CLIENT_ACTIONS
from studio_infra.efs.policies import ROOT_ACTION as ROOT_ACTION
from studio_infra.efs.policies import STUDIO_TLS_PAGES as STUDIO_TLS_PAGES
from studio_infra.efs.policies import file_system_statements as file_system_statements
from studio_infra.efs.policies import provisioner_statements as provisioner_statements
from studio_infra.efs.settings import DIRECTORY_MODE as DIRECTORY_MODE
from studio_infra.efs.settings import FileSystemSettings as FileSystemSettings
from studio_infra.efs.settings import IaTransition as IaTransition
from studio_infra.efs.settings import SharedFileSystemArgs as SharedFileSystemArgs
