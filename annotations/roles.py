"""The reviewers' group: who moderates annotations."""

from diegem.lib.roles import ensure_group

REVIEWERS_GROUP = "Moderatoren"

REVIEWER_PERMISSIONS = [
    ("annotations", "moderate_annotation"),
    ("annotations", "view_annotation"),
    ("annotations", "view_moderationevent"),
    ("annotations", "view_flag"),
]


def ensure_reviewers_group(using: str = "default", **kwargs) -> None:
    ensure_group(REVIEWERS_GROUP, REVIEWER_PERMISSIONS, using=using)
