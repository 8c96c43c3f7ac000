from django.urls import path

from switchboard.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.product_search, name="search"),
    path("products/<int:product_id>/", views.product_detail, name="product"),
    path("promotions/", views.promotion_list, name="promotions"),
    path("company/", views.company_info, name="company"),
    path("import/", views.import_catalog, name="import"),
]
