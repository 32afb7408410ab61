"""Every write to one party: create, update, archive. Atomic, audited, signalled.

Views, API and CLI call these functions and nothing else to change a party. The rules they
enforce live in ``parties.rules`` (and the derived columns in ``parties.derive``), where the
bulk paths -- ERP import, sync API, demo data, which write through ``parties.bulk`` -- call
them too.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from verbund.core import audit, numbers
from verbund.core.bulk import BulkLoad, Rows, chunks, update_by_id
from verbund.core.errors import refuse
from verbund.core.serializers import UNKNOWN_FIELD
from verbund.parties import rules
from verbund.parties.derive import derive_search_columns, person_name
from verbund.parties.models import Party, PartyKind, Tag
from verbund.parties.signals import party_saved, tag_renamed

NUMBER_SEQUENCE = "party"
EDITABLE_FIELDS = [
    "kind", "number", "name", "name2", "name3", "legal_form", "salutation", "title", "first_name",
    "last_name", "position", "organisation", "organisation_id", "birth_date", "street", "postcode", "city",
    "country", "vat_id", "lei", "register_number", "phone", "email", "website", "status",
    "responsible", "responsible_id", "erp_source", "erp_id",
]  # fmt: skip


def derive_fields(party: Party) -> None:
    """Fill the derived search columns (and a person's display name) from the party's data,
    as every bulk path does (``parties.derive``), and bring codes to their stored form."""
    if party.kind == PartyKind.PERSON and party.last_name:
        # A person's name line follows the first and last name, also after a rename.
        party.name = person_name(party.first_name, party.last_name)
    party.country = rules.normal_country(party.country or "")
    party.postcode = rules.normal_postcode(party.country, party.postcode or "")
    party.vat_id = rules.normal_vat_id(party.vat_id or "")
    party.lei = rules.normal_lei(party.lei or "")
    # An empty ERP key is no key: stored as NULL so the partial unique constraint ignores it.
    party.erp_source = (party.erp_source or "").strip() or None
    party.erp_id = (party.erp_id or "").strip() or None
    party.sole_trader = rules.is_sole_trader(party.kind, party.legal_form or "")
    party.search_text, party.phonetic = derive_search_columns(
        party.name or "",
        party.name2 or "",
        party.number or "",
        party.city or "",
        party.postcode or "",
        party.vat_id,
    )


def validate_party(party: Party) -> None:
    """Raise ValidationError naming each bad field: the rules of ``parties.rules`` first, then
    what the model's fields check and no rule covers (required fields, dates, choices). A
    number or ERP key another party holds is a ``Conflict`` when nothing else is wrong
    (``core.errors.refuse``)."""
    errors: dict[str, list[str]] = {}
    # A number or ERP key another party holds: stored data refuses it (a 409 in the API).
    conflicts: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    def clash(field: str, message: str) -> None:
        conflicts.setdefault(field, []).append(message)

    for field, check in rules.FIELD_ERRORS.items():
        message = check(getattr(party, field) or "")
        if message:
            add(field, message)
    for field, limit in rules.CHAR_LIMITS.items():
        message = rules.length_error(str(getattr(party, field) or ""), limit)
        # One message per field: "ZZZ is no country code" already says what "too long" would.
        if message and field not in errors:
            add(field, message)
    named = rules.name_error(party.kind, party.name, party.last_name)
    if named:
        add(*named)
    if party.kind == PartyKind.PERSON:
        if (
            party.organisation_id
            and party.organisation
            and party.organisation.kind != PartyKind.ORGANISATION
        ):
            add("organisation", _("A person's organisation must be an organisation."))
    elif party.organisation_id:
        add("organisation", _("Only persons belong to an organisation."))
    if bool(party.erp_source) != bool(party.erp_id):
        add("erp_id", _("An ERP key needs both the source and the external id."))
    if party.erp_source and party.erp_id:
        held_by_another = Party.objects.filter(
            erp_source=party.erp_source, erp_id=party.erp_id
        ).exclude(pk=party.pk)
        if held_by_another.exists():
            clash(
                "erp_id",
                _("ERP key %(key)s is already used by another party.")
                % {"key": f"{party.erp_source}:{party.erp_id}"},
            )
    if party.number and Party.objects.filter(number=party.number).exclude(pk=party.pk).exists():
        clash("number", _("Number %(number)s is already taken.") % {"number": party.number})
    try:
        party.full_clean(
            exclude=["number", "tags", "organisation", "responsible", "merged_into"],
            validate_unique=False,
            # The key's unique constraint would repeat the erp_id refusal above as a message
            # on no field.
            validate_constraints="erp_id" not in conflicts,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            # A field a rule has spoken for keeps that one message (one message per rule); a
            # person's name is derived from the last name, so the name rule speaks for both.
            if field in errors or field in conflicts or (named and field in ("name", "last_name")):
                continue
            for m in messages:
                add(field, m)
    refuse(errors, conflicts)


def _assign_number(party: Party) -> None:
    if party.number:
        if party.number.isdigit():
            numbers.bump_past(NUMBER_SEQUENCE, int(party.number))
        return
    party.number = str(numbers.reserve(NUMBER_SEQUENCE))


def _tag_name(raw: str, field: str) -> str:
    """``raw`` in a tag's normal form, or a ValidationError on ``field`` naming it."""
    name = rules.normal_tag(raw)
    problem = rules.tag_error(name)
    if problem:
        named = _("“%(tag)s”: %(problem)s") % {"tag": name[:80], "problem": problem}
        raise ValidationError({field: named if name else problem})
    return name


def tags_named(names: Iterable[str], *, actor: Any = None, field: str = "tag_names") -> list[Tag]:
    """The tags of these names, the missing ones created: a name in its normal form
    (``rules.normal_tag``), found whatever its case ("a-kunde" is the tag "A-Kunde",
    ``rules.tag_key``); blank names are skipped. A bad name raises a ValidationError on
    ``field`` naming it (``rules.tag_error``). Part of the caller's write; a tag created is
    recorded (``tag.create``, by ``actor``)."""
    wanted: dict[str, str] = {}
    for raw in names:
        if rules.normal_tag(raw):
            name = _tag_name(raw, field)
            wanted.setdefault(rules.tag_key(name), name)
    if not wanted:
        return []
    found = {t.key: t for t in Tag.objects.filter(key__in=wanted)}
    for key, name in wanted.items():
        if key not in found:
            found[key], _created = _new_tag(name, actor=actor)
    return [found[key] for key in wanted]


def _new_tag(name: str, *, actor: Any) -> tuple[Tag, bool]:
    """Create the tag ``name`` (checked, not yet stored in any spelling), recorded; returns it
    and whether it was created here. Another request storing the name in any spelling
    (``Tag.key``) between the caller's look-up and this insert is not an error: that tag is
    used (the unique key refuses the second insert; the winner is read back)."""
    try:
        with transaction.atomic():
            tag = Tag.objects.create(name=name)
    except IntegrityError:
        winner = rules.tag_alike(name)
        if winner is None:
            raise
        return winner, False
    audit.record(actor=actor, action="tag.create", obj=tag, after={"name": name})
    return tag, True


def _set_tags(party: Party, tags: Iterable[str | Tag], *, actor: Any) -> None:
    given = list(tags)
    objs = [tag for tag in given if isinstance(tag, Tag)]
    objs += tags_named((tag for tag in given if not isinstance(tag, Tag)), actor=actor)
    party.tags.set(objs)


@transaction.atomic
def do_create_party(*, actor: Any, tags: Iterable[str | Tag] = (), **data: Any) -> Party:
    """Create a party from field values; the number is generated when not given."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({f: UNKNOWN_FIELD for f in sorted(unknown)})
    party = Party(**data)
    derive_fields(party)
    validate_party(party)
    generated = not party.number
    _assign_number(party)
    if generated:
        # The generated number belongs in the search text, as on every bulk path.
        derive_fields(party)
    party.save()
    if tags:
        _set_tags(party, tags, actor=actor)
    audit.record(
        actor=actor,
        action="party.create",
        obj=party,
        after=audit.snapshot(party),
        party_id=party.pk,
    )
    party_saved.send(sender=Party, party=party, created=True, changed_fields=set(data), actor=actor)
    return party


@transaction.atomic
def do_update_party(
    party: Party, *, actor: Any, tags: Iterable[str | Tag] | None = None, **changes: Any
) -> Party:
    """Change some fields of a party; unchanged values are not audited."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({f: UNKNOWN_FIELD for f in sorted(unknown)})
    party = Party.objects.select_for_update().get(pk=party.pk)
    if party.merged_into_id:
        raise ValidationError(_("This party was merged into another and can no longer be changed."))
    before = audit.snapshot(party)
    old_tags = sorted(party.tags.values_list("name", flat=True))
    for field, value in changes.items():
        setattr(party, field, value)
    derive_fields(party)
    validate_party(party)
    if not party.number:
        _assign_number(party)
    elif party.number.isdigit() and party.number != before["number"]:
        numbers.bump_past(NUMBER_SEQUENCE, int(party.number))
    after = audit.snapshot(party)
    changed = {
        k
        for k in after
        if after[k] != before[k] and k not in ("updated_at", "search_text", "phonetic")
    }
    if tags is not None:
        _set_tags(party, tags, actor=actor)
        new_tags = sorted(party.tags.values_list("name", flat=True))
        if new_tags != old_tags:
            before["tags"], after["tags"] = old_tags, new_tags
            changed.add("tags")
    if not changed:
        return party
    party.save()
    after = {**audit.snapshot(party), **({"tags": after["tags"]} if "tags" in after else {})}
    audit.record(
        actor=actor, action="party.update", obj=party, before=before, after=after, party_id=party.pk
    )
    party_saved.send(sender=Party, party=party, created=False, changed_fields=changed, actor=actor)
    return party


@transaction.atomic
def do_archive_party(party: Party, *, actor: Any, archived: bool = True, note: str = "") -> Party:
    """Archive (or restore) a party. Archived parties keep their history and relationships."""
    party = Party.objects.select_for_update().get(pk=party.pk)
    if party.archived == archived:
        return party
    party.archived = archived
    party.save(update_fields=["archived", "updated_at"])
    audit.record(
        actor=actor,
        action="party.archive" if archived else "party.restore",
        obj=party,
        before={"archived": not archived},
        after={"archived": archived},
        party_id=party.pk,
        note=note,
    )
    return party


@transaction.atomic
def do_mark_merged(party: Party, survivor: Party, *, actor: Any, note: str = "") -> Party:
    """Make ``party`` a redirect to ``survivor`` (the last step of a merge).

    The merged record stays, archived, with its number and ERP key, so lookups by either
    (``resolve_party``, the next ERP import) land on the survivor. The caller moves the rows
    first; this only writes the redirect, as one audited change.
    """
    locked = {
        p.pk: p
        for p in Party.objects.select_for_update()
        .filter(pk__in=[party.pk, survivor.pk])
        .order_by("pk")
    }
    if party.pk == survivor.pk or len(locked) != 2:
        raise ValidationError(_("A party cannot be merged into itself."))
    party, survivor = locked[party.pk], locked[survivor.pk]
    if party.merged_into_id or survivor.merged_into_id:
        raise ValidationError(_("One of the parties was already merged."))
    if party.kind != survivor.kind:
        raise ValidationError(_("An organisation and a person cannot be merged."))
    before = {"merged_into": None, "archived": party.archived}
    party.merged_into = survivor
    party.archived = True
    party.save(update_fields=["merged_into", "archived", "updated_at"])
    audit.record(
        actor=actor,
        action="party.merge",
        obj=party,
        before=before,
        after={"merged_into": survivor.pk, "archived": True},
        party_id=party.pk,
        note=note or _("Merged into %(number)s") % {"number": survivor.number},
    )
    return party


@transaction.atomic
def do_unmark_merged(party: Party, *, actor: Any, archived: bool = False, note: str = "") -> Party:
    """Undo ``do_mark_merged``: the record stands on its own again, ``archived`` as it was."""
    party = Party.objects.select_for_update().get(pk=party.pk)
    if not party.merged_into_id:
        raise ValidationError(_("This party was not merged."))
    before = {"merged_into": party.merged_into_id, "archived": party.archived}
    party.merged_into = None
    party.archived = archived
    party.save(update_fields=["merged_into", "archived", "updated_at"])
    audit.record(
        actor=actor,
        action="party.unmerge",
        obj=party,
        before=before,
        after={"merged_into": None, "archived": archived},
        party_id=party.pk,
        note=note,
    )
    return party


# Parties changed, and progress told, per step of ``do_normalise_postcodes``.
POSTCODE_STEP = 1000


@transaction.atomic
def do_normalise_postcodes(
    *, actor: Any, progress: Callable[[int, int], None] | None = None
) -> int:
    """Give every stored postcode the form ``rules.normal_postcode`` gives it (decision 0059):
    the German ones of four digits stored before the rule get their leading zero, on live
    parties, archived ones included (``rules.postcode_candidates``). Returns how many changed:
    0 on a second run.

    All or nothing, in one transaction, and for thousands of parties a bulk write
    (``core.bulk.update_by_id``; the postcode and the search text it is part of) with one
    audit record ``party.update`` per party, the postcode before and after, as the ERP import
    records its changes. ``progress(done, total)`` after each ``POSTCODE_STEP`` parties.

    ``updated_at`` stays: it is data protection's retention clock (a change postpones the
    erasure of an archived or inactive person, ``privacy.selectors.retention_due``), and
    restoring a lost zero is no contact with anyone. No ``party_saved``: screening reads no
    postcode (``compliance.screening.SCREENED_FIELDS``)."""
    rows = [
        row
        for row in rules.postcode_candidates()
        .select_for_update()
        .values_list("pk", "country", "postcode", "name", "name2", "number", "city", "vat_id")
        if rules.normal_postcode(row[1], row[2]) != row[2]
    ]
    load = BulkLoad()
    note = _("Leading zero of the postcode restored.")
    done = 0
    for step in chunks(rows, POSTCODE_STEP):
        params, changes = [], []
        for pk, country, postcode, name, name2, number, city, vat_id in step:
            normal = rules.normal_postcode(country, postcode)
            search_text, _phonetic = derive_search_columns(
                name or "", name2 or "", number or "", city or "", normal, vat_id or ""
            )
            params.append((normal, search_text, pk))
            changes.append((pk, {"postcode": postcode}, {"postcode": normal}))
        update_by_id(Party._meta.db_table, ("postcode", "search_text"), params)
        audit.record_many(
            load, actor=actor, action="party.update", object_type=Party._meta.label_lower,
            note=note, changes=changes,
        )  # fmt: skip
        done += len(step)
        if progress is not None:
            progress(done, len(rows))
    return done


def resolve_party(reference: str) -> Party:
    """Find a party by id, number or ERP key ``SOURCE:EXTERNAL_ID``; merged records redirect.

    Raises Party.DoesNotExist naming the reference.
    """
    ref = reference.strip()
    party: Party | None = None
    if ":" in ref:
        source, _sep, external = ref.partition(":")
        party = Party.objects.filter(erp_source=source, erp_id=external).first()
    if party is None:
        party = Party.objects.filter(number=ref).first()
    # Ids are 64-bit; longer digit strings can only be numbers.
    if party is None and ref.isdigit() and len(ref) <= 18:
        party = Party.objects.filter(pk=int(ref)).first()
    if party is None:
        raise Party.DoesNotExist(
            _("No party with id, number or ERP key %(ref)s.") % {"ref": reference}
        )
    seen = {party.pk}
    while party.merged_into_id:
        party = Party.objects.get(pk=party.merged_into_id)
        if party.pk in seen:  # pragma: no cover - merges never form loops
            break
        seen.add(party.pk)
    return party


# Parties read and written per step of ``do_change_many`` and of a tag's merge or deletion.
CHANGE_STEP = 1000
# ``do_change_many``'s default for ``responsible``: leave it as it is (None means nobody).
KEEP = object()


def tag_names_of(tags: Iterable[str | Tag]) -> list[str]:
    """The names of tags given as tags or as names (a change's ``add_tags``/``remove_tags``)."""
    return [t.name if isinstance(t, Tag) else str(t) for t in tags]


def check_change_many(
    responsible: Any, add_tags: Iterable[str | Tag], remove_tags: Iterable[str | Tag]
) -> None:
    """What ``do_change_many`` refuses before it reads a party, also checked when a background
    run is started (decision 0066), so that it is refused there and then: nothing to change,
    a new tag's bad name (on ``tag_names``), a tag both added and removed (any spelling)."""
    adding, removing = tag_names_of(add_tags), tag_names_of(remove_tags)
    nothing = rules.nothing_to_change_error(responsible is KEEP, adding, removing)
    if nothing:
        raise ValidationError(nothing)
    names = [_tag_name(name, "tag_names") for name in adding if rules.normal_tag(name)]
    if {rules.tag_key(n) for n in names} & {rules.tag_key(n) for n in removing}:
        raise ValidationError({"remove_tags": _("A tag cannot be added and removed at once.")})


@transaction.atomic
def do_change_many(
    parties: Any,
    *,
    actor: Any,
    responsible: Any = KEEP,
    add_tags: Iterable[str | Tag] = (),
    remove_tags: Iterable[Tag] = (),
    note: str = "",
    source: Any = None,
    background: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Set the responsible user (a user, or None for nobody) and add and remove tags on every
    party of ``parties`` (a queryset; merged records are left out: they are redirects). Returns
    how many parties changed; a party that already is as asked writes nothing.

    All or nothing, in one transaction with the parties' rows locked; a bulk write with one
    audit record ``party.update`` per changed party, the changed fields before and after (as
    the form's change records them: ``responsible_id``, ``tags``), ``note`` and ``source``
    (the object that did it, e.g. the selection, which the history links). New tag names go
    through ``tags_named`` (the one rule of a tag's name). A tag both added and removed is
    refused.

    ``updated_at`` stays, as for the postcode fix: it is data protection's retention clock,
    and assigning a sales rep or a label to thousands of parties is no contact with any of
    them. No ``party_saved``: screening reads neither field
    (``compliance.screening.SCREENED_FIELDS``). More than ``rules.CHANGE_MANY_LIMIT`` parties
    are refused before any is locked (decision 0065); ``background`` (a selection's change
    run, decision 0066) allows up to ``rules.CHANGE_MANY_BACKGROUND_LIMIT``.
    ``progress(done, total)`` after each CHANGE_STEP parties (still inside the transaction:
    whoever shows it keeps it outside the database)."""
    given = list(add_tags)
    removing = list(remove_tags)
    check_change_many(responsible, given, removing)
    adding = [t for t in given if isinstance(t, Tag)]
    adding += tags_named((t for t in given if not isinstance(t, Tag)), actor=actor)
    new_responsible = None if responsible is KEEP or responsible is None else responsible.pk
    live = parties.filter(merged_into__isnull=True)
    too_many = rules.change_many_error(live.order_by().count(), background=background)
    if too_many:
        raise ValidationError(too_many)
    # The parties' rows only (a filter's joined rows, e.g. tag links, stay free).
    rows = list(
        live.order_by("pk").select_for_update(of=("self",)).values_list("pk", "responsible_id")
    )
    through = Party.tags.through
    load = BulkLoad()
    add_ids = {t.pk for t in adding}
    remove_ids = {t.pk for t in removing}
    names = {t.pk: t.name for t in [*adding, *removing]}
    changed = handled = 0
    if progress is not None:
        progress(0, len(rows))
    for step in chunks(rows, CHANGE_STEP):
        ids = [pk for pk, _r in step]
        held: dict[int, set[int]] = {pk: set() for pk in ids}
        if add_ids or remove_ids:
            for pk, tag_id, tag_name in through.objects.filter(party_id__in=ids).values_list(
                "party_id", "tag_id", "tag__name"
            ):
                held[pk].add(tag_id)
                names[tag_id] = tag_name
        changes = []
        for pk, old_responsible in step:
            before: dict[str, Any] = {}
            after: dict[str, Any] = {}
            if responsible is not KEEP and old_responsible != new_responsible:
                before["responsible_id"], after["responsible_id"] = old_responsible, new_responsible
            tags_after = (held[pk] | add_ids) - remove_ids
            if tags_after != held[pk]:
                before["tags"] = sorted(names[t] for t in held[pk])
                after["tags"] = sorted(names[t] for t in tags_after)
            if after:
                changes.append((pk, before, after))
        if responsible is not KEEP:
            moved = [pk for pk, _b, a in changes if "responsible_id" in a]
            Party.objects.filter(pk__in=moved).update(responsible_id=new_responsible)
        if add_ids:
            # Database ids, no table lock: every party edit writes these links too.
            links = [(pk, t) for pk in ids for t in add_ids if t not in held[pk]]
            load.append(Rows(through._meta.db_table, ("party_id", "tag_id"), links))
        if remove_ids:
            through.objects.filter(party_id__in=ids, tag_id__in=remove_ids).delete()
        if changes:
            audit.record_many(
                load, actor=actor, action="party.update", object_type=
                source._meta.label_lower if source is not None else Party._meta.label_lower,
                object_id=source.pk if source is not None else "", note=note, changes=changes,
            )  # fmt: skip
        changed += len(changes)
        handled += len(step)
        if progress is not None:
            progress(handled, len(rows))
    return changed


def _retag(old: Tag, new: Tag | None, *, actor: Any, note: str) -> int:
    """Replace the tag ``old`` on every party holding it by ``new`` (None: take it off), with
    one audit record ``party.update`` per party (its tags before and after, the tag as the
    record's object); returns how many parties held it (merged records, which hold it too,
    not counted, as ``selectors.tags_with_counts``). The caller deletes ``old``."""
    through = Party.tags.through
    held_by = list(through.objects.filter(tag=old).values_list("party_id", "party__merged_into"))
    holders = [pk for pk, _survivor in held_by]
    load = BulkLoad()
    for step in chunks(holders, CHANGE_STEP):
        held: dict[int, list[str]] = {pk: [] for pk in step}
        for pk, name in through.objects.filter(party_id__in=step).values_list(
            "party_id", "tag__name"
        ):
            held[pk].append(name)
        changes = []
        for pk, names in held.items():
            after = {n for n in names if n != old.name} | ({new.name} if new else set())
            changes.append((pk, {"tags": sorted(names)}, {"tags": sorted(after)}))
        if new is not None:
            have = set(
                through.objects.filter(party_id__in=step, tag=new).values_list(
                    "party_id", flat=True
                )
            )
            links = [(pk, new.pk) for pk in step if pk not in have]
            load.append(Rows(through._meta.db_table, ("party_id", "tag_id"), links))
        audit.record_many(
            load, actor=actor, action="party.update", object_type=Tag._meta.label_lower,
            object_id=(new or old).pk, note=note, changes=changes,
        )  # fmt: skip
    through.objects.filter(tag=old).delete()
    return sum(1 for _pk, survivor in held_by if survivor is None)


@transaction.atomic
def do_rename_tag(tag: Tag, name: str, *, actor: Any) -> Tag:
    """Give ``tag`` another name. A name that is another tag's, whatever its case
    (``rules.tag_key``), merges the two: the parties holding ``tag`` hold the other one
    instead, each with a history record, and ``tag`` is deleted; the other tag is returned.
    A bad name raises a ValidationError on ``name`` (``rules.tag_error``)."""
    tag = Tag.objects.select_for_update().get(pk=tag.pk)
    new_name = _tag_name(name, "name")
    other = rules.tag_alike(new_name, exclude=tag.pk)
    if other is None:
        if new_name == tag.name:
            return tag
        before = {"name": tag.name}
        tag.name = new_name
        try:
            with transaction.atomic():
                tag.save(update_fields=["name"])  # "messe" -> "Messe" keeps its key
        except IntegrityError:
            # Another request stored the name in another spelling since the look-up: merge.
            tag.name, tag.key = before["name"], rules.tag_key(before["name"])
            other = rules.tag_alike(new_name, exclude=tag.pk)
            if other is None:
                raise
        else:
            audit.record(actor=actor, action="tag.rename", obj=tag, before=before,
                         after={"name": new_name})  # fmt: skip
            tag_renamed.send(sender=Tag, old=before["name"], new=new_name, actor=actor)
            return tag
    note = _("Tag “%(old)s” merged into “%(new)s”.") % {"old": tag.name, "new": other.name}
    moved = _retag(tag, other, actor=actor, note=note)
    audit.record(actor=actor, action="tag.merge", obj=other, before={"name": tag.name, "parties": moved},
                 after={"name": other.name}, note=note)  # fmt: skip
    tag_renamed.send(sender=Tag, old=tag.name, new=other.name, actor=actor)
    tag.delete()
    return other


@transaction.atomic
def do_delete_tag(tag: Tag, *, actor: Any) -> int:
    """Delete ``tag``: the parties holding it lose it, each with a history record. Returns
    how many parties held it."""
    tag = Tag.objects.select_for_update().get(pk=tag.pk)
    note = _("Tag “%(tag)s” deleted.") % {"tag": tag.name}
    held = _retag(tag, None, actor=actor, note=note)
    audit.record(actor=actor, action="tag.delete", obj=tag, before={"name": tag.name, "parties": held},
                 note=note)  # fmt: skip
    tag.delete()
    return held


@transaction.atomic
def do_create_tag(name: str, *, actor: Any) -> Tag:
    """A new tag, on no party yet; a name another tag has, whatever its case, is refused."""
    new_name = _tag_name(name, "name")
    if rules.tag_alike(new_name):
        raise ValidationError({"name": _("This tag exists already.")})
    tag, created = _new_tag(new_name, actor=actor)
    if not created:
        # Created by another request since the check above.
        raise ValidationError({"name": _("This tag exists already.")})
    return tag
