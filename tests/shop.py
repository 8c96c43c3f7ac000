"""A small shop for catalog, order, API and browser tests (import the fixtures in a conftest): two categories, a few products, a contact with an address."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from switchboard.catalog.models import Category, Product, Promotion
from switchboard.contacts.actions import ContactData, check_create_contact


@pytest.fixture
def shop(db):
    sarees = Category.objects.create(code="saree", name_en="Sarees", name_bn="শাড়ি")
    men = Category.objects.create(code="men", name_en="Men", name_bn="পুরুষ")
    products = {
        "SAR-001": Product.objects.create(
            sku="SAR-001",
            name_en="Jamdani saree",
            name_bn="জামদানি শাড়ি",
            category=sarees,
            price=D("2500.00"),
            stock=5,
        ),
        "LUN-001": Product.objects.create(
            sku="LUN-001",
            name_en="Cotton lungi",
            name_bn="সুতি লুঙ্গি",
            category=men,
            price=D("450.00"),
            stock=None,
        ),
        "LAST-1": Product.objects.create(
            sku="LAST-1",
            name_en="Nakshi kantha",
            name_bn="নকশী কাঁথা",
            price=D("3200.00"),
            stock=1,
        ),
        "OLD-1": Product.objects.create(
            sku="OLD-1",
            name_en="Old stock",
            price=D("10.00"),
            active=False,
        ),
    }
    return products


@pytest.fixture
def customer(db):
    return check_create_contact(
        ContactData(
            first_name="Rahim",
            last_name="Ahmed",
            phones=["01712345678"],
            address="House 5, Road 2, Dhanmondi, Dhaka",
        )
    )


@pytest.fixture
def vip_customer(db):
    return check_create_contact(
        ContactData(
            first_name="Salma",
            last_name="Khatun",
            phones=["01812345678"],
            address="Agrabad, Chattogram",
            tags=["vip"],
        )
    )


def make_promotion(*, products=(), categories=(), tags=(), **fields):
    now = timezone.now()
    fields.setdefault("name_en", "Promotion")
    fields.setdefault("starts_at", now - timedelta(days=1))
    fields.setdefault("ends_at", now + timedelta(days=1))
    promotion = Promotion.objects.create(**fields)
    promotion.products.set(products)
    promotion.categories.set(categories)
    if tags:
        from switchboard.contacts.models import Tag

        promotion.segment_tags.set([Tag.objects.get_or_create(name=t)[0] for t in tags])
    return promotion
