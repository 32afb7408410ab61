"""Browser hardening headers (issue 21 point 8): the Content-Security-Policy on every page,
and Strict-Transport-Security on requests that came over HTTPS through a trusted proxy, never
on plain HTTP and never because a client claims HTTPS on its own."""

import os
import subprocess
import sys

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PROXIED_HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}


def test_every_page_carries_a_policy_without_inline_script(client_for):
    for client, path in ((Client(), "/accounts/login/"), (client_for("viewer"), "/parties/")):
        policy = client.get(path)["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_a_request_over_https_gets_strict_transport_security():
    # What the WSGI server makes of a trusted proxy's X-Forwarded-Proto: an https request.
    response = Client().get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000"


def test_plain_http_and_an_untrusted_forwarded_proto_get_no_strict_transport_security():
    assert "Strict-Transport-Security" not in Client().get("/accounts/login/")
    claimed = Client().get("/accounts/login/", **PROXIED_HTTPS)
    assert "Strict-Transport-Security" not in claimed


def test_behind_a_trusted_proxy_its_forwarded_proto_brings_strict_transport_security(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = Client().get("/accounts/login/", **PROXIED_HTTPS)
    assert response["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in Client().get("/accounts/login/")


def _settings_with(env: dict[str, str]) -> str:
    code = (
        "import verbund.settings as s; "
        "print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None), s.SECURE_HSTS_SECONDS)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VERBUND_")}
    out = subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_the_forwarded_proto_is_believed_only_when_a_trusted_proxy_is_configured():
    assert _settings_with({}) == "None 31536000"
    trusted = _settings_with({"VERBUND_TRUSTED_PROXY": "127.0.0.1", "VERBUND_HSTS_SECONDS": "600"})
    assert trusted == "('HTTP_X_FORWARDED_PROTO', 'https') 600"
