"""UI routes: start page, parties, customer file, relationships, hierarchy, types, login."""

from django.contrib.auth import views as auth_views
from django.urls import path

from verbund.core import twofactor
from verbund.web.views import hierarchy, home, parties, relationships, types

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", twofactor.manage, name="two-factor"),
    path("accounts/two-factor/verify/", twofactor.verify, name="two-factor-verify"),
    path("language/", home.set_language, name="set-language"),
    path("search/", home.search_results, name="search-results"),
    path("search/pick/", home.party_picker, name="party-picker"),
    path("parties/", parties.party_list, name="party-list"),
    path("parties/new/", parties.party_create, name="party-create"),
    path("parties/<int:party_id>/", parties.party_detail, name="party-detail"),
    path(
        "parties/<int:party_id>/sections/<slug:app>/", parties.party_sections, name="party-sections"
    ),
    path("parties/<int:party_id>/edit/", parties.party_edit, name="party-edit"),
    path(
        "parties/<int:party_id>/relationships/new/",
        relationships.relationship_add,
        name="relationship-add",
    ),
    path(
        "parties/<int:party_id>/relationships/<slug:type_key>/",
        parties.party_relationship_list,
        name="party-relationships",
    ),
    path(
        "relationships/<int:relationship_id>/end/",
        relationships.relationship_end,
        name="relationship-end",
    ),
    path("parties/<int:party_id>/hierarchy/", hierarchy.hierarchy_view, name="hierarchy"),
    path(
        "parties/<int:party_id>/hierarchy/children/",
        hierarchy.hierarchy_children,
        name="hierarchy-children",
    ),
    path(
        "parties/<int:party_id>/hierarchy/export.<str:fmt>",
        hierarchy.hierarchy_export,
        name="hierarchy-export",
    ),
    path("hierarchy/annotations/", hierarchy.hierarchy_annotations, name="hierarchy-annotations"),
    path("relationship-types/", types.type_list, name="type-list"),
    path("relationship-types/new/", types.type_create, name="type-create"),
    path("relationship-types/<int:type_id>/edit/", types.type_edit, name="type-edit"),
    path("relationship-types/<int:type_id>/toggle/", types.type_toggle, name="type-toggle"),
]
