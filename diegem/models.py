"""The site app's models: the citable releases of the data (in `diegem.releases`)."""

from diegem.releases import Release  # noqa: F401
