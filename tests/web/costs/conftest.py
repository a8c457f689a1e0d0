"""The plan fixture of the plans tests: patient A with a two-exercise plan."""

from tests.web.plans.conftest import planned

__all__ = ["planned"]
