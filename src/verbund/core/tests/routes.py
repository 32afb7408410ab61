"""Routes of the API shell itself, for the role matrix (core.testing)."""

from verbund.core.testing import Route

ROUTES = [
    Route(
        "api-root",
        known_failure="issue 21 point 7: the API root answers 403 even to an admin",
    ),
]
