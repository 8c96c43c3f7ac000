"""Promotion rules: windows, codes, segments, thresholds, N-for-M, stacking — and the
invariants that hold for any order and any set of rules."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from switchboard.core.pricing import DiscountKind, InvalidRule, Line, Rule, Scope, quote

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
SAREE = Line("SAREE", 1, D("2500.00"), "saree")
LUNGI = Line("LUNGI", 3, D("450.00"), "men")


def percent(key, value, products=("SAREE",), **kw):
    return Rule(
        key, DiscountKind.PERCENT, Scope.PRODUCTS, D(value), products=frozenset(products), **kw
    )


def test_a_percentage_comes_off_the_line_it_covers_only():
    q = quote([SAREE, LUNGI], [percent("p", "10")], now=NOW)
    assert [p.discount for p in q.lines] == [D("250.00"), D("0")]
    assert q.total == D("3600.00")


def test_a_promotion_counts_inside_its_window_only():
    rule = percent("p", "10", starts_at=NOW - timedelta(days=1), ends_at=NOW)
    assert quote([SAREE], [rule], now=NOW).discount == 0  # the end is excluded
    assert quote([SAREE], [rule], now=NOW - timedelta(seconds=1)).discount == D("250.00")
    assert quote([SAREE], [rule], now=NOW - timedelta(days=2)).discount == 0


def test_a_coded_promotion_needs_its_code_in_any_case():
    rule = percent("p", "10", code="EID10")
    assert quote([SAREE], [rule], now=NOW).discount == 0
    assert quote([SAREE], [rule], now=NOW, codes=frozenset({"eid10"})).discount == D("250.00")
    assert quote([SAREE], [rule], now=NOW, codes=frozenset({"OTHER"})).discount == 0


def test_a_segment_promotion_is_for_contacts_carrying_one_of_its_tags():
    rule = percent("p", "15", segments=frozenset({"vip"}))
    assert quote([SAREE], [rule], now=NOW).discount == 0
    assert quote([SAREE], [rule], now=NOW, tags=frozenset({"vip", "dhaka"})).discount == D("375.00")


def test_an_order_promotion_needs_the_threshold_and_is_spread_over_the_lines():
    rule = Rule("o", DiscountKind.FIXED, Scope.ORDER, D("200"), min_subtotal=D("3000"))
    assert quote([SAREE], [rule], now=NOW).discount == 0
    q = quote([SAREE, LUNGI], [rule], now=NOW)
    assert q.subtotal == D("3850.00")
    assert q.discount == D("200.00")
    assert sum(p.discount for p in q.lines) == D("200.00")
    assert q.lines[0].discount > q.lines[1].discount  # in proportion to the price
    assert q.applied == {"o": D("200.00")}


def test_three_for_two_makes_every_third_unit_free():
    rule = Rule(
        "n", DiscountKind.N_FOR_M, Scope.CATEGORIES, buy=3, pay=2, categories=frozenset({"men"})
    )
    assert quote([LUNGI], [rule], now=NOW).discount == D("450.00")
    seven = Line("LUNGI", 7, D("450.00"), "men")
    assert quote([seven], [rule], now=NOW).discount == D("900.00")
    two = Line("LUNGI", 2, D("450.00"), "men")
    assert quote([two], [rule], now=NOW).discount == 0


def test_a_fixed_amount_comes_off_each_unit_but_never_below_zero():
    rule = Rule("f", DiscountKind.FIXED, Scope.PRODUCTS, D("500"), products=frozenset({"LUNGI"}))
    q = quote([LUNGI], [rule], now=NOW)
    assert q.discount == D("1350.00")
    assert q.total == 0


def test_the_higher_priority_non_stackable_promotion_wins_alone():
    small = percent("small", "5", priority=10)
    big = percent("big", "30", priority=1)
    stack = percent("stack", "10", priority=5, stackable=True)
    q = quote([SAREE], [big, stack, small], now=NOW)
    assert q.lines[0].applied == {"small": D("125.00")}


def test_at_equal_priority_the_better_deal_for_the_customer_wins():
    q = quote([SAREE], [percent("a", "5"), percent("b", "20")], now=NOW)
    assert q.lines[0].applied == {"b": D("500.00")}


def test_stackable_promotions_add_up_each_on_what_is_left():
    rules = [percent("a", "10", stackable=True, priority=2), percent("b", "10", stackable=True)]
    q = quote([SAREE], rules, now=NOW)
    assert q.lines[0].applied == {"a": D("250.00"), "b": D("225.00")}
    assert q.total == D("2025.00")


def test_a_top_stackable_promotion_leaves_out_the_non_stackable_ones():
    rules = [percent("s", "10", stackable=True, priority=3), percent("x", "50", priority=1)]
    assert quote([SAREE], rules, now=NOW).lines[0].applied == {"s": D("250.00")}


@pytest.mark.parametrize(
    "rule",
    [
        {"kind": DiscountKind.PERCENT, "value": D("120")},
        {"kind": DiscountKind.FIXED, "value": D("-1")},
        {"kind": DiscountKind.N_FOR_M, "buy": 2, "pay": 3},
        {"kind": DiscountKind.N_FOR_M, "buy": 3, "pay": 2, "scope": Scope.ORDER},
        {"kind": DiscountKind.PERCENT, "starts_at": NOW, "ends_at": NOW},
    ],
)
def test_a_rule_that_cannot_work_is_refused(rule):
    with pytest.raises(InvalidRule):
        Rule("bad", **{"scope": Scope.PRODUCTS, **rule})


def test_a_negative_quantity_is_refused():
    with pytest.raises(ValueError):
        quote([Line("X", -1, D("10"))], [], now=NOW)


# -- properties ---------------------------------------------------------------------------

SKUS = ["A", "B", "C", "D"]
CATEGORIES = ["x", "y"]
money = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def lines(draw):
    n = draw(st.integers(0, 5))
    return [
        Line(
            draw(st.sampled_from(SKUS)),
            draw(st.integers(0, 50)),
            draw(money),
            draw(st.sampled_from(CATEGORIES)),
        )
        for _ in range(n)
    ]


@st.composite
def rules(draw):
    out = []
    for i in range(draw(st.integers(0, 6))):
        scope = draw(st.sampled_from(list(Scope)))
        kinds = [DiscountKind.PERCENT, DiscountKind.FIXED] + (
            [] if scope == Scope.ORDER else [DiscountKind.N_FOR_M]
        )
        kind = draw(st.sampled_from(kinds))
        buy = draw(st.integers(2, 5))
        value = draw(st.decimals(0, 100, places=2)) if kind == DiscountKind.PERCENT else draw(money)
        start = draw(st.none() | st.integers(-3, 1))
        out.append(
            Rule(
                key=f"r{i}",
                kind=kind,
                scope=scope,
                value=value,
                buy=buy,
                pay=draw(st.integers(0, buy - 1)),
                products=frozenset(draw(st.sets(st.sampled_from(SKUS)))),
                categories=frozenset(draw(st.sets(st.sampled_from(CATEGORIES)))),
                min_subtotal=draw(st.none() | money),
                code=draw(st.sampled_from(["", "", "CODE"])),
                segments=frozenset(draw(st.sets(st.sampled_from(["vip", "b2b"]), max_size=1))),
                starts_at=None if start is None else NOW + timedelta(days=start),
                priority=draw(st.integers(0, 3)),
                stackable=draw(st.booleans()),
            )
        )
    return out


context = st.fixed_dictionaries(
    {
        "tags": st.frozensets(st.sampled_from(["vip", "b2b"])),
        "codes": st.frozensets(st.sampled_from(["CODE", "code", "NOPE"])),
    }
)


@settings(max_examples=100, deadline=None)
@given(lines(), rules(), context)
def test_totals_are_never_negative_and_the_lines_add_up(order, promotions, ctx):
    q = quote(order, promotions, now=NOW, **ctx)
    assert q.total >= 0
    for p in q.lines:
        assert 0 <= p.discount <= p.gross
        assert sum(p.applied.values(), D(0)) == p.discount
    assert sum((p.total for p in q.lines), D(0)) == q.total
    assert q.subtotal - q.discount == q.total
    assert sum(q.applied.values(), D(0)) == q.discount
    assert all(p.discount == p.discount.quantize(D("0.01")) for p in q.lines)


@settings(max_examples=100, deadline=None)
@given(lines(), rules(), context)
def test_a_non_stackable_promotion_never_shares_a_line_or_the_order(order, promotions, ctx):
    q = quote(order, promotions, now=NOW, **ctx)
    by_key = {r.key: r for r in promotions}
    for p in q.lines:
        line_rules = [by_key[k] for k in p.applied if by_key[k].scope != Scope.ORDER]
        order_rules = [by_key[k] for k in p.applied if by_key[k].scope == Scope.ORDER]
        for group in (line_rules, order_rules):
            if any(not r.stackable for r in group):
                assert len(group) == 1


@settings(max_examples=60, deadline=None)
@given(lines(), rules(), context)
def test_the_quote_does_not_depend_on_the_order_of_the_rules(order, promotions, ctx):
    forward = quote(order, promotions, now=NOW, **ctx)
    backward = quote(order, list(reversed(promotions)), now=NOW, **ctx)
    assert [p.applied for p in forward.lines] == [p.applied for p in backward.lines]


@settings(max_examples=60, deadline=None)
@given(lines(), rules(), context)
def test_an_expired_promotion_changes_nothing(order, promotions, ctx):
    expired = percent("old", "90", products=SKUS, ends_at=NOW - timedelta(seconds=1), priority=99)
    assert (
        quote(order, promotions + [expired], now=NOW, **ctx).total
        == quote(order, promotions, now=NOW, **ctx).total
    )
