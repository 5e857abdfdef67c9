"""Each type token is spelled once, in ``studio_infra.resource_types``, and is the token its
SDK registers.

A token the provider does not register selects nothing: a rule that reads a misspelt type
passes every plan, and a fake that answers one answers nothing. So each ``aws:`` constant is
held to the token pulumi-aws's own class passes to ``super().__init__`` (or its function to
``pulumi.runtime.invoke``), the engine's tokens to what the Pulumi SDK registers under the
planner's mocks, and no other module of the library, its tests or benchmarks may spell a
token out (data files, JSON plans and state exports, keep theirs).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from collections.abc import Iterator
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pytest
from pulumi.dynamic import CreateResult, Resource, ResourceProvider

from studio_infra import resource_types
from studio_infra.plan.runner import ProgramError, run_under_mocks
from studio_infra.resource_types import (
    AWS_PROVIDER,
    DYNAMIC_RESOURCE,
    PROVIDER_PREFIX,
    PULUMI_STACK,
    python_module,
)

ROOT = Path(__file__).resolve().parents[1]
CONSTANTS = {name: value for name, value in vars(resource_types).items()
             if name.isupper() and isinstance(value, str)}
AWS_TOKENS = {name: token for name, token in CONSTANTS.items() if token.startswith("aws:")}

TOKEN = re.compile(r"aws:[a-z0-9]+/[a-zA-Z0-9]+:[A-Za-z0-9]+|pulumi-[a-z]+:dynamic:|"
                   r"pulumi:providers:|pulumi:pulumi:|command:(?:local|remote):|"
                   r"studio-infra:[a-z0-9]+:[A-Za-z0-9]+")
"""Provider type and invoke tokens, the dynamic and provider resources', the engine's, and
the components' own."""
FOREIGN = {"aws:sns/topic:Topic", "aws:ec2/getAmi:getAmi"}
"""Tokens the library never uses, named by the tests that show a type outside the request
table, or an invoke the fakes cannot answer, is reported rather than passed."""
SCANNED = ("studio_infra", "tests", "benchmarks", "stacks", "examples", "scripts")
EXEMPT = {Path(resource_types.__file__).resolve(), Path(__file__).resolve()}
"""The constants module, and this test, whose tokens are the cases of its own checks."""


def _registered(token: str) -> set[str]:
    """The tokens pulumi-aws's class or function for ``token`` registers, read from its
    source: a resource's ``super(<Class>, __self__).__init__('<token>', ...)``, a data
    source's ``pulumi.runtime.invoke('<token>', ...)``."""
    name = token.rsplit(":", 1)[1]
    module = importlib.import_module(python_module(token))
    if name[0].islower():  # a data source: getRegion is get_region
        function = getattr(module, re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower())
        return set(re.findall(r"pulumi\.runtime\.invoke\('([^']+)'", inspect.getsource(function)))
    source = inspect.getsource(getattr(module, name)._internal_init)
    return set(re.findall(rf"super\({name}, __self__\)\.__init__\(\s*'([^']+)'", source))


@pytest.mark.parametrize(("name", "token"), sorted(AWS_TOKENS.items()))
def test_each_aws_token_is_the_one_pulumi_aws_registers(name, token):
    assert _registered(token) == {token}, f"{name}: pulumi-aws registers {_registered(token)}"


def test_a_misspelt_token_is_caught():
    """The check above can fail: a wrong module, and a class that does not exist."""
    assert _registered("aws:sagemaker/userprofile:UserProfile") == \
        {"aws:sagemaker/userProfile:UserProfile"}
    with pytest.raises(AttributeError):
        _registered("aws:ec2/securityGroupVpcAssociation:SecurityGroupVpcAssociation")


class _Noop(ResourceProvider):
    def create(self, props):
        return CreateResult("noop", props)


class _Dynamic(Resource):
    def __init__(self, name: str) -> None:
        super().__init__(_Noop(), name, {})


def test_the_engine_tokens_are_the_ones_the_pulumi_sdk_registers():
    """The stack, an explicit AWS provider and a dynamic resource, as the SDK registers them
    under the planner's mocks (pulumi/runtime/stack.py, pulumi/resource.py's
    ``ProviderResource``, pulumi/dynamic/dynamic.py)."""
    plan = run_under_mocks(lambda: (aws.Provider("explicit", region="us-east-1"),
                                    _Dynamic("code")), config={"aws:region": "us-east-1"})
    assert {r.type for r in plan.resources} == {PULUMI_STACK, AWS_PROVIDER, DYNAMIC_RESOURCE}
    assert AWS_PROVIDER.startswith(PROVIDER_PREFIX)


def test_a_stack_reference_is_recognised_by_its_token():
    """The fakes answer a StackReference by ``PULUMI_STACK_REFERENCE``: only when the token
    is the SDK's (pulumi/stack_reference.py) does an unanswerable reference fail the plan."""
    with pytest.raises(ProgramError, match="StackReference 'org/other/dev' cannot be answered"):
        run_under_mocks(lambda: pulumi.StackReference("org/other/dev"),
                        config={"aws:region": "us-east-1"})


def test_names_follow_the_tokens():
    """``<SERVICE>_<TYPE>`` in upper snake case, without the service for ``index``."""
    for name, token in AWS_TOKENS.items():
        service, type_ = token.split(":")[1].split("/")[0], token.rsplit(":", 1)[1]
        words = re.sub(r"(?<!^)(?=[A-Z])", "_", type_).upper()
        assert name == (words if service == "index" else f"{service.upper()}_{words}"), token


def test_each_token_is_defined_once():
    assert len(set(CONSTANTS.values())) == len(CONSTANTS)
    assert not FOREIGN & set(CONSTANTS.values())


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the docstring nodes (modules, classes, functions, attributes): prose that
    may name a token as an example."""
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        for index, statement in enumerate(body):
            if (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
                    and isinstance(statement.value.value, str)
                    and (index == 0 or isinstance(body[index - 1], (ast.Assign, ast.AnnAssign)))):
                found.add(id(statement.value))
    return found


def _spelt_tokens(path: Path) -> Iterator[tuple[int, str]]:
    text = path.read_text()
    if not TOKEN.search(text):
        return  # no token anywhere in the file: nothing to parse for
    tree = ast.parse(text, str(path))
    allowed = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in allowed:
            for token in TOKEN.findall(node.value):
                if token not in FOREIGN:
                    yield node.lineno, token


def test_no_module_spells_a_token_out():
    """Every token is a ``resource_types`` constant or a component's ``TYPE`` (made from its
    class); the one place a string may spell one is the constants module (strings of
    f-strings included)."""
    spelt = [f"{path.relative_to(ROOT)}:{line}: {token}"
             for folder in SCANNED for path in sorted((ROOT / folder).rglob("*.py"))
             if path not in EXEMPT
             for line, token in _spelt_tokens(path)]
    assert spelt == [], "use studio_infra.resource_types (or the component's TYPE):\n" + \
        "\n".join(spelt)


def test_the_scan_finds_a_spelt_token(tmp_path):
    """The scan above can fail: a literal, a URN in an f-string, a component's token; a
    docstring is allowed."""
    module = tmp_path / "m.py"
    module.write_text('"""Reads aws:s3/bucket:Bucket."""\n'
                      'A = "aws:s3/bucket:Bucket"\n'
                      'B = f"urn:pulumi:s::p::pulumi:pulumi:Stack::{A}"\n'
                      'C = "studio-infra:studio:Studio"\n')
    assert sorted(_spelt_tokens(module)) == [(2, "aws:s3/bucket:Bucket"), (3, "pulumi:pulumi:"),
                                             (4, "studio-infra:studio:Studio")]
