"""The privacy role and its log."""

from verbund.core.roles import declared_permissions
from verbund.privacy.actions import log
from verbund.privacy.models import PrivacyLog


def test_the_privacy_role_may_export_erase_hold_and_run_retention_and_admin_too():
    perms = declared_permissions()
    for role in ("privacy", "admin"):
        for codename in (
            "export_personal_data",
            "erase_personal_data",
            "add_legalhold",
            "run_retention",
        ):
            assert ("privacy", codename) in perms[role] or role == "admin"
    assert ("privacy", "erase_personal_data") not in perms["viewer"]
    assert ("privacy", "erase_personal_data") not in perms["steward"]
    assert ("parties", "view_party") in perms["privacy"]


def test_the_privacy_log_keeps_who_when_which_party_id_which_article_and_why(db, make_user):
    officer = make_user("privacy")
    log(actor=officer, party_id=42, action="erase", article="art17", reason="Anfrage 2026-17")
    entry = PrivacyLog.objects.get()
    assert (entry.actor, entry.party_id, entry.action, entry.article) == (
        officer,
        42,
        "erase",
        "art17",
    )
    assert entry.reason == "Anfrage 2026-17"
    text_fields = {
        f.name
        for f in PrivacyLog._meta.concrete_fields
        if f.get_internal_type() in ("CharField", "TextField")
    }
    assert text_fields == {"action", "article", "reason"}
