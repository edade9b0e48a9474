"""Messaging and notifications: what Linli tells people through which WeChat channel, sent once; risk alerts for staff; the inbound message log."""
