from django.utils.translation import gettext_lazy as _

from verbund.core.apps import VerbundAppConfig


class FollowUpsConfig(VerbundAppConfig):
    default = True
    name = "verbund.followups"
    label = "followups"
    verbose_name = _("Follow-ups")
    role_permissions = {
        "viewer": ["view_followup"],
        "editor": ["add_followup", "change_followup", "delete_followup"],
    }

    def ready(self) -> None:
        from verbund.core import audit

        # The file's history names these records in words; core keeps the labels of the apps
        # below it, a higher app registers its own.
        audit.register_actions(
            "followup",
            _("Follow-up changed"),
            {
                "followup.create": _("Follow-up created"),
                "followup.update": _("Follow-up changed"),
                "followup.complete": _("Follow-up done"),
                "followup.reopen": _("Follow-up reopened"),
                "followup.delete": _("Follow-up deleted"),
            },
        )
