from django.utils.translation import gettext_lazy as _

from verbund.core.apps import VerbundAppConfig


class WebConfig(VerbundAppConfig):
    default = True
    name = "verbund.web"
    label = "web"
    verbose_name = _("Web interface")
    role_permissions: dict[str, list[str]] = {}

    def ready(self) -> None:
        from verbund.web import signals  # noqa: F401
