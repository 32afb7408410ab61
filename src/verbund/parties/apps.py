from django.utils.translation import gettext_lazy as _

from verbund.core.apps import VerbundAppConfig


class PartiesConfig(VerbundAppConfig):
    default = True
    name = "verbund.parties"
    label = "parties"
    verbose_name = _("Parties")
    role_permissions = {
        "viewer": ["view_party", "view_tag"],
        "editor": ["add_party", "change_party", "add_tag", "change_tag"],
        "steward": ["delete_tag"],
    }

    def ready(self) -> None:
        from verbund.core import audit

        # The audit trail names the tags' own records in words (a party's records are core's).
        audit.register_actions(
            "tag",
            _("Tag changed"),
            {
                "tag.create": _("Tag created"),
                "tag.rename": _("Tag renamed"),
                "tag.merge": _("Tags merged"),
                "tag.delete": _("Tag deleted"),
            },
        )
