"""A random key a form is drawn with, so that the same form sent twice does one thing.

A double click, a browser's second try or the form sent again after "back" sends the key it
was drawn with once more; a service that stores the key with what it made finds it again and
returns that instead of making a second (a workshop's answer, a release). A new drawing of
the form is a new key. The key tells nothing of who sent it.
"""

import re
import secrets

FORM_KEY_LENGTH = 22  # secrets.token_urlsafe(16)
FORM_KEY_PATTERN = re.compile(rf"[A-Za-z0-9_-]{{{FORM_KEY_LENGTH}}}")


def new_form_key() -> str:
    """A key for one drawing of a form."""
    return secrets.token_urlsafe(16)


def valid_form_key(key: str) -> str:
    """`key` as sent, or "" when it is missing or not of the form (no key at all)."""
    return key if FORM_KEY_PATTERN.fullmatch(key) else ""
