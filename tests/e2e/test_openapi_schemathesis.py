"""Schemathesis against our own OpenAPI document, in-process, on the embedded defaults.

Every operation gets a bounded number of generated requests, valid and
invalid: no 5xx, every answer matches the document, invalid input is refused.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks

from core.config import use_settings
from core.db import session_scope
from models.person import Person
from services.access.tokens import issue_token
from services.demo import load_demo_data

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
EXAMPLES = 8
# What the contract promises; "valid data is accepted" is left out because
# generated ids and codes rarely name real objects (404s are correct then).
CHECKS = [checks.not_a_server_error, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_schema_conformance,
          checks.negative_data_rejection]
NO_LIMITS = {"ip": None, "person": None, "login": None, "phone_lookup": None}


@pytest.fixture
def api_schema(test_settings, sqlite_db, memory_kv, fake_wechat):
    from app import create_app

    app = create_app(test_settings.with_(database_url=sqlite_db.url,
                                         wechat_api_base_url=fake_wechat.url), kv=memory_kv)
    app.config["RATE_LIMITS"] = NO_LIMITS
    with session_scope() as s:
        load_demo_data(s)
        staff = s.query(Person).filter_by(oa_openid="demo_staff_liu").one()
        app.config["SCHEMATHESIS_TOKEN"] = issue_token(s, person=staff)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app).exclude(
        path="/api/v1/auth/logout")
    use_settings(test_settings)


def _exercise(operation, mode, token):
    auth = {"Authorization": f"Bearer {token}"}
    if mode is GenerationMode.NEGATIVE:
        # Invalid bodies must be refused; unknown query parameters are ignored by design.
        strategy = operation.as_strategy(mode, headers=auth, query={})
    else:
        strategy = operation.as_strategy(mode)

    @given(case=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(headers=auth, checks=CHECKS)

    run()


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda m: m.value)
def test_api_keeps_its_contract(api_schema, mode):
    token = api_schema.app.config["SCHEMATHESIS_TOKEN"]
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if mode is GenerationMode.POSITIVE or operation.body:
            _exercise(operation, mode, token)
