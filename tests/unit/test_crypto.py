import pytest

from core import crypto
from core.errors import DecryptionError


def test_encrypt_round_trip_and_no_plaintext():
    sealed = crypto.encrypt("13812345678", secret="k1")
    assert "13812345678" not in sealed
    assert crypto.decrypt(sealed, secret="k1") == "13812345678"
    assert crypto.encrypt("x", secret="k1") != crypto.encrypt("x", secret="k1")  # random nonce


def test_wrong_key_fails_loudly():
    sealed = crypto.encrypt("身份证", secret="right")
    with pytest.raises(DecryptionError):
        crypto.decrypt(sealed, secret="wrong")


def test_tampered_ciphertext_fails():
    sealed = crypto.encrypt("地址", secret="k")
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    with pytest.raises(DecryptionError):
        crypto.decrypt(tampered, secret="k")


def test_blind_index_normalises_phone_formats():
    a = crypto.blind_index("138 1234 5678", kind="phone", secret="k")
    b = crypto.blind_index("+86-138-1234-5678", kind="phone", secret="k")
    assert a == b
    assert crypto.blind_index("13812345678", kind="phone", secret="other") != a


@pytest.mark.parametrize(
    ("fn", "value", "masked"),
    [
        (crypto.mask_phone, "13812345678", "138****5678"),
        (crypto.mask_name, "张三", "张*"),
        (crypto.mask_name, "欧阳修文", "欧***"),
        (crypto.mask_id_number, "110101194203081234", "110101********1234"),
        (crypto.mask_address, "阳光社区3号楼2单元101", "阳光社区3号****"),
        (crypto.mask_phone, None, ""),
    ],
)
def test_masks(fn, value, masked):
    assert fn(value) == masked
