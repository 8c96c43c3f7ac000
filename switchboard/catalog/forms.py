from django import forms
from django.utils.translation import gettext_lazy as _

from switchboard.catalog.models import Category


class ProductSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or SKU"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "placeholder": _("e.g. saree, শাড়ি, SAR-001"),
            }
        ),
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False, empty_label=_("Any")
    )
    include_inactive = forms.BooleanField(label=_("Include products not on sale"), required=False)


class CatalogImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: sku, name_en, name_bn, category, description_en, description_bn, unit, "
            "price, stock, active. Rows with a known SKU update that product."
        ),
    )
    dry_run = forms.BooleanField(label=_("Check only, do not save"), required=False)
