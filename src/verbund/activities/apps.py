from django.utils.translation import gettext_lazy as _

from verbund.core.apps import VerbundAppConfig


class ActivitiesConfig(VerbundAppConfig):
    default = True
    name = "verbund.activities"
    label = "activities"
    verbose_name = _("Activities")
    role_permissions = {
        "viewer": ["view_activity"],
        "editor": ["add_activity", "change_activity", "delete_activity"],
    }
