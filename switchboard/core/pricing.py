"""Promotions applied to an order: pure rules over Decimals, no Django.

A `Rule` is one promotion as the pricer sees it; `quote()` takes the order's lines and
every rule, and returns the price of each line and of the order with what each rule took
off. The catalog turns its Promotion rows into rules; orders store the quote's figures.

How rules combine (the same on a line and on the order):

- A rule counts only inside its window (`starts_at <= now < ends_at`, either end open),
  when the order's gross subtotal reaches its threshold, when its code (if any) was
  given, and when the customer carries one of its segment tags (if any).
- Line rules (scope PRODUCTS or CATEGORIES) compete on each line they cover; order
  rules (scope ORDER) compete on the order after line discounts.
- The competitors are ranked by priority (highest first), then by the discount they
  would give, then by key. The first one is taken. If it does not stack, it is the only
  one; if it stacks, every other stackable competitor is added after it, each on what
  is left, and the non-stackable ones are left out.
- Percentages take their share of what is left of the line (or order); a fixed amount
  is off each unit on a line, or off the order once; N-for-M makes every N-th group of
  units cost M units. Nothing goes below zero.
- An order discount is spread over the lines in proportion to their price, so the
  lines always add up to the order total, to the smallest coin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum

ZERO = Decimal("0")
HUNDRED = Decimal("100")
CENT = Decimal("0.01")


class DiscountKind(StrEnum):
    PERCENT = "percent"
    FIXED = "fixed"
    N_FOR_M = "n_for_m"


class Scope(StrEnum):
    PRODUCTS = "products"
    CATEGORIES = "categories"
    ORDER = "order"


class InvalidRule(ValueError):
    """A rule whose numbers make no sense (a percent over 100, 3-for-5 ...)."""


@dataclass(frozen=True)
class Rule:
    key: str
    kind: DiscountKind
    scope: Scope
    value: Decimal = ZERO  # percent (0-100) or amount, by kind
    buy: int = 0  # N of N-for-M: take this many units ...
    pay: int = 0  # ... M: pay for this many
    products: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    min_subtotal: Decimal | None = None
    code: str = ""
    segments: frozenset[str] = frozenset()
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    priority: int = 0
    stackable: bool = False

    def __post_init__(self):
        check_rule(self)


@dataclass(frozen=True)
class Line:
    key: str  # the product's SKU
    quantity: int
    unit_price: Decimal
    category: str = ""


@dataclass
class PricedLine:
    line: Line
    gross: Decimal
    discount: Decimal = ZERO
    # rule key -> amount it took off this line (order rules included, spread)
    applied: dict[str, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return self.gross - self.discount


@dataclass
class Quote:
    lines: list[PricedLine]
    subtotal: Decimal
    # rule key -> the amount it took off the whole order
    applied: dict[str, Decimal]

    @property
    def discount(self) -> Decimal:
        return sum((p.discount for p in self.lines), ZERO)

    @property
    def total(self) -> Decimal:
        return self.subtotal - self.discount


def check_rule(rule: Rule) -> None:
    """Raise InvalidRule when a rule cannot be priced."""
    if rule.kind == DiscountKind.PERCENT and not ZERO <= rule.value <= HUNDRED:
        raise InvalidRule("a percentage lies between 0 and 100")
    if rule.kind == DiscountKind.FIXED and rule.value < ZERO:
        raise InvalidRule("a fixed discount cannot be negative")
    if rule.kind == DiscountKind.N_FOR_M:
        if rule.scope == Scope.ORDER:
            raise InvalidRule("N-for-M applies to products or categories, not to a whole order")
        if not 0 <= rule.pay < rule.buy:
            raise InvalidRule("N-for-M needs N greater than M")
    if rule.min_subtotal is not None and rule.min_subtotal < ZERO:
        raise InvalidRule("a threshold cannot be negative")
    if rule.starts_at and rule.ends_at and rule.ends_at <= rule.starts_at:
        raise InvalidRule("the window ends before it starts")


def normalize_code(code: str) -> str:
    return (code or "").strip().upper()


def in_window(rule: Rule, now: datetime) -> bool:
    return (rule.starts_at is None or rule.starts_at <= now) and (
        rule.ends_at is None or now < rule.ends_at
    )


def eligible(
    rule: Rule,
    *,
    now: datetime,
    tags: frozenset[str] = frozenset(),
    codes: frozenset[str] = frozenset(),
    subtotal: Decimal | None = None,
) -> bool:
    """Whether `rule` counts for this customer now (the threshold only when `subtotal` is given)."""
    if not in_window(rule, now):
        return False
    if rule.code and normalize_code(rule.code) not in {normalize_code(c) for c in codes}:
        return False
    if rule.segments and not rule.segments & tags:
        return False
    return not (
        subtotal is not None and rule.min_subtotal is not None and subtotal < rule.min_subtotal
    )


def covers(rule: Rule, line: Line) -> bool:
    if rule.scope == Scope.PRODUCTS:
        return line.key in rule.products
    if rule.scope == Scope.CATEGORIES:
        return bool(line.category) and line.category in rule.categories
    return False


def quote(
    lines: list[Line],
    rules: list[Rule],
    *,
    now: datetime,
    tags: frozenset[str] = frozenset(),
    codes: frozenset[str] = frozenset(),
    quantum: Decimal = CENT,
) -> Quote:
    """Price `lines` with the `rules` that count for this customer at `now`.

    Amounts are rounded half-up to `quantum` (the currency's smallest coin). Raises
    ValueError for a line with a negative quantity or price.
    """
    for line in lines:
        if line.quantity < 0 or line.unit_price < ZERO:
            raise ValueError("quantities and prices cannot be negative")
    priced = [PricedLine(line, _round(line.unit_price * line.quantity, quantum)) for line in lines]
    subtotal = sum((p.gross for p in priced), ZERO)
    live = [r for r in rules if eligible(r, now=now, tags=tags, codes=codes, subtotal=subtotal)]
    for p in priced:
        chosen = _choose([r for r in live if covers(r, p.line)], p.gross, p.line, quantum)
        for rule in chosen:
            amount = _discount(rule, p.total, p.line, quantum)
            if amount:
                p.discount += amount
                p.applied[rule.key] = p.applied.get(rule.key, ZERO) + amount
    applied: dict[str, Decimal] = {}
    for p in priced:
        for key, amount in p.applied.items():
            applied[key] = applied.get(key, ZERO) + amount
    after_lines = subtotal - sum((p.discount for p in priced), ZERO)
    for rule in _choose([r for r in live if r.scope == Scope.ORDER], after_lines, None, quantum):
        left = subtotal - sum((p.discount for p in priced), ZERO)
        amount = _discount(rule, left, None, quantum)
        if amount:
            _spread(priced, rule.key, amount, quantum)
            applied[rule.key] = applied.get(rule.key, ZERO) + amount
    return Quote(lines=priced, subtotal=subtotal, applied=applied)


def _choose(candidates: list[Rule], base: Decimal, line: Line | None, quantum) -> list[Rule]:
    if not candidates:
        return []
    ranked = sorted(
        candidates, key=lambda r: (-r.priority, -_discount(r, base, line, quantum), r.key)
    )
    first = ranked[0]
    if not first.stackable:
        return [first]
    return [first] + [r for r in ranked[1:] if r.stackable]


def _discount(rule: Rule, left: Decimal, line: Line | None, quantum: Decimal) -> Decimal:
    """What `rule` takes off `left` (what remains of the line, or of the order)."""
    if left <= ZERO:
        return ZERO
    if rule.kind == DiscountKind.PERCENT:
        amount = _round(left * rule.value / HUNDRED, quantum)
    elif rule.kind == DiscountKind.FIXED:
        amount = rule.value * (line.quantity if line is not None else 1)
    else:
        assert line is not None
        free_units = (line.quantity // rule.buy) * (rule.buy - rule.pay)
        amount = line.unit_price * free_units
    return min(_round(amount, quantum), left)


def _spread(priced: list[PricedLine], key: str, amount: Decimal, quantum: Decimal) -> None:
    """Share an order discount among lines in proportion to what is left of each."""
    left = [p.total for p in priced]
    whole = sum(left, ZERO)
    if whole <= ZERO:
        return
    shares = [(amount * value / whole).quantize(quantum, rounding=ROUND_DOWN) for value in left]
    rest = amount - sum(shares, ZERO)
    # The coins lost to rounding go to the lines with the most left, within what they hold.
    for i in sorted(range(len(priced)), key=lambda i: (-left[i], i)):
        if rest <= ZERO:
            break
        extra = min(rest, left[i] - shares[i])
        shares[i] += extra
        rest -= extra
    for p, share in zip(priced, shares, strict=True):
        if share:
            p.discount += share
            p.applied[key] = p.applied.get(key, ZERO) + share


def _round(value: Decimal, quantum: Decimal) -> Decimal:
    return value.quantize(quantum, rounding=ROUND_HALF_UP)
