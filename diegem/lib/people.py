"""How the site names a person."""


def shown_name(user) -> str:
    """A user as pages, files and messages name them: their full name, else their user name."""
    return user.get_full_name() or user.get_username()
