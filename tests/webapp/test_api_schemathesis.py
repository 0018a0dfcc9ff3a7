"""The JSON API fuzzed from its own OpenAPI description (schemathesis, in-process over WSGI).

Every operation of ``/api/v1/openapi.json`` is called with generated requests, valid and not,
with a real API key (and, by schemathesis' auth check, without one): no 5xx, every status and
body as documented. Case counts follow the hypothesis profile (40 locally, 200 in CI).
"""

from __future__ import annotations

from collections import Counter as Tally

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from sqlalchemy.orm import Session

from webapp.administration.apikeys import create_api_key
from webapp.models import Counter, Procedure, ProcedureField, Unit

CASES: Tally[str] = Tally()
# Whether a schema-valid body is accepted depends on the database (a known procedure code, a
# unit in the key's scope, a dossier not seen before), which no JSON schema can say; such
# bodies get the documented 404/409/422. Every other check of schemathesis runs.
EXCLUDED = [schemathesis.checks.positive_data_acceptance]


@pytest.fixture
def api_key(session: Session) -> str:
    province = Unit(code="P", name_vi="Tỉnh", unit_type="province")
    c1 = Unit(code="C1", name_vi="Xã Một", unit_type="commune", parent=province)
    c1.counters = [Counter(code="C1-Q1", name_vi="Quầy số 1")]
    field = ProcedureField(code="HT", name_vi="Hộ tịch")
    session.add_all([province, c1, Procedure(national_code="1.001234",
                                             name_vi="Đăng ký khai sinh", field=field)])
    session.commit()
    raw, _ = create_api_key(session, name="Schemathesis", unit_code=None)
    return raw


def _fuzz(operation, mode: GenerationMode, headers: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    @settings(suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case) -> None:  # type: ignore[no-untyped-def]
        CASES[f"{operation.label} ({mode.value})"] += 1
        case.call_and_validate(headers=headers, excluded_checks=EXCLUDED)

    run()


def test_api__every_operation_conforms_to_its_description(app: Flask, api_key: str) -> None:
    CASES.clear()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} == {"POST /api/v1/dossier-tokens",
                                              "GET /api/v1/indices"}
    headers = {"Authorization": f"Bearer {api_key}"}
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(operation, mode, headers)
    print(f"schemathesis cases: {dict(CASES)}")
    assert len(CASES) == 4 and all(n >= 10 for n in CASES.values()), CASES
