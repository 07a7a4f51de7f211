"""lib/env.py: the strict environment readers and DATABASE_URL, with properties
(Hypothesis) where a rule holds for every input and examples where one value matters."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from almen.lib.env import database_from_url, env, env_bool, env_int, env_list

NAME = "ALMEN_TEST_VARIABLE"
# Properties, not timings: no per-example deadline (the suite runs on busy machines).
untimed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
BASE = Path("/srv/almen")


@contextmanager
def environment(**values: str) -> Iterator[None]:
    """Set variables for the block only (Hypothesis runs many examples per test, so a
    function-scoped monkeypatch would leak between them)."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def _case_and_space(words: list[str]) -> st.SearchStrategy[str]:
    def vary(word: str, upper: list[bool], left: str, right: str) -> str:
        cased = "".join(c.upper() if u else c for c, u in zip(word, upper, strict=False))
        return left + cased + word[len(cased) :] + right

    space = st.sampled_from(["", " ", "  ", "\t"])
    return st.sampled_from(words).flatmap(
        lambda w: st.builds(
            vary, st.just(w), st.lists(st.booleans(), max_size=len(w)), space, space
        )
    )


# --- env_bool -------------------------------------------------------------------------


@untimed
@given(_case_and_space(["1", "true", "yes", "on"]))
def test_env_bool_true_in_any_case_and_spacing(raw: str) -> None:
    with environment(**{NAME: raw}):
        assert env_bool(NAME, False) is True


@untimed
@given(_case_and_space(["0", "false", "no", "off", ""]))
def test_env_bool_false_in_any_case_and_spacing(raw: str) -> None:
    with environment(**{NAME: raw}):
        assert env_bool(NAME, True) is False


_BOOL_WORDS = {"1", "true", "yes", "on", "0", "false", "no", "off", ""}


@untimed
@given(
    st.text(st.characters(codec="utf-8", exclude_characters="\x00")).filter(
        lambda s: s.strip().lower() not in _BOOL_WORDS
    )
)
def test_env_bool_refuses_anything_else_naming_the_variable(raw: str) -> None:
    with environment(**{NAME: raw}), pytest.raises(ImproperlyConfigured, match=NAME):
        env_bool(NAME, True)


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_unset_is_the_default(default: bool) -> None:
    os.environ.pop(NAME, None)
    assert env_bool(NAME, default) is default


# --- env_int, env_list, env -------------------------------------------------------------


@untimed
@given(st.integers(min_value=-(10**18), max_value=10**18))
def test_env_int_reads_every_whole_number(value: int) -> None:
    with environment(**{NAME: str(value)}):
        assert env_int(NAME, 7) == value


@untimed
@given(st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1))
def test_env_int_refuses_what_is_not_a_whole_number(raw: str) -> None:
    try:
        int(raw)
    except ValueError:
        pass
    else:
        return  # a whole number (possibly with spaces or underscores): covered above
    if raw.strip() == "":
        with environment(**{NAME: raw}):
            assert env_int(NAME, 7) == 7  # blank means "not set"
        return
    with environment(**{NAME: raw}), pytest.raises(ImproperlyConfigured, match=NAME):
        env_int(NAME, 7)


_ITEM = st.text(
    st.characters(codec="ascii", categories=["L", "N"], include_characters="-_.:/@"), min_size=1
)


@untimed
@given(st.lists(_ITEM, max_size=6), st.sampled_from([",", ", ", " , "]))
def test_env_list_splits_on_commas_and_drops_blanks(items: list[str], sep: str) -> None:
    with environment(**{NAME: sep.join(["", *items, ""])}):
        assert env_list(NAME) == items


def test_env_reads_the_file_named_by_name_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s3cret-value\n", encoding="utf-8")
    with environment(**{NAME: "from-variable", f"{NAME}_FILE": str(secret)}):
        assert env(NAME) == "s3cret-value"
    os.environ.pop(f"{NAME}_FILE", None)


# --- DATABASE_URL: SQLite ------------------------------------------------------------


def test_sqlite_relative_path_is_below_the_project_with_wal_and_reused_connections() -> None:
    db = database_from_url("sqlite:///var/almen.sqlite3", base_dir=BASE)
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == "/srv/almen/var/almen.sqlite3"
    options = db["OPTIONS"]
    assert isinstance(options, dict)
    assert "PRAGMA journal_mode=WAL;" in options["init_command"]
    assert "PRAGMA foreign_keys=ON;" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert db["CONN_MAX_AGE"] == 60
    assert db["CONN_HEALTH_CHECKS"] is True
    assert db["TEST"] == {"NAME": None}


def test_sqlite_absolute_path_test_name_and_conn_max_age() -> None:
    db = database_from_url(
        "sqlite:////var/lib/almen/db.sqlite3?test_name=/srv/almen/var/test.sqlite3&conn_max_age=0",
        base_dir=BASE,
    )
    assert db["NAME"] == "/var/lib/almen/db.sqlite3"
    assert db["TEST"] == {"NAME": "/srv/almen/var/test.sqlite3"}
    assert db["CONN_MAX_AGE"] == 0


def test_sqlite_refuses_options_it_would_otherwise_drop() -> None:
    with pytest.raises(ImproperlyConfigured, match="sslmode"):
        database_from_url("sqlite:///var/almen.sqlite3?sslmode=require", base_dir=BASE)


@pytest.mark.parametrize("raw", ["soon", "1.5", "-1"])
def test_conn_max_age_must_be_a_whole_number_of_seconds(raw: str) -> None:
    for scheme in ("sqlite:///x.sqlite3", "postgres://h/db"):
        with pytest.raises(ImproperlyConfigured, match="conn_max_age"):
            database_from_url(f"{scheme}?conn_max_age={raw}", base_dir=BASE)


# --- DATABASE_URL: PostgreSQL ----------------------------------------------------------


def test_postgres_keeps_sslmode_and_other_driver_options() -> None:
    db = database_from_url(
        "postgres://almen:pw@db.example:6432/almen"
        "?sslmode=require&sslrootcert=/etc/ssl/ca.pem&connect_timeout=5"
        "&application_name=almen-web&conn_max_age=120&test_name=almen_ci",
        base_dir=BASE,
    )
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"]) == ("almen", "almen", "pw")
    assert (db["HOST"], db["PORT"]) == ("db.example", "6432")
    assert db["OPTIONS"] == {
        "sslmode": "require",
        "sslrootcert": "/etc/ssl/ca.pem",
        "connect_timeout": 5,
        "application_name": "almen-web",
        "server_side_binding": True,
        "prepare_threshold": 5,
    }
    assert db["CONN_MAX_AGE"] == 120
    assert db["CONN_HEALTH_CHECKS"] is True
    assert db["TEST"] == {"NAME": "almen_ci"}


def test_postgres_defaults() -> None:
    db = database_from_url("postgresql://postgres@127.0.0.1/", base_dir=BASE)
    assert db["NAME"] == "postgres"
    assert db["PORT"] == ""
    # Server-side binding, so psycopg prepares the statements a connection repeats.
    assert db["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 5}
    assert db["CONN_MAX_AGE"] == 60


def test_postgres_server_side_binding_can_be_turned_off_and_refuses_other_values() -> None:
    db = database_from_url("postgres://h/almen?server_side_binding=false", base_dir=BASE)
    assert db["OPTIONS"] == {}
    with pytest.raises(ImproperlyConfigured, match="server_side_binding must be true or false"):
        database_from_url("postgres://h/almen?server_side_binding=ja", base_dir=BASE)


_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=20)
_OPTION = st.from_regex(r"[a-z][a-z_]{0,15}", fullmatch=True).filter(
    lambda k: k not in {"conn_max_age", "test_name", "currentschema"}
)


@untimed
@given(user=_TEXT, password=_TEXT, name=_TEXT, port=st.integers(1, 65535))
def test_postgres_credentials_survive_any_characters(
    user: str, password: str, name: str, port: int
) -> None:
    url = (
        f"postgres://{quote(user, safe='')}:{quote(password, safe='')}"
        f"@db.example:{port}/{quote(name, safe='')}"
    )
    db = database_from_url(url, base_dir=BASE)
    assert (db["USER"], db["PASSWORD"], db["NAME"], db["PORT"]) == (
        user,
        password,
        name,
        str(port),
    )


@untimed
@given(st.dictionaries(_OPTION, st.from_regex(r"[A-Za-z][A-Za-z0-9/._-]{0,20}", fullmatch=True)))
def test_postgres_passes_every_unknown_option_to_the_driver(options: dict[str, str]) -> None:
    query = "&".join(f"{key}={quote(value, safe='/')}" for key, value in options.items())
    db = database_from_url(f"postgres://db.example/almen?{query}", base_dir=BASE)
    expected = {
        k: (v.lower() == "true" if v.lower() in {"true", "false"} else v)
        for k, v in options.items()
    }
    assert db["OPTIONS"] == {**expected, "server_side_binding": True, "prepare_threshold": 5}


@pytest.mark.parametrize("url", ["mysql://h/db", "redis://h/0", "almen.sqlite3"])
def test_unsupported_schemes_stop_start_up(url: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="not supported"):
        database_from_url(url, base_dir=BASE)
