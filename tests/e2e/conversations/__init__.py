"""Conversations written from the users' side: each test is one multi-turn chat through /wechat."""
