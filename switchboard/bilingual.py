"""Company data named in both languages (queues, dispositions, menus ...)."""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class BilingualName(models.Model):
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_bn = models.CharField(_("name (Bengali)"), max_length=100, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        if translation.get_language() == "bn" and self.name_bn:
            return self.name_bn
        return self.name_en

    def __str__(self) -> str:
        return self.name
