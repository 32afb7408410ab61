from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class VerbundAppConfig(AppConfig):
    """Base for Verbund's domain apps.

    ``role_permissions`` maps a role (a Django group) to the permission codenames of this
    app that the role holds; ``sync_roles`` gathers them from every app after migrate.
    """

    default_auto_field = "django.db.models.BigAutoField"
    role_permissions: dict[str, list[str]] = {}


class CoreConfig(VerbundAppConfig):
    default = True
    name = "verbund.core"
    label = "core"
    verbose_name = _("Core")
    role_permissions = {
        "viewer": ["view_auditrecord"],
        "admin": ["view_auditrecord"],
    }

    def ready(self) -> None:
        # twofactor connects the after-login receiver; schema registers the API schema's
        # extension (drf-spectacular finds extensions among the classes defined so far).
        from django.urls import register_converter

        from verbund.core import schema, twofactor  # noqa: F401
        from verbund.core.api import IdConverter
        from verbund.core.roles import connect_cache_signals, sync_roles

        # ``<id:pk>``: the API's ids in paths (URL confs load after every app is ready).
        register_converter(IdConverter, "id")

        post_migrate.connect(sync_roles, dispatch_uid="verbund.core.sync_roles")
        connect_cache_signals()
