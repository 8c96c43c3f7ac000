"""Panels other apps add to the operator's desk (orders, tickets, knowledge base, scripts).

An app registers a panel in its AppConfig.ready(). The desk renders one section per panel
the user may see; the section loads `url_name` through HTMX with `?call=<call id>` each
time a call is offered or connected (the "deskcall" event), so the panel can show what
fits this caller. The view behind `url_name` must check access to the call itself
(`switchboard.calls.access.get_call_for_user`).
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class DeskPanel:
    key: str
    title: str  # a lazy translation
    url_name: str
    permission: str
    order: int = 100

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_PANELS: dict[str, DeskPanel] = {}


def register(panel: DeskPanel) -> None:
    _PANELS[panel.key] = panel


def panels_for(user) -> list[DeskPanel]:
    return sorted(
        (p for p in _PANELS.values() if user.has_perm(p.permission)), key=lambda p: p.order
    )
