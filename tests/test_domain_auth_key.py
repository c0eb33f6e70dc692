import random
import secrets

from esurety_tui.domain import auth_key
from esurety_tui.domain.auth_key import ALPHABET, LENGTH, generate_key, is_well_formed_key, keys_equal


def test_alphabet_excludes_lookalikes():
    assert not set("0Oo1lIi") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 55  # 8 digits + 24 upper + 23 lower
    assert is_well_formed_key("Z28YUE4J3Bux")  # the seed's key


def test_key_shape():
    for _ in range(200):
        key = generate_key()
        assert len(key) == LENGTH == 12
        assert set(key) <= set(ALPHABET)
        assert is_well_formed_key(key)


def test_default_source_is_secrets(monkeypatch):
    calls = []

    class Spy(random.Random):
        def choice(self, seq):
            calls.append(seq)
            return seq[0]

    monkeypatch.setattr(secrets, "SystemRandom", Spy)
    assert generate_key() == ALPHABET[0] * 12
    assert len(calls) == 12


def test_keys_are_distinct():
    keys = {generate_key() for _ in range(1000)}
    assert len(keys) == 1000


def test_deterministic_with_seeded_rng():
    assert generate_key(random.Random(1)) == generate_key(random.Random(1))
    assert generate_key(random.Random(1)) != generate_key(random.Random(2))


def test_keys_equal_is_correct():
    assert keys_equal("Z28YUE4J3Bux", "Z28YUE4J3Bux")
    assert keys_equal(" Z28YUE4J3Bux\n", "Z28YUE4J3Bux")  # pasted with whitespace
    assert not keys_equal("Z28YUE4J3BuX", "Z28YUE4J3Bux")  # case matters
    assert not keys_equal("Z28YUE4J3Bu", "Z28YUE4J3Bux")
    assert not keys_equal("", "Z28YUE4J3Bux")


def test_keys_equal_uses_compare_digest(monkeypatch):
    seen = []

    def spy(a, b):
        seen.append((a, b))
        return a == b

    monkeypatch.setattr(auth_key.hmac, "compare_digest", spy)
    assert keys_equal("abc", "abc")
    assert seen == [(b"abc", b"abc")]


def test_well_formed_rejects_lookalikes_and_length():
    assert not is_well_formed_key("Z28YUE4J3Bu0")
    assert not is_well_formed_key("Z28YUE4J3Bul")
    assert not is_well_formed_key("Z28YUE4J3Bu")
