"""The outside sources the rules lean on, each read rather than re-typed.

Our mocks accept anything, so a plan that passes only our own expectations proves little.
These modules answer "would AWS accept this, and would it work?" from sources AWS and the
provider own: botocore's service models (``api_model``), the mapping from Pulumi resources to
the API requests the provider sends (``requests``), rules AWS documents but the models lack
(``service_rules``), and the IAM action database (``iam_database``, ``iam_grammar``).
"""
