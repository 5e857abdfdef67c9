"""The version of studio-infra: the one place it is written.

``pyproject.toml`` reads it for the package's metadata (setuptools' dynamic ``version``),
``studio_infra.__version__`` and ``studio-infra --version`` re-export it. The policy pack's
``PulumiPolicy.yaml`` must carry it as a literal (the Pulumi CLI reads the pack's version
there; ``pulumi_policy`` always reports 0.0.1), so ``tests/test_release.py`` checks that copy,
the pack's requirement range and ``CHANGELOG.md`` against this one.
"""

__version__ = "0.2.0"
