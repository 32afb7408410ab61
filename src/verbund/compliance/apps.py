from django.utils.translation import gettext_lazy as _

from verbund.core.apps import VerbundAppConfig


class ComplianceConfig(VerbundAppConfig):
    default = True
    name = "verbund.compliance"
    label = "compliance"
    verbose_name = _("Compliance")
    role_permissions: dict[str, list[str]] = {
        # Viewers see badges (blocked, ownership flags) but not the hits queue.
        "viewer": ["view_ownershipflag"],
        "compliance": [
            "view_sanctionslist", "add_sanctionslist", "change_sanctionslist", "view_listversion", "add_listversion",
            "view_listentry", "view_hit", "change_hit", "review_hit", "run_screening", "view_screeningrun",
            "add_screeningrun", "view_ownershipflag",
        ],
    }  # fmt: skip

    def ready(self) -> None:
        from verbund.compliance import receivers

        receivers.connect()
