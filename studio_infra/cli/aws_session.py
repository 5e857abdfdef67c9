"""The AWS session of ``audit`` and ``teardown``, checked before anything is read or
deleted: a domain id SageMaker could have, a region AWS has, and credentials."""

from __future__ import annotations

import argparse
import re

from studio_infra.cli.exits import UsageError

DOMAIN_ID = re.compile(r"^d-(-*[a-z0-9]){1,61}$")
"""botocore's pattern of a SageMaker ``DomainId``."""


def aws_session(args: argparse.Namespace) -> object:
    """A session for the command, checked before anything is read or deleted: a domain id
    SageMaker could have, a region AWS has, and credentials."""
    from botocore.exceptions import BotoCoreError

    from studio_infra.ops.session import make_session
    from studio_infra.plan.fakes import known_regions

    if not DOMAIN_ID.match(args.domain_id):
        raise UsageError(f"--domain-id {args.domain_id!r} is not a SageMaker domain id "
                         "(like d-abcdefghijkl)")
    if args.region and args.region not in known_regions():
        from studio_infra.suggest import did_you_mean

        raise UsageError(f"--region {args.region!r} is not an AWS region; " + did_you_mean(
            args.region, known_regions(), "give a region code like 'us-east-1' or 'eu-west-1'"))
    try:
        session = make_session(args.region, args.profile,
                               retry_mode=getattr(args, "retry_mode", None),
                               max_attempts=getattr(args, "max_attempts", None))
        credentials = session.get_credentials()
    except BotoCoreError as exc:
        raise UsageError(str(exc)) from None
    except ValueError as exc:  # AWS_RETRY_MODE or AWS_MAX_ATTEMPTS not usable
        raise UsageError(str(exc)) from None
    if not session.region_name:
        # botocore reads AWS_DEFAULT_REGION (configprovider's "region" variable), not AWS_REGION
        raise UsageError("no AWS region: pass --region or set AWS_DEFAULT_REGION (or a "
                         "profile's region)")
    if session.region_name not in known_regions():
        raise UsageError(f"region {session.region_name!r} (from AWS_DEFAULT_REGION or the "
                         "profile) is not an AWS region; pass --region with one of "
                         f"{', '.join(known_regions())}")
    if credentials is None:
        raise UsageError("no AWS credentials: set AWS_PROFILE, run `aws sso login`, or export "
                         "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
    return session


def command_session(args: argparse.Namespace) -> object:
    """``aws_session``, looked up on ``studio_infra.cli`` (as ``_aws_session``, its name when
    the command was one module) each time a command runs: replacing it there, as tests do to
    run a command without AWS, still takes effect."""
    from studio_infra import cli

    return cli._aws_session(args)
