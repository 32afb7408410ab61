"""The upload form of the import page."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from verbund.interfaces.mapping import PRESETS
from verbund.interfaces.models import ImportKind
from verbund.interfaces.parsers import FORMATS, grouped

# The drop-downs say what a choice is, not its key.
FORMAT_LABELS = {
    "csv": _("CSV text file"),
    "xlsx": _("Excel workbook (XLSX)"),
    "jsonl": _("JSON Lines"),
    "gleif-rr": _("GLEIF relationships (RR)"),
    # Not a file format one uploads: a batch the ERP sent through the API.
    "api": _("API batch (JSON)"),
}
MAPPING_LABELS = {
    "generic": _("Generic (columns as fields)"),
    "sap": _("SAP customer master (KNA1/KNVP)"),
}


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What"), choices=ImportKind.choices)
    file = forms.FileField(label=_("File"))
    source = forms.SlugField(
        label=_("Source system"),
        max_length=32,
        initial="erp",
        help_text=_("The ERP's name; records are keyed by source and external id."),
        widget=forms.TextInput(attrs={"list": "import-sources"}),
    )
    mapping = forms.ChoiceField(
        label=_("Column mapping"),
        choices=[(p, MAPPING_LABELS.get(p, p)) for p in PRESETS],
        initial="generic",
    )
    mapping_file = forms.FileField(label=_("Own mapping (TOML)"), required=False)
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[
            ("", _("Detect from the file name")),
            *[(f, FORMAT_LABELS.get(f, f)) for f in FORMATS],
        ],
        required=False,
    )
    dry_run = forms.BooleanField(
        label=_("Dry run first (show what would change)"), required=False, initial=True
    )
    full = forms.BooleanField(
        label=_("Full sync: archive what the file no longer contains"), required=False
    )
    skip_invalid = forms.BooleanField(
        label=_("Skip invalid rows (default: all or nothing)"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The history's filters on the same page use the same names (kind, source, status).
        kwargs.setdefault("auto_id", "upload_%s")
        super().__init__(*args, **kwargs)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.VERBUND_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file has %(size)s bytes, more than the limit of %(limit)s bytes.")
                % {"size": grouped(upload.size), "limit": grouped(limit)}
            )
        return upload

    def clean_mapping_file(self) -> Any:
        upload = self.cleaned_data.get("mapping_file")
        if upload and upload.size > 256 * 1024:
            raise forms.ValidationError(_("A mapping file is small; this one is too big."))
        return upload
