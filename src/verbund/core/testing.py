"""Test support shared by every domain: the role matrix, bad input, command errors, query counts.

Imported by tests only (it needs pytest and the test client), never by the product.

**Role matrix.** Each domain declares its routes in ``verbund/<app>/tests/routes.py``::

    ROUTES = [
        Route("quality-candidate-list"),                                  # every role reads
        Route("quality-merge-list", "post", STEWARDS, body=lambda w: {...}, ok=(201,)),
        Route("quality-candidate-not-duplicate", "post", STEWARDS, kwargs={"pk": "candidate"}),
    ]

    def world() -> World:          # the objects the routes name, built through the actions
        return {"candidate": ..., }

A route is a URL name and a method; ``allowed`` names the roles that may use it (``ok`` is
what they get), every other role and a user without a role get ``denied`` (403), anonymous
callers 401/403 (API) or the login page (UI). UI routes are declared the same way, in the same
list. ``core/tests/test_api_roles.py`` checks that every API route is declared and walks every
declaration with every identity; each request runs in a savepoint that is rolled back, so one
identity's write does not change what the next one finds.

**Bad input** (:func:`assert_refuses_bad_input`), **command errors** (:func:`assert_cli_refuses`)
and **query counts** (:func:`assert_queries_stay`) are plain functions for each domain's tests.
"""

import importlib
import json
import re
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.util import find_spec
from types import ModuleType
from typing import Any

import pytest
from django.conf import settings
from django.core.management import ManagementUtility
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from verbund.core.roles import ROLES

World = dict[str, Any]

NO_ROLE = "no-role"
ANONYMOUS = "anonymous"
IDENTITIES = [*ROLES, NO_ROLE, ANONYMOUS]

EVERYONE = frozenset(ROLES)
WRITERS = frozenset({"editor", "steward", "admin"})
STEWARDS = frozenset({"steward", "admin"})
COMPLIANCE = frozenset({"compliance", "admin"})
PRIVACY = frozenset({"privacy", "admin"})
ADMINS = frozenset({"admin"})
NOBODY: frozenset[str] = frozenset()
# Pages every logged-in user reaches (a user without a role too: home, logout, two-factor), and
# the login page anyone reaches.
LOGGED_IN = EVERYONE | {NO_ROLE}
ANYONE = LOGGED_IN | {ANONYMOUS}
# What a form post may answer to a role that may use it: the role walk asks who gets through,
# not whether the walk's body was valid (the form shown again with its errors, 200 or 400).
FORM_OK = (200, 204, 302, 400)

METHODS = ("get", "post", "put", "patch", "delete")
API_PREFIX = "api/v1/"
# Apps whose tests may hold a ``routes.py`` (the domain apps, core and the web shell).
ROUTE_APPS = [
    "core",
    "parties",
    "relationships",
    "hierarchies",
    "activities",
    "revenue",
    "followups",
    "interfaces",
    "quality",
    "compliance",
    "privacy",
    "selections",
    "web",
]


# --------------------------------------------------------------------------------------------
# Role matrix


@dataclass(frozen=True)
class Route:
    """One URL name and method, and which roles may use it.

    ``ui`` marks a page or form of the UI (several API and UI routes share a name, such as
    ``party-list``). ``kwargs`` maps URL arguments to keys of the domain's world (``{"pk": "candidate"}``) or is
    a function of the world; ``body`` builds the request body from the world; ``query`` (or a
    function of the world giving it; a list value repeats the parameter) is added to the URL. ``known_failure`` marks a declaration the code does not meet yet (an
    expected failure, strict: it fails once the code is fixed, to have the mark removed).
    """

    name: str
    method: str = "get"
    allowed: frozenset[str] = EVERYONE
    kwargs: Mapping[str, str] | Callable[[World], dict[str, Any]] = field(default_factory=dict)
    body: Callable[[World], Any] | None = None
    format: str = "json"
    query: Mapping[str, Any] | Callable[[World], Mapping[str, Any]] = field(default_factory=dict)
    ok: tuple[int, ...] = (200,)
    denied: tuple[int, ...] = (403,)
    known_failure: str = ""
    ui: bool = False
    # Tells apart two declarations of one name and method (an export as CSV and as XLSX).
    variant: str = ""
    # What an anonymous caller gets when not the default (401/403 for the API, the login page
    # for the UI): the schema pages sit outside both.
    anonymous: tuple[int, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.name, self.method)

    def url(self, world: World) -> str:
        if callable(self.kwargs):
            kwargs = self.kwargs(world)
        else:
            kwargs = {arg: world[key] for arg, key in self.kwargs.items()}
        urlconf: Any = None if self.ui else api_urlconf()
        url = reverse(self.name, kwargs=kwargs, urlconf=urlconf)
        query = self.query(world) if callable(self.query) else self.query
        if query:
            from urllib.parse import urlencode

            url += "?" + urlencode(query, doseq=True)
        return url

    @property
    def is_api(self) -> bool:
        return not self.ui

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name}{' ' + self.variant if self.variant else ''}"


def Page(name: str, method: str = "get", allowed: frozenset[str] = EVERYONE, **kw: Any) -> Route:
    """A route of the UI (a page, a partial or a form post)."""
    return Route(name, method, allowed, ui=True, **kw)


@dataclass(frozen=True)
class Declared:
    """A route as one app declared it, with the function building that app's world."""

    app: str
    route: Route
    world: Callable[[], World]


def declared_routes(apps: Iterable[str] = ROUTE_APPS) -> list[Declared]:
    """Every route the apps declare in ``verbund/<app>/tests/routes.py``."""
    found = []
    for app in apps:
        name = f"verbund.{app}.tests.routes"
        if find_spec(f"verbund.{app}.tests") is None or find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        build = getattr(module, "world", dict)
        found += [Declared(app, route, build) for route in module.ROUTES]
    return found


def url_patterns() -> Iterator[tuple[str, str, URLPattern]]:
    """(route, URL name with namespace, pattern) for every named URL pattern."""

    def walk(patterns: list[Any], prefix: str, ns: str) -> Iterator[tuple[str, str, URLPattern]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = ":".join(x for x in (ns, p.namespace or "") if x)
                yield from walk(p.url_patterns, prefix + str(p.pattern), inner)
            elif p.name:
                yield prefix + str(p.pattern), f"{ns}:{p.name}" if ns else p.name, p

    yield from walk(get_resolver().url_patterns, "", "")


_api_urlconf: list[ModuleType] = []


def api_urlconf() -> ModuleType:
    """A URLconf of the API alone, to reverse API names that a UI page also uses."""
    if not _api_urlconf:
        root = importlib.import_module(settings.ROOT_URLCONF)
        module = ModuleType("verbund_api_urlconf")
        module.urlpatterns = [  # type: ignore[attr-defined]
            p for p in root.urlpatterns if str(p.pattern) == API_PREFIX
        ]
        _api_urlconf.append(module)
    return _api_urlconf[0]


def _methods(pattern: URLPattern) -> list[str]:
    actions = getattr(pattern.callback, "actions", None)
    if actions:
        # DRF adds "head" to a viewset's actions on its first GET.
        return sorted(m for m in actions if m in METHODS)
    view = getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)
    if view is None:
        return []
    return [m for m in METHODS if hasattr(view, m)]


def api_routes() -> set[tuple[str, str]]:
    """(URL name, method) of every route of the JSON API, format-suffix variants left out."""
    routes = set()
    for route, name, pattern in url_patterns():
        if not route.startswith(API_PREFIX) or "<format>" in route or "format>" in route:
            continue
        routes |= {(name, m) for m in _methods(pattern)}
    return routes


def ui_routes() -> set[str]:
    """URL names of every page and form of the UI and the schema pages (not the JSON API,
    Django's admin with its own staff check, the language switch or static files)."""
    skip = (API_PREFIX, "admin/", "i18n/", "static/")
    return {name for route, name, _p in url_patterns() if not route.startswith(skip)}


def undeclared_api_routes(declared: Iterable[Declared]) -> set[tuple[str, str]]:
    return api_routes() - {d.route.key for d in declared if d.route.is_api}


def undeclared_ui_routes(declared: Iterable[Declared]) -> set[str]:
    return ui_routes() - {d.route.name for d in declared if d.route.ui}


def send(client: Any, method: str, url: str, body: Any = None, format: str = "json") -> Any:
    """One request; an exception the view let through comes back as a 500 with its traceback."""
    call = getattr(client, method)
    try:
        if body is None:
            return call(url)
        if isinstance(body, bytes | str):
            return call(url, body, content_type="application/json")
        if hasattr(client, "force_authenticate"):
            return call(url, body, format=format)
        return call(url, body)
    except Exception:
        return _Crash(traceback.format_exc())


@dataclass
class _Crash:
    trace: str
    status_code: int = 500
    content: bytes = b""

    def __post_init__(self) -> None:
        self.content = self.trace.encode()


def detail(response: Any, limit: int = 400) -> str:
    """What a failure message shows of a response: the exception of a crash, else the body."""
    if isinstance(response, _Crash):
        return " | ".join(response.trace.strip().splitlines()[-3:])
    return str(response.content[:limit].decode(errors="replace"))


def rolled_back(fn: Callable[[], Any]) -> Any:
    """Run ``fn`` in a savepoint that is rolled back afterwards."""
    with transaction.atomic():
        result = fn()
        transaction.set_rollback(True)
    return result


def clients_by_identity(make_user: Callable[..., Any], api: bool) -> dict[str, Any]:
    """A client per identity: each role, a user without a role, and an anonymous caller."""
    from rest_framework.test import APIClient

    clients: dict[str, Any] = {}
    for identity in IDENTITIES:
        client: Any = APIClient() if api else Client()
        if identity != ANONYMOUS:
            user = make_user(
                None if identity == NO_ROLE else identity, username=f"matrix-{identity}"
            )
            if api:
                client.force_authenticate(user)
            else:
                client.force_login(user)
        clients[identity] = client
    return clients


def expected_statuses(route: Route, identity: str) -> tuple[int, ...]:
    if identity in route.allowed:
        return route.ok
    if identity == ANONYMOUS:
        return route.anonymous or ((401, 403) if route.is_api else (302,))
    return route.denied


def walk_route(route: Route, world: World, clients: Mapping[str, Any]) -> list[str]:
    """Every identity against one route; the mismatches, one line each."""
    url = route.url(world)
    failures = []
    for identity, client in clients.items():
        body = route.body(world) if route.body else None
        response = rolled_back(lambda: send(client, route.method, url, body, route.format))  # noqa: B023
        wanted = expected_statuses(route, identity)
        status = response.status_code
        if status not in wanted:
            failures.append(
                f"{identity}: {route} {url} answered {status}, not {wanted}: {detail(response)}"
            )
        elif identity == ANONYMOUS and wanted == (302,) and ANONYMOUS not in route.allowed:
            login = reverse(settings.LOGIN_URL)
            if not response["Location"].startswith(login):
                failures.append(f"{identity}: {route} redirects to {response['Location']}")
    return failures


def route_params(declared: Iterable[Declared]) -> list[Any]:
    """pytest parameters for the walk, one per declared route (known failures marked)."""
    params = []
    for d in declared:
        marks = (
            [pytest.mark.xfail(strict=True, reason=d.route.known_failure)]
            if d.route.known_failure
            else []
        )
        kind = "ui" if d.route.ui else "api"
        label = f"{d.app}-{kind}-{d.route.name}-{d.route.method}"
        label += f"-{d.route.variant}" if d.route.variant else ""
        params.append(pytest.param(d, id=label, marks=marks))
    return params


# --------------------------------------------------------------------------------------------
# One FilterSet, one list: the UI page and the API agree


def assert_same_rows(
    ui: Any,
    ui_url: str,
    api: Any,
    api_url: str,
    params: Mapping[str, Any],
    rows: str = "page",
) -> list[int]:
    """The UI list (the ids in its context's ``rows``) and the API's first page hold the same
    rows in the same order for the same query parameters; returns the ids."""
    page = ui.get(ui_url, params)
    assert page.status_code == 200, (ui_url, params, page.status_code)
    ui_ids = [row.pk for row in page.context[rows]]
    response = api.get(api_url, params)
    assert response.status_code == 200, (api_url, params, response.content[:300])
    api_ids = [row["id"] for row in response.json()["results"]]
    assert ui_ids == api_ids, (dict(params), ui_ids, api_ids)
    return ui_ids


# --------------------------------------------------------------------------------------------
# Bad input to the API

OVERLONG = "x" * 100_001
NOT_IDS = ["null,null", "abc", "-1", "0", "1.5", "99999999999999999999999"]
UNKNOWN_FIELD = "no_such_field"


def _body_of(response: Any) -> Any:
    try:
        return json.loads(response.content or b"null")
    except ValueError:
        return None


def _wrong_values(value: Any) -> list[Any]:
    """Values of the wrong type for a field whose valid value is ``value``."""
    if isinstance(value, bool):
        return ["vielleicht", {"a": 1}]
    if isinstance(value, int | float):
        return ["abc", {"a": 1}, 2**70, [1]]
    if isinstance(value, str):
        # A NUL character: PostgreSQL cannot store it, so it must be refused before.
        return [{"a": 1}, [1, 2], "a\x00b"]
    if isinstance(value, list):
        return ["abc", {"a": 1}, 5]
    if isinstance(value, dict):
        return ["abc", [1], 5]
    return [{"a": 1}]


def bad_input_problems(
    client: Any,
    url: str,
    body: dict[str, Any],
    *,
    method: str = "post",
    fields: Iterable[str] | None = None,
    long_fields: Iterable[str] | None = None,
    unknown_fields: bool = True,
    ok: tuple[int, ...] = (200, 201, 202),
) -> list[str]:
    """The problems of one create/update endpoint with bad input (empty: none).

    Sends, each in a rolled-back savepoint: the valid ``body`` (must answer ``ok``, or the
    other answers prove nothing); malformed JSON and JSON that is not an object (400); for each
    field a value of the wrong type (400 naming that field); a 100,001-character string in each
    text field (400 naming it); an unknown field (400 naming it). Never a 500.
    """
    problems: list[str] = []
    names = list(body if fields is None else fields)
    texts = [
        f
        for f in (long_fields if long_fields is not None else names)
        if isinstance(body.get(f), str)
    ]

    def probe(label: str, payload: Any, expect: tuple[int, ...], name: str | None) -> None:
        response = rolled_back(lambda: send(client, method, url, payload))
        status = response.status_code
        data = _body_of(response)
        if status not in expect:
            problems.append(
                f"{method.upper()} {url} {label}: {status}, not {expect}: {detail(response)}"
            )
        elif name is not None and not (isinstance(data, dict) and name in data):
            problems.append(
                f"{method.upper()} {url} {label}: the error does not name {name}: {data}"
            )

    probe("valid body", body, ok, None)
    for raw in ('{"a": ', "[1, 2]", '"text"', "null", "\x00"):
        probe(f"body {raw!r}", raw, (400,), None)
    for name in names:
        for wrong in _wrong_values(body.get(name)):
            probe(f"{name}={str(wrong)[:20]}", {**body, name: wrong}, (400,), name)
        if body.get(name) is not None:
            probe(f"{name}=null", {**body, name: None}, (400, *ok), None)
    for name in texts:
        probe(f"{name}=<100,001 characters>", {**body, name: OVERLONG}, (400,), name)
    if unknown_fields:
        probe(UNKNOWN_FIELD, {**body, UNKNOWN_FIELD: "1"}, (400,), UNKNOWN_FIELD)
    return problems


def assert_refuses_bad_input(client: Any, url: str, body: dict[str, Any], **options: Any) -> None:
    """:func:`bad_input_problems` finds nothing."""
    problems = bad_input_problems(client, url, body, **options)
    assert not problems, "\n".join(problems)


def not_id_problems(
    client: Any,
    url_for: Callable[[str], str],
    *,
    method: str = "get",
    body: Any = None,
    expect: tuple[int, ...] = (404,),
) -> list[str]:
    """Ids that are not ids in the URL (``null,null``, ``abc``, -1, 0, 1.5, 10^22): 404.

    ``body`` goes with requests that carry one (not with GET)."""
    problems = []
    if method == "get":
        body = None
    for bad in NOT_IDS:
        url = url_for(bad)
        response = rolled_back(lambda: send(client, method, url, body))  # noqa: B023
        if response.status_code not in expect:
            problems.append(
                f"{method.upper()} {url}: {response.status_code}, not {expect}: {detail(response)}"
            )
    return problems


def assert_not_ids_are_404(client: Any, url_for: Callable[[str], str], **options: Any) -> None:
    problems = not_id_problems(client, url_for, **options)
    assert not problems, "\n".join(problems)


def bad_query_problems(client: Any, url: str, params: Mapping[str, Iterable[str]]) -> list[str]:
    """Each bad value of a query parameter answers 400 naming the parameter, never a 500."""
    problems = []
    for name, values in params.items():
        for value in values:
            joint = "&" if "?" in url else "?"
            target = f"{url}{joint}{_query({name: value})}"
            response = send(client, "get", target)
            data = _body_of(response)
            if response.status_code != 400 or not (isinstance(data, dict) and name in data):
                problems.append(f"GET {target[:120]}: {response.status_code}: {detail(response)}")
    return problems


def assert_refuses_bad_query(client: Any, url: str, params: Mapping[str, Iterable[str]]) -> None:
    problems = bad_query_problems(client, url, params)
    assert not problems, "\n".join(problems)


def _query(params: Mapping[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


def form_errors(response: Any) -> dict[str, Any]:
    """The errors of every bound form a rendered page had in its context, by field."""
    from django.forms import BaseForm

    errors: dict[str, Any] = {}
    context = getattr(response, "context", None)
    if context is None:
        return errors
    for key in context.keys():  # noqa: SIM118 - a ContextList iterates its contexts, not keys
        value = context[key]
        if isinstance(value, BaseForm) and value.is_bound:
            errors.update(value.errors)
    return errors


def form_problems(
    client: Any,
    url: str,
    data: dict[str, Any],
    bad: Mapping[str, Iterable[Any]],
    *,
    ok: tuple[int, ...] = (400,),
    headers: Mapping[str, str] | None = None,
) -> list[str]:
    """A UI form posted with each bad value answers ``ok`` with the error at that field (the
    form shown again), never a 500. Each post runs in a rolled-back savepoint."""
    problems = []
    for name, values in bad.items():
        for value in values:
            payload = {**data, name: value}
            response = rolled_back(
                lambda: _post_form(client, url, payload, headers)  # noqa: B023
            )
            label = f"POST {url} {name}={str(value)[:30]}"
            if response.status_code not in ok:
                problems.append(f"{label}: {response.status_code}, not {ok}: {detail(response)}")
            elif name not in form_errors(response):
                problems.append(f"{label}: no error at {name}: {form_errors(response)}")
    return problems


def _post_form(client: Any, url: str, data: Any, headers: Mapping[str, str] | None) -> Any:
    try:
        return client.post(url, data, headers=dict(headers or {}))
    except Exception:
        return _Crash(traceback.format_exc())


def assert_form_refuses(client: Any, url: str, data: dict[str, Any], bad: Any, **kw: Any) -> None:
    problems = form_problems(client, url, data, bad, **kw)
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------------------------
# Command line


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``verbund ARGS`` in-process as the command line does (argument parsing, errors to
    stderr, exit code); return (exit code, stdout, stderr). An exception the command lets
    through is raised (the command line would print its traceback)."""
    argv = ["verbund", *args]
    code = 0
    try:
        ManagementUtility(argv).fetch_command(args[0]).run_from_argv(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err


# A progress bar line (`[####......]  42.0% message`), redrawn in place on a terminal.
_PROGRESS = re.compile(r"^\s*\[[#. ]*\]\s+[\d.]+% ")


def error_lines(stderr: str) -> list[str]:
    """The lines of an error on stderr, without argparse's usage block and progress bars."""
    lines = [line for line in stderr.splitlines() if line.strip() and not _PROGRESS.match(line)]
    if lines and lines[0].startswith("usage:"):
        for i, line in enumerate(lines):
            if ": error: " in line:
                return lines[i:]
    return lines


def assert_cli_refuses(
    capsys: pytest.CaptureFixture[str],
    *args: str,
    names: str | Iterable[str],
    lines: int = 1,
    report: bool = False,
) -> str:
    """``verbund ARGS`` exits non-zero with an error of at most ``lines`` lines (one by
    default) on stderr, and no traceback; each of ``names`` (the file, row, field or argument)
    is in that error, or with ``report`` in the report the command printed before it (an
    import lists its rows' errors, then fails with one line). Returns the text searched."""
    command = f"verbund {' '.join(args)}"
    try:
        code, out, err = run_cli(capsys, *args)
    except Exception:
        pytest.fail(f"{command} raised:\n{traceback.format_exc()}")
    shown = error_lines(err)
    error = "\n".join(shown)
    assert code != 0, f"{command} exited 0: {out}{err}"
    assert "Traceback" not in out + err, err
    assert shown, f"{command} said nothing on stderr: {out}"
    assert len(shown) <= lines, f"{command}: {len(shown)} lines, at most {lines}:\n{error}"
    searched = f"{out}\n{error}" if report else error
    for name in [names] if isinstance(names, str) else names:
        assert name in searched, f"{command}: {name!r} is not named in:\n{searched}"
    return searched


# --------------------------------------------------------------------------------------------
# Query counts


def count_queries(client: Any, url: str, params: Mapping[str, Any] | None = None) -> int:
    """The number of queries one GET of ``url`` takes (it must answer 200)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def time_budget_queries() -> int:
    """The statements ``core.paging.time_budget`` adds around what it bounds inside a test's
    transaction: none on SQLite (a progress handler); on PostgreSQL its savepoint and limit
    (savepoint, limit, rollback, release)."""
    return 4 if connection.vendor == "postgresql" else 0


def list_count_queries() -> int:
    """The statements one list count (``core.paging.bounded_count``) runs inside a test's
    transaction: the count, within its time budget (``time_budget_queries``)."""
    return 1 + time_budget_queries()


def assert_queries_stay(
    client: Any,
    url: str | Callable[[], str],
    grow: Callable[[], Any],
    params: Mapping[str, Any] | None = None,
    at_most: int | None = None,
) -> int:
    """Count, add rows (``grow``), count again: the count stays (no query per row).

    ``at_most`` pins an upper bound as well. Returns the count."""

    def target() -> str:
        return url() if callable(url) else url

    client.get(target(), params or {})  # sessions, profiles and caches settle on the first call
    before = count_queries(client, target(), params)
    grow()
    after = count_queries(client, target(), params)
    assert after == before, f"{target()}: {before} queries before, {after} with more rows"
    if at_most is not None:
        assert before <= at_most, f"{target()}: {before} queries, at most {at_most}"
    return before


def assert_409_as_the_action_refuses(
    response: Any, refuse: Callable[[], Any], names: dict[str, str] | None = None
) -> None:
    """A 409 whose body is the action's own refusal (a ``Conflict``), field for field, under
    the request's names of the fields (``names``, as ``core.errors.renamed`` gives them)."""
    from verbund.core.errors import Conflict, renamed

    assert response.status_code == 409, (response.status_code, response.content)
    with pytest.raises(Conflict) as refused:
        refuse()
    assert response.json() == renamed(refused.value, names or {}).message_dict
