"""The VAT id is screened from now on: the stored lookup tokens of parties that have one lack
it. Their keys go, so the next token sync (``list_updates.do_sync_party_tokens``) derives them
again, VAT id included; parties without a VAT id keep theirs."""

from django.db import migrations


def forget_keys_of_parties_with_a_vat_id(apps, schema_editor):
    key = apps.get_model("compliance", "PartyScreeningKey")
    party = apps.get_model("parties", "Party")
    key.objects.filter(party_id__in=party.objects.exclude(vat_id="").values("id")).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0006_party_tokens"),
        ("parties", "0006_city_case_insensitive_index"),
    ]

    operations = [
        migrations.RunPython(forget_keys_of_parties_with_a_vat_id, migrations.RunPython.noop),
    ]
