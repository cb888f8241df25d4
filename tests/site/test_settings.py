"""Settings come from the environment and refuse what they cannot read."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from diegem.settings import env_bool, env_int, env_list


def test_env_bool_reads_yes_and_no_and_refuses_the_rest(monkeypatch):
    for raw, value in [
        ("true", True),
        ("1", True),
        ("on", True),
        ("no", False),
        ("0", False),
        ("", False),
    ]:
        monkeypatch.setenv("FLAG", raw)
        assert env_bool("FLAG", not value) is value
    monkeypatch.setenv("FLAG", "misschien")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG", False)
    monkeypatch.delenv("FLAG")
    assert env_bool("FLAG", True) is True


def test_env_int_refuses_words_and_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("N", "veel")
    with pytest.raises(ImproperlyConfigured, match="N"):
        env_int("N", 1)
    monkeypatch.setenv("N", "-1")
    with pytest.raises(ImproperlyConfigured, match="minimum"):
        env_int("N", 1)
    monkeypatch.setenv("N", "42")
    assert env_int("N", 1) == 42


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.be, ,b.be ")
    assert env_list("HOSTS", []) == ["a.be", "b.be"]


def _load_settings(show: str = "DATABASES['default']['ENGINE']", **env):
    """Import the settings in a fresh interpreter with exactly this environment; print one of them."""
    clean = {"PATH": os.environ["PATH"], **env}
    return subprocess.run(
        [sys.executable, "-c", f"import diegem.settings as s; print(s.{show})"],
        env=clean,
        capture_output=True,
        text=True,
    )


def test_production_without_a_secret_key_is_refused():
    result = _load_settings(ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_without_allowed_hosts_is_refused():
    result = _load_settings(SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_a_fresh_checkout_runs_on_the_embedded_postgresql_in_debug_mode():
    result = _load_settings(DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_without_database_url_the_database_is_the_embedded_server_in_the_checkout():
    """What `make run` connects to: database diegem over the socket in .postgres/ of the checkout."""

    def database(**env) -> list:
        result = _load_settings("DATABASES['default']", DEBUG="true", **env)
        assert result.returncode == 0, result.stderr
        settings = ast.literal_eval(result.stdout)
        return [settings[key] for key in ("ENGINE", "NAME", "USER", "HOST", "PORT")]

    checkout = Path(__file__).resolve().parents[2]
    assert database() == [
        "django.db.backends.postgresql",
        "diegem",
        "postgres",
        str(checkout / ".postgres"),
        "",
    ]
    assert _load_settings("EMBEDDED_DATABASE_DIR", DEBUG="true").stdout.strip() == str(
        checkout / ".postgres"
    )
    elsewhere = {"DATABASE_URL": "postgres://u@db.example:5433/praktijken"}
    assert database(**elsewhere) == [
        "django.db.backends.postgresql",
        "praktijken",
        "u",
        "db.example",
        5433,
    ]
    assert (
        _load_settings("EMBEDDED_DATABASE_DIR", DEBUG="true", **elsewhere).stdout.strip() == "None"
    )


def test_database_url_selects_postgresql_and_refuses_other_engines():
    ok = _load_settings(DEBUG="true", DATABASE_URL="postgres://u@localhost:5432/diegem")
    assert ok.stdout.strip() == "django.db.backends.postgresql"
    refused = _load_settings(DEBUG="true", DATABASE_URL="mysql://u@localhost/diegem")
    assert refused.returncode != 0
    assert "DATABASE_URL" in refused.stderr


def test_cache_url_selects_the_shared_redis_cache_and_refuses_other_addresses():
    def cache(**env) -> dict:
        result = _load_settings("CACHES['default']", DEBUG="true", **env)
        assert result.returncode == 0, result.stderr
        return ast.literal_eval(result.stdout)

    assert cache() == {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 3000},
    }
    assert cache(CACHE_URL="redis://cache.internal:6379/2") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/2",
        "KEY_PREFIX": "diegem",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
    # A password goes into OPTIONS, which the debug page hides ("password"), never LOCATION.
    assert cache(CACHE_URL="redis://:s3cr%40t@cache.internal:6379/0") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/0",
        "KEY_PREFIX": "diegem",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2, "password": "s3cr@t"},
    }
    refused = _load_settings(DEBUG="true", CACHE_URL="memcached://u:geheim@cache.internal:11211")
    assert refused.returncode != 0
    assert "CACHE_URL (scheme 'memcached') is not a Redis address" in refused.stderr
    assert "geheim" not in refused.stderr


def test_a_bad_debug_value_is_refused():
    result = _load_settings(DEBUG="soms")
    assert result.returncode != 0
    assert "DEBUG='soms' is not a boolean" in result.stderr


def test_demo_accounts_refuse_to_exist_without_debug(db):

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_accounts")


def test_demo_accounts_cover_every_role(db, settings):

    settings.DEBUG = True
    call_command("demo_accounts")
    call_command("demo_accounts")  # safe to repeat
    users = {u.username: u for u in get_user_model().objects.all()}
    assert users["lid"].membership.organisation.slug == "demo-organisatie"
    assert users["moderator"].has_perm("annotations.moderate_annotation")
    assert users["onderzoeker"].has_perm("cases.publish_case") and users["onderzoeker"].is_staff
    assert users["beheerder"].is_superuser
    assert users["lid"].check_password("demo-wachtwoord")


def test_trusted_proxies_are_addresses_or_networks():
    refused = _load_settings(DEBUG="true", TRUSTED_PROXIES="127.0.0.1,nginx")
    assert refused.returncode != 0
    assert "TRUSTED_PROXIES: 'nginx' is not an IP address or network" in refused.stderr
    ok = _load_settings(
        "TRUSTED_PROXIES", DEBUG="true", TRUSTED_PROXIES=" 127.0.0.1 , 10.0.0.0/8,2001:db8::/32"
    )
    assert ok.stdout.strip() == "['127.0.0.1/32', '10.0.0.0/8', '2001:db8::/32']"


def test_the_mail_backend_follows_email_host_unless_named():
    def backend(**env):
        return _load_settings("MAILERS['default']['BACKEND']", DEBUG="true", **env).stdout.strip()

    assert backend() == "django.core.mail.backends.console.EmailBackend"
    assert backend(EMAIL_HOST="smtp.example") == "django.core.mail.backends.smtp.EmailBackend"
    assert (
        backend(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
        == "django.core.mail.backends.dummy.EmailBackend"
    )
