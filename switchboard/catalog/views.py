from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from switchboard.catalog.access import (
    check_can_import,
    check_can_view,
    get_product_for_user,
    products_for_user,
)
from switchboard.catalog.forms import CatalogImportForm, ProductSearchForm
from switchboard.catalog.importing import import_catalog_csv
from switchboard.catalog.models import Category, CompanyInfo
from switchboard.catalog.promotions import live_promotions
from switchboard.catalog.search import search_products

RESULTS = 50


@login_required
def product_search(request):
    products = products_for_user(request.user)
    form = ProductSearchForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        products = search_products(products, data["q"])
        if data["category"]:
            products = products.filter(category=data["category"])
        if not data["include_inactive"]:
            products = products.filter(active=True)
    else:
        products = products.filter(active=True)
    context = {"form": form, "products": list(products[:RESULTS]), "limit": RESULTS}
    template = "catalog/partials/results.html" if request.htmx else "catalog/search.html"
    return render(request, template, context)


@login_required
def product_detail(request, product_id):
    product = get_product_for_user(request.user, product_id)
    promotions = [
        p
        for p in live_promotions()
        if product in p.products.all()
        or (product.category and product.category in p.categories.all())
    ]
    return render(request, "catalog/product.html", {"product": product, "promotions": promotions})


@login_required
def promotion_list(request):
    check_can_view(request.user, "catalog.view_promotion")
    return render(
        request,
        "catalog/promotions.html",
        {"promotions": list(live_promotions()), "now": timezone.now()},
    )


@login_required
def company_info(request):
    check_can_view(request.user, "catalog.view_companyinfo")
    return render(
        request,
        "catalog/company.html",
        {"sections": CompanyInfo.objects.all(), "categories": Category.objects.all()},
    )


@login_required
def import_catalog(request):
    check_can_import(request.user)
    form = CatalogImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = import_catalog_csv(form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"])
    return render(request, "catalog/import.html", {"form": form, "result": result})
