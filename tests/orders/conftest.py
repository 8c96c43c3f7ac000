"""The small shop of tests/shop.py."""

from tests.shop import customer, shop, vip_customer  # noqa: F401
