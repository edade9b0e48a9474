"""`flask --app wsgi wechat sync-menu` sends the code-defined menu to (a fake) WeChat."""

import pytest

from bot.menu import MENU
from core.config import use_settings
from core.wechat.fake_server import serve_fake_wechat

pytestmark = pytest.mark.e2e


def test_sync_menu_posts_the_menu_to_wechat(app, test_settings, memory_kv):
    with serve_fake_wechat() as fake:
        use_settings(test_settings.with_(wechat_api_base_url=fake.url))
        try:
            result = app.test_cli_runner().invoke(args=["wechat", "sync-menu"])
        finally:
            use_settings(test_settings)
        assert result.exit_code == 0, result.output
        assert "菜单已更新：3 个一级菜单" in result.output
        [call] = fake.requests_to("/cgi-bin/menu/create")
        assert call["body"] == MENU


def test_sync_menu_dry_run_prints_it(app):
    result = app.test_cli_runner().invoke(args=["wechat", "sync-menu", "--dry-run"])
    assert result.exit_code == 0 and "我要订餐" in result.output
