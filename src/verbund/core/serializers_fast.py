"""A cheaper ``to_representation`` for model serializers that lists send fifty rows at a time.

DRF renders a row field by field: a generator over the bound fields, ``Field.get_attribute``
(with its mapping and callable checks) and each field's ``to_representation``, and it binds
a fresh set of fields (``get_fields``) for every serializer it makes, once per request: 44 %
of the party API list's CPU (issue #23).

``FastReadMixin`` makes a plan once per serializer class instead, from a serializer made
without context, and renders every row by it:

- a concrete model column shown by a field whose representation of that value's exact type
  is the value itself (text, whole number, yes/no, a choice, a related id) is read with one
  ``getattr``;
- a many-to-many field shows the rows ``prefetch_related`` left on the instance, without
  making the relation's manager to hand them over: a list loaded by
  ``Prefetch(name, to_attr=PREFETCHED + name)`` where there is one (Django's own prefetch
  builds a filtered queryset per row to hold the rows), else Django's prefetch cache;
- every other field (dates, decimals, properties) is read and shown by the plan's own field,
  as DRF would, with its ``get_attribute`` and ``to_representation``;
- a value of any other type (a choice's enum member, an int in a text column) and any error
  while reading a column take DRF's own step for that field.

The result is the dict DRF's ``Serializer.to_representation`` gives, key for key, in the same
order (core/tests/test_serializers_fast.py compares both field kind by field kind, and
parties/tests/test_party_serializer_fast.py on real parties).

Contract for a serializer that takes the mixin: its readable fields do not depend on the
context, the instance or the request (the plan is made once, without them). A serializer with
a readable field the plan does not know (a method field, a nested serializer, a hyperlink, a
subclass that changes ``to_representation`` or ``get_attribute``) gets no plan and is rendered
by DRF's own ``to_representation``, so the mixin can never change what such a one returns; so
is a serializer whose own ``fields`` were made (after validating input, as for a create's
answer), from those. Input, validation and the OpenAPI schema read ``fields`` as before: the
mixin touches none of them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.signals import setting_changed
from django.db.models import Model
from rest_framework import fields as drf
from rest_framework import relations
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

# How a step shows the value it read. RAW: the value itself. TEXT, WHOLE, YES_NO: the value
# itself when its type is exactly str, int or bool (what the field's own method gives back for
# such a value), else DRF's step. CHOICE: the choice's key for a str, as ChoiceField looks it
# up. OWN: the plan's field shows the column's value. MANY: a many-to-many field shows the
# rows ``prefetch_related`` holds (what the relation's manager's ``all()`` answers with),
# without making the manager. FIELD: DRF's step, reading included.
RAW, TEXT, WHOLE, YES_NO, CHOICE, OWN, MANY, FIELD = range(8)
# The attribute prefix of a many-to-many field's rows loaded as a list (``Prefetch(to_attr=)``).
PREFETCHED = "prefetched_"
# The exact type a TEXT, WHOLE or YES_NO step shows as it is.
EXACT_TYPES: dict[int, type] = {TEXT: str, WHOLE: int, YES_NO: bool}

# DRF 3.16's field for 64-bit ids (the stubs do not know it yet).
BigIntegerField: Any = drf.BigIntegerField  # type: ignore[attr-defined]

# The representations the plan knows to need nothing but the field itself (no request, no
# parent, no context): those of DRF's own classes, not of subclasses that replace them.
_CONTEXT_FREE_REPRESENTATIONS: set[Callable[..., Any]] = {
    cls.to_representation
    for cls in (
        drf.CharField,
        drf.IntegerField,
        BigIntegerField,
        drf.FloatField,
        drf.DecimalField,
        drf.BooleanField,
        drf.ChoiceField,
        drf.ReadOnlyField,
        drf.DateTimeField,
        drf.DateField,
        drf.TimeField,
        drf.UUIDField,
        relations.PrimaryKeyRelatedField,
        relations.SlugRelatedField,
        relations.ManyRelatedField,
    )
}
_CONTEXT_FREE_READS: set[Callable[..., Any]] = {
    drf.Field.get_attribute,
    relations.RelatedField.get_attribute,
    relations.ManyRelatedField.get_attribute,
}


@dataclass(frozen=True)
class Step:
    """One readable field: its output key, the column it reads (or ""), how it is shown."""

    name: str
    attname: str
    kind: int
    field: drf.Field
    choices: dict[str, Any]


@dataclass(frozen=True)
class Plan:
    model: type[Model]
    steps: tuple[Step, ...]


# Plans by serializer class; None: the class is rendered by DRF's own method. Made again after
# a settings change (tests), as DRF's fields read some settings when they are made.
_plans: dict[type, Plan | None] = {}


def _forget_plans(**kwargs: Any) -> None:
    _plans.clear()


setting_changed.connect(_forget_plans, dispatch_uid="verbund.core.serializers_fast")


def _method(field: drf.Field, name: str) -> Any:
    return getattr(type(field), name)


def _context_free(field: drf.Field) -> bool:
    if _method(field, "to_representation") not in _CONTEXT_FREE_REPRESENTATIONS:
        return False
    if _method(field, "get_attribute") not in _CONTEXT_FREE_READS:
        return False
    if isinstance(field, relations.ManyRelatedField):
        return _context_free(field.child_relation)
    return getattr(field, "pk_field", None) is None


def _kind(field: drf.Field) -> int:
    """How the column's value is shown: see RAW ... OWN above."""
    shows = _method(field, "to_representation")
    if shows is drf.CharField.to_representation:
        return TEXT
    if shows is drf.IntegerField.to_representation:
        return WHOLE
    if shows is BigIntegerField.to_representation:
        coerce = getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING)
        return OWN if coerce else WHOLE
    if shows is drf.BooleanField.to_representation:
        return YES_NO
    if shows is drf.ChoiceField.to_representation:
        return CHOICE
    if shows is drf.ReadOnlyField.to_representation:
        return RAW
    return OWN


def _step(field: drf.Field, model: type[Model]) -> Step:
    # A bound field has both, as text.
    name, source = str(field.field_name), str(field.source)
    columns = {f.name: f for f in model._meta.concrete_fields}
    single = field.source_attrs == [source]
    if (
        single
        and isinstance(field, relations.ManyRelatedField)
        and _method(field, "get_attribute") is relations.ManyRelatedField.get_attribute
    ):
        related = {f.name: f for f in model._meta.many_to_many}.get(source)
        if related is not None:
            # A forward many-to-many's manager finds the prefetched rows under its name.
            return Step(name, related.name, MANY, field, {})
    column = columns.get(source) if single else None
    if column is None:
        return Step(name, "", FIELD, field, {})
    if column.is_relation:
        # DRF reads a related id without loading the row (``use_pk_only_optimization``):
        # ``serializable_value`` gives the column's value, shown as it is.
        if (
            isinstance(field, relations.PrimaryKeyRelatedField)
            and _method(field, "get_attribute") is relations.RelatedField.get_attribute
            and field.use_pk_only_optimization()
        ):
            return Step(name, column.attname, RAW, field, {})
        return Step(name, "", FIELD, field, {})
    if _method(field, "get_attribute") is not drf.Field.get_attribute:
        return Step(name, "", FIELD, field, {})
    choices = getattr(field, "choice_strings_to_values", {})
    return Step(name, column.attname, _kind(field), field, choices)


def plan_for(serializer_class: Any) -> Plan | None:
    """The class's plan, made on first use; None when a readable field is not context free."""
    try:
        return _plans[serializer_class]
    except KeyError:
        pass
    model = serializer_class.Meta.model
    readable = [f for f in serializer_class().fields.values() if not f.write_only]
    plan = None
    if all(_context_free(f) for f in readable):
        plan = Plan(model, tuple(_step(f, model) for f in readable))
    _plans[serializer_class] = plan
    return plan


def _drf_step(step: Step, instance: Any, ret: dict[str, Any]) -> None:
    """DRF's own loop body for one field (``Serializer.to_representation``)."""
    field = step.field
    try:
        attribute = field.get_attribute(instance)
    except SkipField:
        return
    check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
    ret[step.name] = None if check_for_none is None else field.to_representation(attribute)


def represent(plan: Plan, instance: Any) -> dict[str, Any]:
    """``instance`` as DRF's ``to_representation`` shows it, by ``plan``."""
    ret: dict[str, Any] = {}
    for step in plan.steps:
        kind = step.kind
        if kind == FIELD:
            _drf_step(step, instance, ret)
            continue
        if kind == MANY:
            rows = getattr(instance, PREFETCHED + step.attname, None)
            if rows is None:
                cache = getattr(instance, "_prefetched_objects_cache", None)
                rows = cache.get(step.attname) if cache else None
            if rows is None or instance.pk is None:
                _drf_step(step, instance, ret)
            else:
                ret[step.name] = step.field.to_representation(rows)
            continue
        try:
            value = getattr(instance, step.attname)
        except Exception:
            # A deferred column of a deleted row and the like: DRF's step raises or answers
            # as it would have.
            _drf_step(step, instance, ret)
            continue
        if value is None:
            ret[step.name] = None
        elif kind in EXACT_TYPES:
            if value.__class__ is EXACT_TYPES[kind]:
                ret[step.name] = value
            else:
                _drf_step(step, instance, ret)
        elif kind == RAW:
            if callable(value):
                _drf_step(step, instance, ret)
            else:
                ret[step.name] = value
        elif kind == CHOICE:
            if value.__class__ is str:
                ret[step.name] = step.choices.get(value, value)
            else:
                _drf_step(step, instance, ret)
        elif callable(value):
            # DRF calls a callable attribute before showing it.
            _drf_step(step, instance, ret)
        else:
            ret[step.name] = step.field.to_representation(value)
    return ret


# Renders a model serializer's rows by a plan made once per class (see the module's text for
# the contract). A serializer whose own fields were made (it validated input, or a caller
# changed them) and anything but a row of its model are rendered by DRF, from those fields.
# A comment, not a docstring: drf-spectacular would show a docstring as the description of
# every serializer that takes the mixin. Goes before ModelSerializer in the bases.
class FastReadMixin:
    def to_representation(self, instance: Any) -> Any:
        plan = plan_for(type(self))
        if plan is None or "fields" in self.__dict__ or not isinstance(instance, plan.model):
            return super().to_representation(instance)  # type: ignore[misc]
        return represent(plan, instance)
