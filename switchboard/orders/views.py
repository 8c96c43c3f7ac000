from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import retarget

from switchboard.calls.access import get_call_for_user
from switchboard.catalog.models import Product
from switchboard.catalog.promotions import contact_tags, promotions_for_tags
from switchboard.catalog.search import search_products
from switchboard.contacts.access import get_contact_for_user
from switchboard.orders import preview
from switchboard.orders.access import get_order_for_user, orders_for_user
from switchboard.orders.actions import (
    OrderData,
    check_cancel_order,
    check_change_status,
    check_create_order,
    may_cancel,
)
from switchboard.orders.forms import CancelForm, OrderFilterForm, OrderForm, StatusForm
from switchboard.orders.models import Order

PICKER_RESULTS = 10
RECENT_ORDERS = 5


def _require(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


@login_required
def order_list(request):
    form = OrderFilterForm(request.GET or None)
    orders = orders_for_user(request.user).select_related("contact", "created_by")
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            orders = orders.filter(status=data["status"])
        if data["contact"]:
            orders = orders.filter(contact_id=data["contact"])
        if data["q"]:
            orders = orders.filter(number__startswith="".join(data["q"].upper().split("-")))
    page = Paginator(orders, settings.SWITCHBOARD["PAGE_SIZE"]).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "orders/partials/list_results.html" if request.htmx else "orders/list.html"
    return render(request, template, context)


@login_required
def order_detail(request, number):
    order = get_order_for_user(request.user, number)
    context = {
        "order": order,
        "lines": order.lines.all(),
        "history": order.history.select_related("author"),
        "may_cancel": may_cancel(request.user, order),
        "may_change": request.user.has_perm("orders.change_order") and order.next_statuses,
        "cancel_form": CancelForm(),
        "status_form": StatusForm(initial={"status": (order.next_statuses or [""])[0]}),
    }
    return render(request, "orders/detail.html", context)


@login_required
@require_POST
def change_status(request, number):
    order = get_order_for_user(request.user, number)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            check_change_status(
                order,
                form.cleaned_data["status"],
                user=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Status changed."))
    return redirect("orders:detail", order.number)


@login_required
@require_POST
def cancel(request, number):
    order = get_order_for_user(request.user, number)
    form = CancelForm(request.POST)
    reason = form.data.get("reason", "")
    try:
        check_cancel_order(order, reason, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The order is cancelled."))
    return redirect("orders:detail", order.number)


def _order_context(request, source):
    """The contact (and call) the order is for, from ?contact= / ?call= or the form."""
    call = None
    if source.get("call"):
        call = get_call_for_user(request.user, source["call"])
    contact_id = source.get("contact") or (call.contact_id if call else None)
    if not contact_id:
        return None, call
    contact = get_contact_for_user(request.user, contact_id)
    if call is not None and call.contact_id not in (None, contact.pk):
        raise PermissionDenied
    return contact, call


@login_required
def order_form(request):
    """The order being taken, from a contact's page or the desk: every POST re-prices it;
    `step=confirm` places it."""
    _require(request.user, "orders.add_order")
    source = request.POST if request.method == "POST" else request.GET
    contact, call = _order_context(request, source)
    if contact is None:
        return render(request, "orders/form_page.html", {"contact": None})
    if contact.merged_into_id:
        contact = get_contact_for_user(request.user, contact.merged_into_id)
    form = OrderForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if request.POST.get("add"):
            form.add_line(request.POST["add"])
        if request.POST.get("drop_line"):
            form.remove_line(request.POST["drop_line"])
        if request.POST.get("step") == "confirm" and form.is_valid():
            data = form.cleaned_data
            order_data = OrderData(
                contact=contact,
                call=call,
                lines=form.lines,
                promo_code=data["promo_code"],
                delivery_address=data["delivery_address"],
                delivery_method=data["delivery_method"],
                payment_method=data["payment_method"],
                notes=data["notes"],
            )
            try:
                order = check_create_order(order_data, author=request.user, confirm=True)
            except ValidationError as exc:
                form.add_validation_error(exc)
            else:
                if request.htmx:
                    response = render(request, "orders/partials/placed.html", {"order": order})
                    return retarget(response, "#order-widget")
                messages.success(
                    request, _("Order %(number)s placed.") % {"number": order.display_number}
                )
                return redirect("orders:detail", order.number)
    context = {
        "contact": contact,
        "call": call,
        "form": form,
        "quote": preview.build(form, contact),
    }
    template = "orders/partials/form.html" if request.htmx else "orders/form_page.html"
    return render(request, template, context)


@login_required
def product_picker(request):
    """Products to add to the order, as the operator types."""
    _require(request.user, "orders.add_order")
    _require(request.user, "catalog.view_product")
    text = request.GET.get("q", "")
    products = []
    if text.strip():
        products = list(
            search_products(Product.objects.active().select_related("category"), text)[
                :PICKER_RESULTS
            ]
        )
    return render(request, "orders/partials/products.html", {"products": products, "q": text})


@login_required
def desk_panel(request):
    """The desk's orders panel for the current call: the caller's promotions, their recent
    orders, and a new order."""
    _require(request.user, "orders.add_order")
    call_id = request.GET.get("call", "")
    context = {"call": None, "contact": None}
    if call_id:
        call = get_call_for_user(request.user, call_id)
        context["call"] = call
        contact = call.contact
        if contact is not None:
            tags = contact_tags(contact)
            context.update(
                contact=contact,
                promotions=promotions_for_tags(tags),
                recent_orders=list(
                    Order.objects.filter(contact=contact).order_by("-created_at", "-id")[
                        :RECENT_ORDERS
                    ]
                ),
                form=OrderForm(),
                quote=None,
            )
    return render(request, "orders/partials/desk_panel.html", context)
