from django.utils.translation import gettext_lazy as _

from verbund.core.apps import VerbundAppConfig


class PrivacyConfig(VerbundAppConfig):
    default = True
    name = "verbund.privacy"
    label = "privacy"
    verbose_name = _("Data protection")
    role_permissions: dict[str, list[str]] = {
        # Everyone who reads a file sees whether a person objected to advertising; those who
        # write to the file record what the person said. The advertising export (every
        # party's contact data) and applying the retention rules are the privacy role's
        # (admin holds every permission), decision 0057.
        "viewer": ["view_consent"],
        "editor": ["add_consent"],
        "privacy": [
            "view_consent", "add_consent", "view_privacylog", "view_legalhold", "add_legalhold",
            "change_legalhold", "export_personal_data", "erase_personal_data", "run_retention",
            "apply_retention", "export_advertising",
        ],
    }  # fmt: skip
