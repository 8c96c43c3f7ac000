from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from switchboard.catalog.importing import import_catalog_csv
from switchboard.catalog.models import Category, CompanyInfo, Product, Promotion
from switchboard.catalog.search import search_products
from tests.shop import make_promotion

pytestmark = pytest.mark.django_db


def found(text):
    return [p.sku for p in search_products(Product.objects.all(), text)]


def test_products_are_found_by_a_part_of_the_name_in_either_script(shop):
    assert found("জামদানি") == ["SAR-001"]
    assert found("jamdani") == ["SAR-001"]
    assert found("KANTHA") == ["LAST-1"]
    assert found("লুঙ্গি") == ["LUN-001"]


def test_products_are_found_by_sku_the_exact_one_first(shop):
    Product.objects.create(sku="X-SAR-001-B", name_en="Saree blouse", price=D("300"))
    assert found("sar-001") == ["SAR-001", "X-SAR-001-B"]


def test_a_short_text_matches_the_start_of_a_name_or_sku(shop):
    assert found("ja") == ["SAR-001"]
    assert found("LU") == ["LUN-001"]


def test_every_word_must_match(shop):
    assert found("cotton lungi") == ["LUN-001"]
    assert found("cotton saree") == []


def test_search_follows_renames(shop):
    Product.objects.filter(sku="LUN-001").first()
    product = Product.objects.get(sku="LUN-001")
    product.name_en = "Checked lungi"
    product.save()
    assert found("checked") == ["LUN-001"]
    assert found("cotton") == []


CSV = (
    "sku,name_en,name_bn,category,unit,price,stock,active\n"
    "new-1,Gamchha,গামছা,men,piece,180,200,yes\n"
    'LUN-001,Cotton lungi (new),সুতি লুঙ্গি,men,piece,"1,450.50",,yes\n'
    "BAD-1,,,men,piece,100,,\n"
    "BAD-2,Thing,,nowhere,piece,-5,many,maybe\n"
    "new-1,Duplicate,,men,piece,1,,\n"
)


def test_the_csv_import_saves_good_rows_and_reports_bad_ones_by_line(shop):
    result = import_catalog_csv(CSV.encode())
    assert (result.created, result.updated) == (1, 1)
    lines = dict(result.errors)
    assert lines[4] == "name_en is empty"
    assert "unknown category “nowhere”" in lines[5]
    assert "the price “-5” is not an amount" in lines[5]
    assert "the stock “many” is not a whole number" in lines[5]
    assert "active must be yes or no" in lines[5]
    assert "also on line 2" in lines[6]
    assert Product.objects.get(sku="NEW-1").name_bn == "গামছা"
    assert Product.objects.get(sku="LUN-001").price == D("1450.50")


def test_a_dry_run_saves_nothing(shop):
    result = import_catalog_csv(CSV.encode(), dry_run=True)
    assert result.created == 1
    assert not Product.objects.filter(sku="NEW-1").exists()


def test_a_file_without_the_needed_columns_is_refused_at_line_1(db):
    assert import_catalog_csv(b"name,cost\nx,1\n").errors == [
        (1, "missing columns: name_en, price, sku")
    ]


def test_the_import_command_prints_each_refused_row(shop, tmp_path, capsys):
    path = tmp_path / "catalog.csv"
    path.write_text(CSV, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_catalog", str(path))
    err = capsys.readouterr().err
    assert "line 4: name_en is empty" in err


def test_the_import_page_is_for_supervisors(supervisor_client, agent_client, shop):
    assert agent_client.get(reverse("catalog:import")).status_code == 403
    upload = SimpleUploadedFile("c.csv", CSV.encode(), content_type="text/csv")
    page = supervisor_client.post(reverse("catalog:import"), {"file": upload}).content.decode()
    assert "1 new, 1 updated, 3 refused." in page
    assert "name_en is empty" in page


def test_a_promotion_that_cannot_work_is_refused_in_admin_terms(db):
    promotion = Promotion(name_en="Bad", kind="n_for_m", buy_quantity=2, pay_quantity=2)
    with pytest.raises(ValidationError):
        promotion.full_clean()


def test_the_promotions_page_lists_what_runs_now(agent_client, shop):
    make_promotion(name_en="Running", kind="percent", value=D("10"), scope="order")
    past = timezone.now() - timedelta(days=30)
    make_promotion(
        name_en="Over",
        kind="percent",
        value=D("10"),
        scope="order",
        starts_at=past,
        ends_at=past + timedelta(days=1),
    )
    page = agent_client.get(reverse("catalog:promotions")).content.decode()
    assert "Running" in page and "Over" not in page


def test_the_company_page_reads_in_the_users_language(agent_client, db):
    CompanyInfo.objects.create(
        section="hours",
        title_en="Opening hours",
        title_bn="খোলার সময়",
        body_en="Every day 9-21",
        body_bn="প্রতিদিন ৯টা–৯টা",
    )
    assert "Every day 9-21" in agent_client.get(reverse("catalog:company")).content.decode()
    agent_client.cookies["django_language"] = "bn"
    page = agent_client.get(reverse("catalog:company"), HTTP_ACCEPT_LANGUAGE="bn").content.decode()
    assert "প্রতিদিন" in page


def test_the_catalog_search_answers_as_you_type(agent_client, shop):
    page = agent_client.get(reverse("catalog:search"), {"q": "শাড়ি"}, HTTP_HX_REQUEST="true")
    assert "SAR-001" in page.content.decode() and "<html" not in page.content.decode()


def test_the_catalog_is_closed_to_outsiders(outsider_client):
    assert outsider_client.get(reverse("catalog:search")).status_code == 403
    assert outsider_client.get(reverse("catalog:promotions")).status_code == 403


def test_the_catalog_search_takes_few_queries(agent_client, shop, django_assert_max_num_queries):
    agent_client.get(reverse("catalog:search"))
    for i in range(30):
        Product.objects.create(
            sku=f"P-{i}", name_en=f"Product {i}", price=D("1"), category=Category.objects.first()
        )
    with django_assert_max_num_queries(6):
        agent_client.get(reverse("catalog:search"))
