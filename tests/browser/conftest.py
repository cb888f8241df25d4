"""Playwright on the system Chromium against Django's live server."""

import os
import shutil
from pathlib import Path

import pytest

# Django's live server runs in a thread; Playwright's sync API runs an event loop
# in the test thread, which Django would otherwise take for async code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = _chromium()
    if not path:
        pytest.fail("Chromium not found: `make test` installs Debian's chromium, or set CHROMIUM_PATH.")
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}


@pytest.fixture
def screenshot_dir(pytestconfig) -> Path:
    """Where journeys leave their screenshots: pytest-playwright's --output folder."""
    path = Path(pytestconfig.getoption("--output"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def csp_violations(page):
    """Console errors about the Content-Security-Policy, collected during the test."""
    found: list[str] = []
    page.on(
        "console",
        lambda message: found.append(message.text)
        if message.type == "error" and "Content Security Policy" in message.text
        else None,
    )
    return found
