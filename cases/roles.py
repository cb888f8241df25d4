"""The researchers' group: who may enter, code and publish cases."""

from django.db import DEFAULT_DB_ALIAS

from diegem.lib.roles import ensure_group

RESEARCHERS_GROUP = "Onderzoekers"

# Researchers manage cases and their codings, and read the framework and
# keywords they code against.
RESEARCHER_PERMISSIONS = [
    ("cases", "add_case"),
    ("cases", "change_case"),
    ("cases", "view_case"),
    ("cases", "publish_case"),
    ("cases", "add_sourcecoding"),
    ("cases", "change_sourcecoding"),
    ("cases", "delete_sourcecoding"),
    ("cases", "view_sourcecoding"),
    ("cases", "add_tensionposition"),
    ("cases", "change_tensionposition"),
    ("cases", "delete_tensionposition"),
    ("cases", "view_tensionposition"),
    ("cases", "view_casetransition"),
    ("cases", "view_doublecodinground"),
    ("cases", "change_doublecodinground"),
    ("cases", "add_codingevidence"),
    ("cases", "change_codingevidence"),
    ("cases", "delete_codingevidence"),
    ("cases", "view_codingevidence"),
    ("taggit", "add_tag"),
    ("taggit", "view_tag"),
    ("frameworks", "view_source"),
    ("frameworks", "view_tensionfield"),
    ("frameworks", "view_domain"),
    ("frameworks", "view_section"),
]


def ensure_researchers_group(using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    ensure_group(RESEARCHERS_GROUP, RESEARCHER_PERMISSIONS, using=using)
