"""The key fingerprint a backup records: stable per key, different across keys, not the key."""

from core.crypto import blind_index, key_fingerprint


def test_a_fingerprint_names_the_key_without_revealing_it():
    key = "deployment-one-secret"
    fingerprint = key_fingerprint(secret=key)
    assert fingerprint == key_fingerprint(secret=key) and len(fingerprint) == 32
    assert fingerprint != key_fingerprint(secret="deployment-two-secret")
    assert key not in fingerprint
    assert fingerprint not in blind_index("13812345678", kind="phone", secret=key)
