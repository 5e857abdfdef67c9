"""The policy pack as a folder the Pulumi CLI runs: ``PulumiPolicy.yaml`` and ``__main__.py``,
shipped inside the package (``studio_infra.policy_pack.pack_directory()`` finds it)."""
