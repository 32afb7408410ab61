"""Routes of the API shell itself, for the role matrix (core.testing)."""

from verbund.core.testing import LOGGED_IN, Page, Route

ROUTES = [
    Route(
        "api-root",
        known_failure="issue 21 point 7: the API root answers 403 even to an admin",
    ),
    # The schema describes the API, it holds no data: every logged-in caller may read it;
    # an anonymous one is refused by the API's own answer, not sent to the login page.
    Page("schema", allowed=LOGGED_IN, anonymous=(401, 403)),
    Page("api-docs", allowed=LOGGED_IN, anonymous=(401, 403)),
]
