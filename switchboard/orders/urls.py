from django.urls import path

from switchboard.orders import views

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("new/", views.order_form, name="form"),
    path("new/products/", views.product_picker, name="products"),
    path("desk/", views.desk_panel, name="desk_panel"),
    path("<str:number>/", views.order_detail, name="detail"),
    path("<str:number>/status/", views.change_status, name="status"),
    path("<str:number>/cancel/", views.cancel, name="cancel"),
]
