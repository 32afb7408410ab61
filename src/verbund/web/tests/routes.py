"""Who may use the shell's pages: declarations for the role walk (core.testing)."""

from verbund.core.testing import ANYONE, LOGGED_IN, Page, World
from verbund.parties.actions import do_create_party

ROUTES = [
    # The start page greets a user without a role too; its search finds only for readers.
    Page("home", allowed=LOGGED_IN),
    Page("login", allowed=ANYONE),
    Page("logout", "post", LOGGED_IN, ok=(302,)),
    Page("two-factor", allowed=LOGGED_IN),
    # Without a pending second factor the verify page sends the user on.
    Page("two-factor-verify", allowed=LOGGED_IN, ok=(200, 302)),
    Page("set-language", "post", LOGGED_IN, body=lambda w: {"language": "en"}, ok=(302,)),
    Page("search-results", query={"q": "GmbH"}),
    Page("party-picker", query={"other_query": "GmbH"}),
]


def world() -> World:
    do_create_party(actor=None, name="A GmbH")
    return {}
