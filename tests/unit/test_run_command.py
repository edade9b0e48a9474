from core.run import ACCESS_LOG_FORMAT, web_command


def test_access_log_never_records_query_strings():
    # WeChat sends openid, signature and nonce in the query string of every POST.
    command = web_command("127.0.0.1", 8000)
    assert command[command.index("--access-logformat") + 1] == ACCESS_LOG_FORMAT
    assert "%(U)s" in ACCESS_LOG_FORMAT
    assert "%(r)s" not in ACCESS_LOG_FORMAT and "%(q)s" not in ACCESS_LOG_FORMAT
