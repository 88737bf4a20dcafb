"""Property-based tests from the OpenAPI schema (schemathesis): no input gives a 5xx."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from nhskg.api.app import create_app
from nhskg.graph.settings import Settings


def test_no_generated_request_makes_the_api_fail(national: Settings) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(national))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=[not_a_server_error])

        check()
