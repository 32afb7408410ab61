from django.utils.translation import gettext_lazy as _

from verbund.core.apps import VerbundAppConfig


class QualityConfig(VerbundAppConfig):
    default = True
    name = "verbund.quality"
    label = "quality"
    verbose_name = _("Data quality")
    role_permissions: dict[str, list[str]] = {
        "viewer": ["view_duplicatecandidate", "view_mergerecord", "view_deduperun"],
        "editor": ["view_duplicatecandidate", "view_mergerecord", "view_deduperun"],
        "steward": [
            "view_duplicatecandidate", "change_duplicatecandidate", "view_notduplicate", "add_notduplicate",
            "delete_notduplicate",
            "view_mergerecord", "add_mergerecord", "change_mergerecord", "view_deduperun", "add_deduperun",
        ],
    }  # fmt: skip
