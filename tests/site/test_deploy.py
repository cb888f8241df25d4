"""The README's production example is a clean deployment: `check --deploy` finds nothing."""

import os
import re
import subprocess

from django.conf import settings

README = settings.BASE_DIR / "README.md"
CHECK = ".venv/bin/python manage.py check --deploy --fail-level WARNING"


def production_example() -> list[str]:
    """The lines of the README's deployment block, as an operator would paste them."""
    section = README.read_text().split("## Deploying on PostgreSQL with gunicorn", 1)[1]
    return re.search(r"```bash\n(.*?)```", section, re.DOTALL).group(1).splitlines()


def reachable_database(exports: list[str]) -> list[str]:
    """The example's exports, its database (db.internal) stood in for by the test run's own server.

    Django's checks of a generated column ask the database for its version, so
    `check --deploy` connects to the database, as it would in production.
    """
    return [*exports, f"export DATABASE_URL='{os.environ['TEST_DATABASE_URL']}'"]


def run_in_bash(lines: list[str]) -> subprocess.CompletedProcess:
    # Nothing from the test run's own environment: only what the lines export.
    script = "\n".join(["set -euo pipefail", *lines])
    return subprocess.run(
        ["bash", "-c", script],
        env={"PATH": os.environ["PATH"]},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


def test_the_readme_production_environment_passes_check_deploy_without_a_warning():
    lines = production_example()
    exports = [line for line in lines if line.startswith("export ")]
    assert CHECK in lines  # the README tells the operator to run the same check
    result = run_in_bash([*reachable_database(exports), CHECK])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_without_a_mail_server_check_deploy_refuses_the_console_backend():
    # Django's own deploy check (mail.E001): production mail must leave the machine.
    exports = [
        line
        for line in production_example()
        if line.startswith("export ") and "EMAIL_HOST" not in line
    ]
    result = run_in_bash([*reachable_database(exports), CHECK])
    assert result.returncode != 0
    assert "(mail.E001) Your MAILERS setting uses a development-only email backend" in result.stderr


def test_every_security_setting_of_the_example_is_read_from_the_environment():
    exports = [line for line in production_example() if line.startswith("export ")]
    script = (
        "import diegem.settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD); "
        "print(s.MAILERS['default']['BACKEND'], s.TRUSTED_PROXIES)"
    )
    result = run_in_bash([*exports, f'.venv/bin/python -c "{script}"'])
    assert result.stdout.splitlines() == [
        "True 31536000 True True",
        "django.core.mail.backends.smtp.EmailBackend ['127.0.0.1/32']",
    ], result.stderr
