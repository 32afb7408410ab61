"""Routes of the API shell itself, for the role matrix (core.testing)."""

from verbund.core.testing import LOGGED_IN, Page, Route

ROUTES = [
    # Every logged-in caller reads the root: it lists what the caller may use (nothing, to a
    # user without a role).
    Route("api-root", allowed=LOGGED_IN),
    # The schema describes the API, it holds no data: every logged-in caller may read it;
    # an anonymous one is refused by the API's own answer, not sent to the login page.
    Page("schema", allowed=LOGGED_IN, anonymous=(401, 403)),
    Page("api-docs", allowed=LOGGED_IN, anonymous=(401, 403)),
]
