"""Counter tokens: signed, non-guessable, rotatable keys, retired codes stop working."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from webapp.config import ConfigError
from webapp.counters.service import CounterNotFound, counter_url, find_counter, retire_counter_codes
from webapp.models import AuditEntry, Counter, Unit
from webapp.respond.tokens import (
    InvalidToken,
    counter_keyring,
    sign_counter_token,
    verify_counter_token,
)

CONFIG: dict[str, Any] = {"SECRET_KEY": "s" * 32, "HAILONG_BASE_URL": "https://hl.example.vn/"}


@pytest.fixture
def counter(session: Session) -> Counter:
    unit = Unit(code="C1", name_vi="Xã Một", unit_type="commune")
    unit.counters = [Counter(code="C1-Q1", name_vi="Quầy số 1")]
    session.add(unit)
    session.commit()
    return unit.counters[0]


def _reason(session: Session, token: str, config: dict[str, Any] = CONFIG) -> str:
    with pytest.raises(InvalidToken) as info:
        verify_counter_token(session, token, config)
    return info.value.reason


def test_sign_then_verify__returns_counter(session: Session, counter: Counter) -> None:
    token = sign_counter_token(counter, CONFIG)
    assert verify_counter_token(session, token, CONFIG) is counter
    assert len(token) <= 40 and token.replace(".", "").replace("-", "").replace("_", "").isalnum()


def test_counter_url__base_url_then_token(counter: Counter) -> None:
    url = counter_url(counter, CONFIG)
    assert url == f"https://hl.example.vn/s/{sign_counter_token(counter, CONFIG)}"


def test_sign__stable_and_distinct_per_counter(session: Session, counter: Counter) -> None:
    other = Counter(unit_id=counter.unit_id, code="C1-Q2", name_vi="Quầy số 2")
    session.add(other)
    session.commit()
    assert sign_counter_token(counter, CONFIG) == sign_counter_token(counter, CONFIG)
    assert sign_counter_token(counter, CONFIG) != sign_counter_token(other, CONFIG)


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-1],                     # truncated
    lambda t: t[:10],                     # truncated harder
    lambda t: "",                         # empty
    lambda t: t + "A",                    # too long
    lambda t: t.replace(".", "/", 1),     # not our shape
    lambda t: "<script>",                 # garbage
])
def test_verify__malformed_token__malformed(session: Session, counter: Counter, mangle) -> None:
    assert _reason(session, mangle(sign_counter_token(counter, CONFIG))) == "malformed"


def test_verify__forged_mac__bad_signature(session: Session, counter: Counter) -> None:
    token = sign_counter_token(counter, CONFIG)
    last = "A" if token[-1] != "A" else "B"
    assert _reason(session, token[:-1] + last) == "bad_signature"


def test_verify__other_counter_id_with_same_mac__bad_signature(session: Session,
                                                              counter: Counter) -> None:
    version, _id, generation, mac = sign_counter_token(counter, CONFIG).split(".")
    assert _reason(session, f"{version}.zz.{generation}.{mac}") == "bad_signature"


def test_verify__signed_with_other_secret__bad_signature(session: Session,
                                                         counter: Counter) -> None:
    token = sign_counter_token(counter, CONFIG | {"SECRET_KEY": "x" * 32})
    assert _reason(session, token) == "bad_signature"


def test_verify__deleted_counter__unknown(session: Session, counter: Counter) -> None:
    ghost = Counter(id=counter.id + 1000, unit_id=counter.unit_id, code="G", name_vi="G",
                    token_generation=1)
    token = sign_counter_token(ghost, CONFIG)
    assert _reason(session, token) == "unknown"


def test_retire_counter_codes__old_token_retired_new_one_works(session: Session,
                                                               counter: Counter) -> None:
    old = sign_counter_token(counter, CONFIG)
    retire_counter_codes(session, counter)
    assert counter.token_generation == 2
    assert _reason(session, old) == "retired"
    new = sign_counter_token(counter, CONFIG)
    assert new != old and verify_counter_token(session, new, CONFIG) is counter
    assert session.query(AuditEntry).one().action == "counters.retire_codes"


def test_verify__inactive_counter__retired(session: Session, counter: Counter) -> None:
    token = sign_counter_token(counter, CONFIG)
    counter.active = False
    session.commit()
    assert _reason(session, token) == "retired"


def test_key_rotation__old_key_accepted_during_grace_then_refused(session: Session,
                                                                   counter: Counter) -> None:
    v1 = CONFIG | {"HAILONG_QR_KEYS": "v1:" + "1" * 20}
    v2 = CONFIG | {"HAILONG_QR_KEYS": "v2:" + "2" * 20 + ",v1:" + "1" * 20}
    v2_only = CONFIG | {"HAILONG_QR_KEYS": "v2:" + "2" * 20}
    printed = sign_counter_token(counter, v1)
    assert printed.startswith("v1.")
    assert sign_counter_token(counter, v2).startswith("v2.")
    assert verify_counter_token(session, printed, v2) is counter
    assert _reason(session, printed, v2_only) == "bad_signature"


def test_key_rotation__away_from_derived_default(session: Session, counter: Counter) -> None:
    printed = sign_counter_token(counter, CONFIG)
    rotated = CONFIG | {"HAILONG_QR_KEYS": "v1:" + "1" * 20 + ",0:@SECRET_KEY"}
    assert verify_counter_token(session, printed, rotated) is counter


@pytest.mark.parametrize(("keys", "message"), [
    ("v1", "is not '<version>:<secret>'"),
    ("v 1:" + "1" * 20, "is not '<version>:<secret>'"),
    ("v1:short", "shorter than 16"),
    ("v1:" + "1" * 20 + ",v1:" + "2" * 20, "twice"),
])
def test_counter_keyring__bad_setting__config_error(keys: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        counter_keyring(CONFIG | {"HAILONG_QR_KEYS": keys})


def test_counter_keyring__from_environment(app: Flask, counter: Counter) -> None:
    assert counter_keyring(app.config).current[0] == "0"
    from webapp.config import TestConfig

    config = TestConfig(environ={"HAILONG_QR_KEYS": "v9:" + "9" * 20})
    assert counter_keyring(config.as_mapping()).current == ("v9", b"9" * 20)


def test_find_counter__by_code_and_unit(session: Session, counter: Counter) -> None:
    assert find_counter(session, "C1-Q1") is counter
    assert find_counter(session, "C1-Q1", "C1") is counter
    with pytest.raises(CounterNotFound, match="unknown counter code 'C1-Q1' in unit 'C2'"):
        find_counter(session, "C1-Q1", "C2")
    other = Unit(code="C2", name_vi="Xã Hai", unit_type="commune")
    other.counters = [Counter(code="C1-Q1", name_vi="Quầy")]
    session.add(other)
    session.commit()
    with pytest.raises(CounterNotFound, match="several units"):
        find_counter(session, "C1-Q1")
