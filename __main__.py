"""The default stack: a complete, secure, VpcOnly SageMaker Studio, configured under ``studio:``.

Everything it builds is described by the ``studio`` section of ``Pulumi.<stack>.yaml`` and
validated before anything is created; see docs/stack-config.md for every key.
"""

from studio_infra.program import studio_stack

studio_stack()
