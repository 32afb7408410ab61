"""The one FilterSet for parties, shared by the UI list and the API.

Other apps add filters to it (``party_filters`` in ``verbund.<app>.filters``, see
``core.extensions``): ``relationship_type`` comes from relationships, ``group`` from
hierarchies. ``party_filterset()`` is the FilterSet with them; parties imports neither app.

A parameter that is neither a filter nor one of ``OTHER_PARAMS`` (paging, sorting, search) is
refused naming it, and each app may check its filters together (``check_party_filters``), so
a mistyped filter never answers as if it were not there.
"""

import copy
from functools import cache
from typing import Any

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.functions import Collate
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from verbund.core import extensions
from verbund.core.filters import IdFilter, YesNoFilter
from verbund.core.formatting import user_name, user_order
from verbund.core.forms import id_param
from verbund.core.security import check_search
from verbund.core.serializers import ID_MAX
from verbund.parties import rules
from verbund.parties.models import Party, PartyKind, PartyStatus, Tag
from verbund.parties.selectors import text_search


def user_choice_label(user: Any, me: int | None) -> str:
    """A user as a choice names one: full name, else user name; the user choosing (``me``)
    and a deactivated user marked."""
    name = user_name(user)
    if user.pk == me:
        return gettext("%(name)s (me)") % {"name": name}
    if not user.is_active:
        return gettext("%(name)s (deactivated)") % {"name": name}
    return name


class UsersByName(forms.models.ModelChoiceIterator):
    """The users of the queryset in ``user_order``, read in the one query as before."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        me = getattr(self.field, "me", None)
        for user in sorted(self.queryset, key=lambda u: user_order(u, me)):
            yield self.choice(user)


class UserChoiceIterator(django_filters.fields.ModelChoiceIterator, UsersByName):
    """django-filter's iterator (the "nobody" choice after "all") over ``UsersByName``."""


class UserChoiceField(django_filters.fields.ModelChoiceField):
    """A user as the pages name one (full name, else user name), in ``user_order``; a
    deactivated user is marked, and the user looking at the list (``me``, set by the view)
    too, and comes first.

    There is no notion of a service account to leave out: a machine client (the ERP) is a
    user with an API token like any other (docs/api.md), and may be responsible for parties."""

    iterator = UserChoiceIterator
    me: int | None = None

    def to_python(self, value: Any) -> Any:
        # Not an id in the 64-bit range: refused here, before the database (PostgreSQL cannot
        # even compare a larger one and would answer with an error).
        # (id_param reads at most 18 digits, below ID_MAX; 0 is no id either.)
        if value not in self.empty_values and value != self.null_value and not id_param(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)

    def label_from_instance(self, obj: Any) -> str:
        return user_choice_label(obj, self.me)


class TagChoiceField(django_filters.fields.ModelChoiceField):
    """A tag by its name, in any case or spacing ("a-kunde" is "A-Kunde": ``rules.tag_alike``,
    the rule the form and the API write tags by)."""

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except forms.ValidationError:
            tag = rules.tag_alike(str(value)) if value not in self.empty_values else None
            if tag is None:
                raise
            return tag

    def prepare_value(self, value: Any) -> Any:
        # The select shows the tag a name in another spelling found ("a-kunde": "A-Kunde").
        if isinstance(value, str) and value:
            tag = rules.tag_alike(value)
            return tag.name if tag else value
        return super().prepare_value(value)


class TagFilter(django_filters.ModelChoiceFilter):
    field_class = TagChoiceField


class ResponsibleFilter(django_filters.ModelChoiceFilter):
    field_class = UserChoiceField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The schema says what the filter takes, a user's id or "none", with its help text
        # (drf-spectacular reads this attribute as extend_schema_field would set it).
        self._spectacular_annotation = {
            "field": {
                "oneOf": [
                    {"type": "integer", "minimum": 1, "maximum": ID_MAX},
                    {"type": "string", "enum": ["none"]},
                ],
                "description": kwargs.get("help_text", ""),
            }
        }


def users() -> QuerySet[Any]:
    # The choices are put in order in Python (``user_order``); the query needs none.
    return get_user_model().objects.order_by()


# What the party list and its API read besides the filters: the UI's cursor and sort, DRF's
# cursor, page size, ordering, search and format.
OTHER_PARAMS = frozenset({"after", "sort", "cursor", "page_size", "ordering", "search", "format"})


# The forms of ``given_only`` kept per FilterSet class, one per set of filters given.
GIVEN_FORMS = 256


class PartyFilterSet(django_filters.FilterSet):
    """The party filters of this app; use ``party_filterset()``, which adds the other apps'."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"), validators=[check_search])
    kind = django_filters.ChoiceFilter(choices=PartyKind.choices, label=_("Kind"))
    # One status per party: no DISTINCT (which would make PostgreSQL read all matches first).
    status = django_filters.MultipleChoiceFilter(
        choices=PartyStatus.choices, label=_("Status"), distinct=False
    )
    city = django_filters.CharFilter(method="filter_city", label=_("City"))
    postcode = django_filters.CharFilter(lookup_expr="startswith", label=_("Postcode"))
    # A postcode area: from one postcode (or its first digits) to another, both included
    # ("80" to "85" is 80000 to 85999).
    postcode_from = django_filters.CharFilter(
        field_name="postcode", lookup_expr="gte", label=_("Postcode from")
    )
    postcode_to = django_filters.CharFilter(method="filter_postcode_to", label=_("Postcode to"))
    country = django_filters.CharFilter(method="filter_country", label=_("Country"))
    vat_id = django_filters.CharFilter(label=_("VAT id"))
    lei = django_filters.CharFilter(label=_("LEI"))
    number = django_filters.CharFilter(label=_("Number"))
    erp_source = django_filters.CharFilter(label=_("ERP source"))
    erp_id = django_filters.CharFilter(label=_("ERP id"))
    # One tag by its name; a party holds a tag once, so no DISTINCT is needed.
    tag = TagFilter(
        queryset=Tag.objects.all(),
        to_field_name="name",
        field_name="tags",
        distinct=False,
        empty_label=_("all"),
        label=_("Tag"),
        help_text=_("A tag's name (in any case): the parties that carry it."),
    )
    archived = YesNoFilter(label=_("Archived"))
    # Merged records are redirects to their survivor (decision 0040): ``merged=true`` lists only
    # them, ``false`` only the others; not given, the API lists both and the lists of the UI
    # and the selections leave them out (``leaves_out_merged``).
    merged = YesNoFilter(
        method="filter_merged",
        label=_("Merged"),
        help_text=_(
            "Records merged into another (merged_into names the survivor, to which their "
            "number and ERP key redirect). true: only these; false: only the others; not "
            "given: both."
        ),
    )
    organisation = IdFilter(field_name="organisation_id", label=_("Organisation"))
    # "Meine Kunden": a user's id, or ``none`` for the parties nobody is responsible for.
    responsible = ResponsibleFilter(
        queryset=users(),
        empty_label=_("all"),
        null_label=_("nobody"),
        null_value="none",
        label=_("Responsible"),
        help_text=_(
            "A user's id: the parties this user is responsible for; none: those nobody is."
        ),
    )

    # The names of the filters other apps added (in app order); empty on this base class.
    extension_filters: tuple[str, ...] = ()
    # The refusals beyond the fields' own, by parameter (set by ``is_valid``).
    _problems: dict[str, list[str]]

    class Meta:
        model = Party
        fields = ["kind", "status", "city", "country", "archived"]

    def __init__(
        self,
        data: Any = None,
        queryset: QuerySet[Party] | None = None,
        *,
        request: Any = None,
        prefix: str | None = None,
        given_only: bool = False,
    ) -> None:
        # django-filter's own __init__, but with each filter copied shallowly: it deep-copies
        # them, which for the party list's 35 filters (a dozen holding a queryset) was a sixth
        # of the list's and the API list's CPU. A filter's own state in a FilterSet is its
        # model and parent; the rest is configuration no filter here changes. A method filter
        # is bound anew to its copy (django-filter binds it to the filter it was set on).
        # ``given_only``: the filters and the form's fields are those of the parameters given
        # and no others, for a read that shows no form (``selections.selectors.parties``: a
        # selection's count and rows). A filter whose parameter is absent adds no condition,
        # so the query is the full form's (tested), without copying 36 filters and copying and
        # cleaning 36 form fields for one or two (0.6-0.8 ms of CPU in every count).
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.given_only = given_only
        self.filters = {}
        names = self._given_names() if given_only else self.base_filters
        for name in names:
            base = self.base_filters[name]
            filter_ = copy.copy(base)
            if base.method is not None:
                filter_.method = base.method
            filter_.model = queryset.model
            filter_.parent = self
            self.filters[name] = filter_

    def filter_q(self, queryset: QuerySet[Party], name: str, value: str) -> QuerySet[Party]:
        return text_search(queryset, value)

    def filter_merged(
        self, queryset: QuerySet[Party], name: str, value: bool | None
    ) -> QuerySet[Party]:
        if value is None:
            return queryset
        return queryset.filter(merged_into__isnull=not value)

    def leaves_out_merged(self) -> bool:
        """Whether a list of these parties for people (the party list, a selection) leaves out
        the merged records: always, unless ``merged=true`` asks for exactly them. (The API
        lists what the filters select, merged records included.)"""
        if not self.is_valid():
            return True
        return self.form.cleaned_data.get("merged") is not True

    def filter_postcode_to(
        self, queryset: QuerySet[Party], name: str, value: str
    ) -> QuerySet[Party]:
        return queryset.filter(Q(postcode__lte=value) | Q(postcode__startswith=value))

    def is_valid(self) -> bool:
        """The fields' own checks, then: every parameter is known, and each app's
        ``check_party_filters(cleaned_data)`` (errors by parameter name) passes."""
        valid = bool(super().is_valid())
        if not hasattr(self, "_problems"):
            problems: dict[str, list[str]] = {
                name: [gettext("Unknown filter %(name)s.") % {"name": name}]
                for name in (self.data or {})
                if name not in self.base_filters and name not in OTHER_PARAMS
            }
            if valid:
                for check in extensions.hooks("filters", "check_party_filters"):
                    problems.update(check(self.form.cleaned_data))
            for name, messages in problems.items():
                self.form.errors.setdefault(name, self.form.error_class()).extend(messages)
            self._problems = problems
        return valid and not self._problems

    def get_form_class(self) -> type[forms.Form]:
        # Made once per FilterSet class rather than for every request (35 form fields built,
        # then a class): the fields depend on the filters alone, each of which has its own lazy
        # label and no queryset made from the request, and every form deep-copies them, as any
        # Django form does, so a choice list is read afresh for each form.
        cls = type(self)
        if self.given_only:
            # Made once per set of given filters as well (the combinations in use are few).
            made: dict[tuple[str, ...], type[forms.Form]] = cls.__dict__.get("_given_forms", {})
            cls._given_forms = made  # type: ignore[attr-defined]
            names = tuple(self.filters)
            given_form = made.get(names)
            if given_form is None:
                fields = {name: self.filters[name].field for name in names}
                given_form = type(f"{cls.__name__}GivenForm", (self._meta.form,), fields)
                if len(made) < GIVEN_FORMS:
                    made[names] = given_form
            return given_form
        form_class: type[forms.Form] | None = cls.__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            cls._form_class = form_class  # type: ignore[attr-defined]
        return form_class

    def _given_names(self) -> tuple[str, ...]:
        """The filters a parameter is given for, in the filters' order (so the conditions come
        in the full form's order). Every widget of these filters reads its value under the
        filter's own name (no multi-part widget)."""
        data = self.data
        return tuple(name for name in self.base_filters if name in data)

    @property
    def other_errors(self) -> dict[str, list[str]]:
        """The refusals of parameters the form shows no field for (unknown names)."""
        self.is_valid()
        return {n: m for n, m in self._problems.items() if n not in self.form.fields}

    def filter_city(self, queryset: QuerySet[Party], name: str, value: str) -> QuerySet[Party]:
        """Any case ("köln" finds "Köln"), as an equality the index of migration 0006 answers
        in name order: SQLite's own ``iexact`` is a LIKE, a range over that index, so a big
        city's rows were all read and sorted for one page."""
        if connection.vendor == "sqlite":
            # NOCASE folds what SQLite's LIKE folds (ASCII letters).
            return queryset.alias(city_ci=Collate("city", "NOCASE")).filter(city_ci=value)
        return queryset.filter(city__iexact=value)

    def filter_country(self, queryset: QuerySet[Party], name: str, value: str) -> QuerySet[Party]:
        return queryset.filter(country=value.upper())


@cache
def party_filterset() -> type[PartyFilterSet]:
    """``PartyFilterSet`` with the filters every app adds (built once, on first use, when every
    app is loaded; the other apps' filter modules are never imported by this module's import)."""
    added: dict[str, Any] = {}
    for party_filters in extensions.hooks("filters", "party_filters"):
        added.update(party_filters())
    attrs: dict[str, Any] = {
        **added,
        "extension_filters": tuple(added),
        "__module__": __name__,
        "__doc__": PartyFilterSet.__doc__,
    }
    return type("PartyFilterSet", (PartyFilterSet,), attrs)
