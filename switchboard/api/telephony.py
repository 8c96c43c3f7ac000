"""/api/telephony: operators' SIP extensions (and their passwords), trunks, prompts.

Administrators manage them (the roles table, accounts/roles.py); supervisors may list
extensions. Every write goes through switchboard.telephony.actions, like the admin does.
Passwords go in, never out: only whether one is set.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from switchboard.api.contacts import INPUT_ERRORS, ErrorOut
from switchboard.telephony import actions
from switchboard.telephony.models import (
    Extension,
    InboundMode,
    Prompt,
    PromptLanguage,
    PromptName,
    Trunk,
)

router = Router(tags=["telephony"])

MAX_PROMPT_BYTES = 20 * 1024 * 1024


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


class ExtensionOut(Schema):
    id: int
    user_id: int
    username: str
    number: str
    active: bool
    has_password: bool = Field(description="Whether the phone can register (a password is set).")

    @staticmethod
    def resolve_username(obj) -> str:
        return obj.user.username


class ExtensionIn(Schema):
    user_id: int
    number: str = Field(description="Digits only; the phone's SIP user name.")
    password: str = Field(description="The phone's SIP password (only its digest hash is kept).")
    active: bool = True


class ExtensionPatch(Schema):
    number: str | None = Field(None, description="A new number needs a new password too.")
    password: str | None = None
    active: bool | None = None


class PasswordIn(Schema):
    password: str


@router.get(
    "/extensions", response={200: list[ExtensionOut], **INPUT_ERRORS}, summary="List extensions"
)
def list_extensions(request):
    _require(request, "telephony.view_extension")
    return list(Extension.objects.select_related("user"))


@router.post(
    "/extensions", response={201: ExtensionOut, **INPUT_ERRORS}, summary="Give a person a phone"
)
def create_extension(request, payload: ExtensionIn):
    _require(request, "telephony.add_extension")
    user = get_user_model().objects.filter(pk=payload.user_id).first()
    if user is None:
        raise ValidationError({"user_id": _("No such user.")})
    extension = actions.check_save_extension(
        None, user=user, number=payload.number, active=payload.active, password=payload.password
    )
    return Status(201, extension)


@router.patch(
    "/extensions/{int:extension_id}",
    response={200: ExtensionOut, 404: ErrorOut, **INPUT_ERRORS},
    summary="Change an extension",
)
def update_extension(request, extension_id: int, payload: ExtensionPatch):
    _require(request, "telephony.change_extension")
    extension = get_object_or_404(Extension.objects.select_related("user"), pk=extension_id)
    return actions.check_save_extension(
        extension,
        number=extension.number if payload.number is None else payload.number,
        active=extension.active if payload.active is None else payload.active,
        password=payload.password,
    )


@router.post(
    "/extensions/{int:extension_id}/password",
    response={200: ExtensionOut, 404: ErrorOut, **INPUT_ERRORS},
    summary="Set an extension's SIP password",
)
def set_extension_password(request, extension_id: int, payload: PasswordIn):
    _require(request, "telephony.change_extension")
    extension = get_object_or_404(Extension.objects.select_related("user"), pk=extension_id)
    return actions.check_set_extension_password(extension, payload.password)


class TrunkOut(Schema):
    id: int
    name: str
    inbound_mode: InboundMode
    allowed_addresses: list[str] = Field(description="IP addresses or CIDR blocks (mode ip).")
    username: str = Field(description="What the carrier registers as (mode registration).")
    has_password: bool
    outbound_host: str
    outbound_port: int
    caller_id: str = Field(description="E.164.")
    active: bool

    @staticmethod
    def resolve_allowed_addresses(obj) -> list[str]:
        return obj.networks()

    @staticmethod
    def resolve_has_password(obj) -> bool:
        return bool(obj.ha1)


class TrunkIn(Schema):
    name: str
    inbound_mode: InboundMode = InboundMode.IP
    allowed_addresses: list[str] = Field(default_factory=list)
    username: str = ""
    password: str | None = Field(None, description="Registration mode: the device's password.")
    outbound_host: str = ""
    outbound_port: int = 5060
    caller_id: str = ""
    active: bool = True

    def data(self) -> actions.TrunkData:
        fields = self.dict(exclude={"password", "allowed_addresses"})
        return actions.TrunkData(**fields, allowed_addresses="\n".join(self.allowed_addresses))


@router.get("/trunks", response={200: list[TrunkOut], **INPUT_ERRORS}, summary="List trunks")
def list_trunks(request):
    _require(request, "telephony.view_trunk")
    return list(Trunk.objects.all())


@router.post("/trunks", response={201: TrunkOut, **INPUT_ERRORS}, summary="Add a trunk")
def create_trunk(request, payload: TrunkIn):
    _require(request, "telephony.add_trunk")
    return Status(201, actions.check_save_trunk(None, payload.data(), payload.password))


@router.put(
    "/trunks/{int:trunk_id}",
    response={200: TrunkOut, 404: ErrorOut, **INPUT_ERRORS},
    summary="Change a trunk",
)
def update_trunk(request, trunk_id: int, payload: TrunkIn):
    _require(request, "telephony.change_trunk")
    trunk = get_object_or_404(Trunk, pk=trunk_id)
    return actions.check_save_trunk(trunk, payload.data(), payload.password)


class PromptOut(Schema):
    id: int
    menu_id: int | None = Field(description="Null: every menu without its own.")
    dialed_number: str | None
    name: PromptName
    language: PromptLanguage = Field(description='"" for any language.')
    duration_ms: int
    generated: bool
    updated_at: datetime

    @staticmethod
    def resolve_dialed_number(obj) -> str | None:
        return obj.menu.dialed_number if obj.menu_id else None


@router.get("/prompts", response={200: list[PromptOut], **INPUT_ERRORS}, summary="List prompts")
def list_prompts(request):
    _require(request, "telephony.view_prompt")
    return list(Prompt.objects.select_related("menu"))


@router.post(
    "/prompts",
    response={201: PromptOut, 404: ErrorOut, **INPUT_ERRORS},
    summary="Upload a prompt (WAV)",
)
def upload_prompt(
    request,
    audio: File[UploadedFile],
    name: Form[PromptName],
    language: Form[PromptLanguage] = PromptLanguage.ANY,
    menu_id: Form[int | None] = None,
):
    """A PCM WAV; other rates, channels or sample sizes are converted to 8 kHz mono 16-bit.
    It replaces the prompt of the same menu, name and language."""
    _require(request, "telephony.add_prompt")
    from switchboard.acd.models import IvrMenu

    menu = get_object_or_404(IvrMenu, pk=menu_id) if menu_id is not None else None
    if audio.size > MAX_PROMPT_BYTES:
        raise ValidationError({"audio": _("The file is larger than 20 MB.")})
    prompt = actions.check_save_prompt(menu=menu, name=name, language=language, data=audio.read())
    return Status(201, prompt)


@router.delete(
    "/prompts/{int:prompt_id}",
    response={204: None, 404: ErrorOut, **INPUT_ERRORS},
    summary="Remove a prompt",
)
def delete_prompt(request, prompt_id: int):
    """Callers then hear the prompt for every menu, or the prompts folder's, if any."""
    _require(request, "telephony.delete_prompt")
    actions.do_delete_prompt(get_object_or_404(Prompt, pk=prompt_id))
    return Status(204, None)
