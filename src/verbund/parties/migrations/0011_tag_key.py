"""One tag per name in any spelling, kept by the database (decision 0067): ``Tag.key``, the name
folded, unique.

A database may hold spellings of one name as separate tags ("Messe" and "messe", stored before
the actions matched names whatever their case, or by two requests at the same moment). They are
merged first, as renaming one into the other on the tags page merges them
(``parties.actions.do_rename_tag``): the spelling most parties hold is kept (the oldest of
equals), every party holding another one holds it instead with a history record of its tags
before and after, the merge itself is recorded on the kept tag, and the others are deleted. No
party loses a tag.

Written out here with the historical models rather than calling the action, so that later
changes there cannot change what this migration does (as revenue's 0002). Saved selections
filtering by a merged spelling still find the kept tag: the list's tag filter reads a name in
any spelling (``parties.filters.TagChoiceField``).
"""

from collections import Counter, defaultdict
from typing import Any

from django.conf import settings
from django.db import migrations, models
from django.utils import translation
from django.utils.translation import gettext

STEP = 5000  # parties per statement (SQLite's limit of variables)


def fold(name: str) -> str:
    # parties.models.tag_key as of this migration.
    return " ".join(name.split()).casefold()


def merge_spellings(apps: Any, schema_editor: Any) -> None:
    db = schema_editor.connection.alias
    Tag = apps.get_model("parties", "Tag")
    Party = apps.get_model("parties", "Party")
    AuditRecord = apps.get_model("core", "AuditRecord")
    Link = Party.tags.through
    spellings: dict[str, list[Any]] = defaultdict(list)
    for tag in Tag.objects.using(db).order_by("pk"):
        spellings[fold(tag.name)].append(tag)
    kept = []
    for key, tags in spellings.items():
        keep = tags[0]
        if len(tags) > 1:
            held = Counter(
                Link.objects.using(db).filter(tag__in=tags).values_list("tag_id", flat=True)
            )
            keep = max(tags, key=lambda t: (held[t.pk], -t.pk))
            for tag in tags:
                if tag.pk != keep.pk:
                    merge(tag, keep, db=db, Link=Link, AuditRecord=AuditRecord)
        keep.key = key
        kept.append(keep)
    Tag.objects.using(db).bulk_update(kept, ["key"], batch_size=500)
    if schema_editor.connection.vendor == "postgresql":
        # The moved links' deferred foreign-key checks run now: PostgreSQL refuses the
        # constraint below on a table with pending trigger events in the same transaction.
        with schema_editor.connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("SET CONSTRAINTS ALL DEFERRED")


def merge(old: Any, new: Any, *, db: str, Link: Any, AuditRecord: Any) -> None:
    """``old`` merged into ``new`` as ``do_rename_tag`` merges two tags."""
    with translation.override(settings.LANGUAGE_CODE):
        note = gettext("Tag “%(old)s” merged into “%(new)s”.") % {"old": old.name, "new": new.name}
    links = Link.objects.using(db)
    held_by = list(links.filter(tag=old).values_list("party_id", "party__merged_into"))
    holders = [pk for pk, _survivor in held_by]
    for start in range(0, len(holders), STEP):
        step = holders[start : start + STEP]
        names: dict[int, list[str]] = {pk: [] for pk in step}
        for pk, name in links.filter(party_id__in=step).values_list("party_id", "tag__name"):
            names[pk].append(name)
        have = set(links.filter(party_id__in=step, tag=new).values_list("party_id", flat=True))
        links.bulk_create([Link(party_id=pk, tag_id=new.pk) for pk in step if pk not in have])
        AuditRecord.objects.using(db).bulk_create(
            [
                AuditRecord(
                    actor=None, action="party.update", object_type="parties.tag",
                    object_id=str(new.pk), object_repr="", party_id=pk, note=note,
                    before={"tags": sorted(held)},
                    after={"tags": sorted({n for n in held if n != old.name} | {new.name})},
                )  # fmt: skip
                for pk, held in names.items()
            ]
        )
    links.filter(tag=old).delete()
    moved = sum(1 for _pk, survivor in held_by if survivor is None)
    AuditRecord.objects.using(db).create(
        actor=None, action="tag.merge", object_type="parties.tag", object_id=str(new.pk),
        object_repr=new.name[:300], before={"name": old.name, "parties": moved},
        after={"name": new.name}, note=note,
    )  # fmt: skip
    old.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("parties", "0010_archived_updated_index"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="tag",
            name="key",
            field=models.CharField(default="", editable=False, max_length=192, verbose_name="key"),
            preserve_default=False,
        ),
        migrations.RunPython(merge_spellings, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="tag",
            constraint=models.UniqueConstraint(fields=("key",), name="tag_key_unique"),
        ),
    ]
