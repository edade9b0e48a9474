"""The OpenAPI document covers every /api/v1 route and describes annotated ones fully."""

import pytest

pytestmark = pytest.mark.e2e


def _document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_every_api_rule_appears_with_its_methods(app, client):
    paths = _document(client)["paths"]
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = rule.rule
        for arg in rule.arguments:
            path = path.replace(f"<int:{arg}>", f"{{{arg}}}").replace(f"<{arg}>", f"{{{arg}}}")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            if method.lower() not in paths.get(path, {}):
                missing.append(f"{method} {path}")
    assert missing == []


def test_an_unannotated_route_is_still_listed(make_app, sqlite_db, memory_kv):
    app = make_app(sqlite_db, memory_kv)

    def plain_view(item_id: int):
        """Show one thing."""
        return {}

    app.add_url_rule("/api/v1/things/<int:item_id>", view_func=plain_view, methods=["GET", "PATCH"])
    operations = _document(app.test_client())["paths"]["/api/v1/things/{item_id}"]
    assert set(operations) == {"get", "patch"}
    assert operations["get"]["summary"] == "Show one thing."
    assert operations["get"]["parameters"][0]["schema"] == {"type": "integer", "minimum": 0,
                                                         "maximum": 2**31 - 1}


def test_annotated_routes_carry_their_models_auth_and_idempotency(client):
    doc = _document(client)
    put_me = doc["paths"]["/api/v1/me"]["put"]
    assert put_me["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ProfileBody"}
    assert put_me["security"] == [{"bearer": []}]
    body = doc["components"]["schemas"]["ProfileBody"]
    assert body["additionalProperties"] is False and "address" in body["properties"]
    invite = doc["paths"]["/api/v1/me/proxies"]["post"]
    assert "201" in invite["responses"]
    assert any(p["name"] == "Idempotency-Key" for p in invite["parameters"])
    submit = doc["paths"]["/api/v1/help-requests"]["post"]["responses"]
    assert submit["201"] == submit["200"]  # 201 new, 200 attached to an open request
    listing = doc["paths"]["/api/v1/me/proxies"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"limit", "cursor"}
    assert doc["paths"]["/api/v1/openapi.json"]["get"]["security"] == []
    assert doc["components"]["schemas"]["Error"]["required"] == ["code", "message", "request_id"]


def test_the_document_loads_as_openapi(app):
    import schemathesis

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [op.ok().label for op in schema.get_all_operations()]
    assert "PUT /api/v1/me" in operations and "GET /api/v1/staff/alerts" in operations


# Routes whose owners are still annotating them; take a route off once it has @api_doc.
STILL_UNDESCRIBED = {
    "/api/v1/staff/notifications",
    "/api/v1/staff/notifications/<int:notification_id>/retry",
}
# Routes that answer with something other than a JSON object described by a model.
NOT_A_MODEL = {
    ("GET", "/api/v1/openapi.json"): "the OpenAPI document itself",
    ("GET", "/api/v1/staff/reports/meals.csv"): "text/csv",
}


def _undescribed(app) -> list[str]:
    """Say which /api/v1 operations lack the @api_doc parts their view needs."""
    import inspect

    problems = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/v1") or rule.rule in STILL_UNDESCRIBED:
            continue
        view = app.view_functions[rule.endpoint]
        doc = getattr(view, "__api_doc__", None)
        source = inspect.getsource(inspect.unwrap(view))
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            where = f"{method} {rule.rule}"
            if doc is None:
                problems.append(f"{where}: no @api_doc")
                continue
            if doc.summary is None:
                problems.append(f"{where}: no summary=")
            if "parse_body(" in source and doc.body is None:
                problems.append(f"{where}: reads a body but has no body=")
            if doc.body is not None and "parse_body(" not in source:
                problems.append(f"{where}: documents a body it never reads")
            if ("parse_query(" in source or "page_args(" in source) and doc.query is None:
                problems.append(f"{where}: reads the query string but has no query=")
            if doc.response is None and doc.status != 204 and (method, rule.rule) not in NOT_A_MODEL:
                problems.append(f"{where}: answers JSON but has no response=")
    return problems


def test_every_route_describes_its_body_query_and_answer(app):
    assert _undescribed(app) == []


def test_the_exemptions_name_real_routes(app):
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert STILL_UNDESCRIBED <= rules
    assert {path for _, path in NOT_A_MODEL} <= rules


def test_an_undescribed_route_is_caught(make_app, sqlite_db, memory_kv):
    from pydantic import BaseModel

    from core.validation import Body, parse_body
    from miniprogram_api.openapi import api_doc

    class ThingBody(Body):
        name: str

    class ThingOut(BaseModel):
        id: int

    app = make_app(sqlite_db, memory_kv)

    def bare():
        """Make a thing."""
        return {}

    @api_doc(summary="Make a thing", response=ThingOut)
    def no_body():
        parse_body(ThingBody)
        return {}

    @api_doc(summary="Make a thing", body=ThingBody)
    def no_response():
        parse_body(ThingBody)
        return {}

    @api_doc(summary="Make a thing", body=ThingBody, response=ThingOut, status=201)
    def complete():
        parse_body(ThingBody)
        return {}

    for name, view in (("bare", bare), ("no_body", no_body), ("no_response", no_response),
                       ("complete", complete)):
        app.add_url_rule(f"/api/v1/things/{name}", view_func=view, methods=["POST"])
    found = [p for p in _undescribed(app) if "/things/" in p]
    assert found == ["POST /api/v1/things/bare: no @api_doc",
                     "POST /api/v1/things/no_body: reads a body but has no body=",
                     "POST /api/v1/things/no_response: answers JSON but has no response="]
