"""Catalog import from CSV: each row creates or updates the product of its SKU, or is
refused with its line number and the reason. Rows that pass are saved together; a
refused row changes nothing."""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from switchboard.catalog.models import Category, Product, Unit, normalize_sku

COLUMNS = [
    "sku",
    "name_en",
    "name_bn",
    "category",
    "description_en",
    "description_bn",
    "unit",
    "price",
    "stock",
    "active",
]
REQUIRED = {"sku", "name_en", "price"}
TRUE = {"1", "yes", "true", "y", "on", "হ্যাঁ"}
FALSE = {"0", "no", "false", "n", "off", "না"}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(upload) -> str:
    raw = upload.read() if hasattr(upload, "read") else upload
    if isinstance(raw, str):
        return raw
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def _row(values: dict, categories: dict) -> tuple[dict, list[str]]:
    problems, row = [], {}
    row["sku"] = normalize_sku(values.get("sku", ""))
    if not row["sku"]:
        problems.append(_("the SKU is empty"))
    elif len(row["sku"]) > 40:
        problems.append(_("the SKU is longer than 40 characters"))
    for name in ("name_en", "name_bn"):
        row[name] = (values.get(name) or "").strip()
        if len(row[name]) > 200:
            problems.append(_("%(column)s is longer than 200 characters") % {"column": name})
    if not row["name_en"]:
        problems.append(_("name_en is empty"))
    row["description_en"] = (values.get("description_en") or "").strip()
    row["description_bn"] = (values.get("description_bn") or "").strip()
    code = (values.get("category") or "").strip()
    row["category"] = None
    if code:
        row["category"] = categories.get(code.lower())
        if row["category"] is None:
            problems.append(_("unknown category “%(code)s”") % {"code": code})
    unit = (values.get("unit") or "").strip().lower() or Unit.PIECE
    if unit not in Unit.values:
        problems.append(
            _("unknown unit “%(unit)s” (use one of: %(units)s)")
            % {"unit": unit, "units": ", ".join(Unit.values)}
        )
    row["unit"] = unit
    price = (values.get("price") or "").strip().replace(",", "")
    try:
        row["price"] = Decimal(price)
        if not row["price"].is_finite() or row["price"] < 0:
            raise InvalidOperation
        if row["price"] != row["price"].quantize(Decimal("0.01")) or row["price"] >= 10**10:
            raise InvalidOperation
    except InvalidOperation:
        problems.append(_("the price “%(price)s” is not an amount like 1250.50") % {"price": price})
    stock = (values.get("stock") or "").strip()
    row["stock"] = None
    if stock:
        if stock.isdigit() and int(stock) < 2**31:
            row["stock"] = int(stock)
        else:
            problems.append(_("the stock “%(stock)s” is not a whole number ≥ 0") % {"stock": stock})
    active = (values.get("active") or "").strip().lower()
    row["active"] = True
    if active in FALSE:
        row["active"] = False
    elif active and active not in TRUE:
        problems.append(_("active must be yes or no, not “%(value)s”") % {"value": active})
    return row, problems


def import_catalog_csv(upload, *, dry_run: bool = False) -> ImportResult:
    """Import the file (bytes, text or an uploaded file). Line numbers count the header as 1."""
    result = ImportResult(dry_run=dry_run)
    reader = csv.DictReader(io.StringIO(_text(upload)))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = REQUIRED - set(headers)
    if missing:
        result.errors.append(
            (1, _("missing columns: %(columns)s") % {"columns": ", ".join(sorted(missing))})
        )
        return result
    reader.fieldnames = headers
    categories = {c.code.lower(): c for c in Category.objects.all()}
    rows, seen = [], {}
    for values in reader:
        line = reader.line_num
        row, problems = _row(values, categories)
        if row["sku"] in seen:
            problems.append(_("the SKU is also on line %(line)d") % {"line": seen[row["sku"]]})
        if problems:
            result.errors.append((line, "; ".join(problems)))
            continue
        seen[row["sku"]] = line
        rows.append(row)
    with transaction.atomic():
        existing = {p.sku: p for p in Product.objects.filter(sku__in=[r["sku"] for r in rows])}
        for row in rows:
            product = existing.get(row["sku"]) or Product(sku=row["sku"])
            is_new = product.pk is None
            for name, value in row.items():
                setattr(product, name, value)
            if not dry_run:
                product.save()
            result.created += is_new
            result.updated += not is_new
    return result
