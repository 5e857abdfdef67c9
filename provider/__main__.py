"""The studio-infra component provider, as Pulumi runs it (``PulumiPlugin.yaml`` beside it).

Everything is in the library (``studio_infra.provider``); this folder only tells Pulumi how to
start it, apart from the repository root, whose ``__main__.py`` is the default stack's program.
"""

from studio_infra.provider.host import serve

if __name__ == "__main__":
    serve()
