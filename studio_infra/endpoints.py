"""Keeps the old path ``studio_infra.endpoints``: the catalog lives in
``studio_infra.network.endpoints``, beside the network that creates the endpoints."""

from studio_infra.network.endpoints import CHINA_PREFIXED as CHINA_PREFIXED
from studio_infra.network.endpoints import DATA_PERIMETER_EXAMPLES as DATA_PERIMETER_EXAMPLES
from studio_infra.network.endpoints import (
    DEFAULT_INTERFACE_ENDPOINTS as DEFAULT_INTERFACE_ENDPOINTS,
)
from studio_infra.network.endpoints import ECR_S3_LAYERS_PAGE as ECR_S3_LAYERS_PAGE
from studio_infra.network.endpoints import ENDPOINT_POLICIES as ENDPOINT_POLICIES
from studio_infra.network.endpoints import ENDPOINT_SETS as ENDPOINT_SETS
from studio_infra.network.endpoints import GATEWAY_ENDPOINTS as GATEWAY_ENDPOINTS
from studio_infra.network.endpoints import INTERFACE_ENDPOINTS as INTERFACE_ENDPOINTS
from studio_infra.network.endpoints import JUMPSTART_BUCKET_SOURCE as JUMPSTART_BUCKET_SOURCE
from studio_infra.network.endpoints import (
    PRIVATELINK_POLICIES_PAGE as PRIVATELINK_POLICIES_PAGE,
)
from studio_infra.network.endpoints import EndpointPolicySupport as EndpointPolicySupport
from studio_infra.network.endpoints import Perimeter as Perimeter
from studio_infra.network.endpoints import endpoint_policy as endpoint_policy
from studio_infra.network.endpoints import policy_support as policy_support
from studio_infra.network.endpoints import resolve_endpoints as resolve_endpoints
from studio_infra.network.endpoints import service_name as service_name
from studio_infra.network.endpoints import service_prefix as service_prefix
