"""The 公众号 front door: verify, decrypt, parse, dedupe, converse, reply."""
