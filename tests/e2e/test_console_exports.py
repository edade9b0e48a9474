"""Console and API downloads carry headers any WSGI server can send (Latin-1 only, RFC 6266)."""

from urllib.parse import unquote

import pytest

from core.web import attachment
from tests.console_client import login

pytestmark = pytest.mark.e2e

EXPORTS = ["/console/export/requests.csv?community_id=1", "/console/export/alerts.csv",
           "/console/export/monitoring.csv?community_id=1", "/console/export/tiers-due.csv"]


def _chinese_name(header: str) -> str:
    header.encode("latin-1")  # gunicorn refuses a response whose header is not Latin-1
    return unquote(header.split("filename*=UTF-8''", 1)[1])


def test_every_console_export_names_its_file_in_chinese_within_latin1(client, demo_people):
    login(client)
    names = []
    for url in EXPORTS:
        response = client.get(url)
        assert response.status_code == 200, url
        names.append(_chinese_name(response.headers["Content-Disposition"]))
    assert [n.split("-")[0] for n in names] == ["求助台账", "预警清单", "动态监测名单", "认定复核名单"]


def test_the_settlement_downloads_from_the_console_and_refuses_a_bad_month(client, demo_people):
    login(client)
    page = client.get("/console/canteens").get_data(as_text=True)
    link = page.split('href="/console/export/meals-settlement.csv?', 1)[1].split('"', 1)[0]
    response = client.get("/console/export/meals-settlement.csv?" + link.replace("&amp;", "&"))
    assert response.status_code == 200
    assert _chinese_name(response.headers["Content-Disposition"]).startswith("助餐结算-")
    assert response.get_data(as_text=True).startswith("\ufeff助餐点,")
    bad = client.get("/console/export/meals-settlement.csv?canteen_id=1&month=2026-13")
    assert bad.status_code == 400 and "例如 2026-12" in bad.get_data(as_text=True)


def test_a_name_without_any_ascii_still_gets_a_plain_fallback():
    assert attachment("求助台账.csv") == (
        "attachment; filename=\"export.csv\"; filename*=UTF-8''%E6%B1%82%E5%8A%A9%E5%8F%B0%E8%B4%A6.csv")
    assert attachment("meals-3-2026-12.csv").startswith('attachment; filename="meals-3-2026-12.csv"')
