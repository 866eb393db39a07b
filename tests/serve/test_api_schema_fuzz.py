"""A bounded schemathesis run against the app's own OpenAPI schema (issue 18): every
generated request must get a documented status and never a server error.

Slow (a few minutes): excluded by default, run by .ci/run with `-m slow`. The case count
is printed (`pytest -s`) so the run can be quoted.
"""

from __future__ import annotations

import shutil

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    status_code_conformance,
)

from storyline.serve import ServeConfig, create_app  # noqa: E402

TOKEN = "fuzz-token"
# Generated cases per API operation (8 operations; health has a single case).
CASES_PER_OPERATION = 50


@pytest.mark.slow
def test_fuzzed_requests_get_documented_statuses_and_no_server_errors(
    demo_store_path, tmp_path, capsys
):
    copy = tmp_path / "fuzz.db"
    shutil.copy(demo_store_path, copy)
    config = ServeConfig(db_path=copy, token=TOKEN, requests_per_minute=0, uploads_per_minute=0)
    app = create_app(config)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance]
    failures: list[str] = []
    counts: dict[str, int] = {}

    def fuzz(operation) -> None:
        label = f"{operation.method.upper()} {operation.path}"

        @settings(
            max_examples=CASES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case) -> None:
            counts[label] = counts.get(label, 0) + 1
            response = case.call(headers={"authorization": f"Bearer {TOKEN}"})
            try:
                case.validate_response(response, checks=checks)
            except Exception as exc:  # collected: one report of every distinct failure
                failures.append(f"{label} -> {response.status_code}: {str(exc)[:300]}")

        run()

    for result in schema.get_all_operations():
        fuzz(result.ok())
    with capsys.disabled():
        print(
            f"\nschemathesis: {sum(counts.values())} cases over {len(counts)} operations, "
            f"{len(failures)} failures"
        )
    assert len(counts) >= 8  # every API operation (web pages are not in the schema)
    assert not failures, "\n".join(sorted(set(failures))[:20])
