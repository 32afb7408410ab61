from typing import Any

from django.utils.translation import gettext_lazy as _

from verbund.core.apps import VerbundAppConfig


class SelectionsConfig(VerbundAppConfig):
    default = True
    name = "verbund.selections"
    label = "selections"
    verbose_name = _("Selections")
    # Every role saves its own selections (a saved search is no change to the data); who may
    # change or delete one is the owner (rules.check_owner), not a role.
    role_permissions: dict[str, list[str]] = {
        "viewer": ["view_selection", "add_selection", "change_selection", "delete_selection"],
    }

    def ready(self) -> None:
        from verbund.core import audit

        # A party changed for a selection ("Change all…") links the selection in its history.
        audit.register_object_link("selections.selection", "selection-detail")
        audit.register_object_link("selections.changerun", "selection-change-run")

        from verbund.parties.signals import tag_renamed

        tag_renamed.connect(_on_tag_renamed, dispatch_uid="verbund.selections.tag_renamed")


def _on_tag_renamed(sender: Any, old: str, new: str, actor: Any, **kwargs: Any) -> None:
    from verbund.selections.actions import do_rename_tag_in_filters

    do_rename_tag_in_filters(old, new, actor=actor)
