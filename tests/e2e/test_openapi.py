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
    listing = doc["paths"]["/api/v1/me/proxies"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"limit", "cursor"}
    assert doc["paths"]["/api/v1/openapi.json"]["get"]["security"] == []
    assert doc["components"]["schemas"]["Error"]["required"] == ["code", "message", "request_id"]


def test_the_document_loads_as_openapi(app):
    import schemathesis

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [op.ok().label for op in schema.get_all_operations()]
    assert "PUT /api/v1/me" in operations and "GET /api/v1/staff/alerts" in operations
