"""A Studio stack: everything it builds is in Pulumi.<stack>.yaml under studio:."""

from studio_infra.program import studio_stack

studio_stack()
