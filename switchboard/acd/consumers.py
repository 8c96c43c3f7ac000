"""WebSockets of the floor: each desk and each supervisor page holds one.

Consumers do no business work: they check who may say what, forward commands to the
engine's channel, and relay the engine's events to the browser as JSON.
"""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _

from switchboard.acd import floor
from switchboard.acd.floor import Command

AGENT_COMMANDS = {
    Command.GO_AVAILABLE,
    Command.GO_ON_BREAK,
    Command.LOG_OUT,
    Command.ACCEPT,
    Command.REJECT,
    Command.HANG_UP,
    Command.HOLD,
    Command.TRANSFER,
    Command.MARK_DIFFICULT,
    Command.ORIGINATE,
    Command.SYNC,
}
SUPERVISOR_COMMANDS = {
    Command.SET_AGENT_STATE,
    Command.MOVE_CALL,
    Command.PLACE_VIRTUAL_CALL,
    Command.SYNC,
    Command.MONITOR,
    Command.STOP_MONITOR,
}
# What a browser may send along with a command; anything else is dropped.
FIELDS = {
    "call": str,
    "reason": str,
    "queue": str,
    "on": bool,
    "agent": int,
    "state": str,
    "caller": str,
    "digits": list,
    "talk_s": float,
    "patience_s": float,
    "number": str,
    "contact": int,
    "mode": str,
}


def _clean_fields(content: dict) -> dict:
    fields = {}
    for name, kind in FIELDS.items():
        if name in content:
            value = content[name]
            if kind is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                raise ValueError(_("“%(field)s” has the wrong type.") % {"field": name})
            fields[name] = value
    return fields


class _FloorSocket(AsyncJsonWebsocketConsumer):
    allowed: set[Command] = set()
    permission = ""
    sync_fields: dict = {}

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not await self._may_connect(user):
            await self.close(code=4403)
            return
        self.user = user
        for group in self.groups_to_join():
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self._to_engine(Command.SYNC, self.sync_fields)

    async def disconnect(self, code):
        if hasattr(self, "user"):
            for group in self.groups_to_join():
                await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        try:
            name = Command(content.get("command"))
        except ValueError:
            await self._error(_("Unknown command."))
            return
        if name not in self.allowed:
            await self._error(_("You may not do that here."))
            return
        try:
            fields = _clean_fields(content)
        except ValueError as exc:
            await self._error(str(exc))
            return
        if name == Command.SYNC:
            fields = self.sync_fields
        await self._to_engine(name, fields)

    async def floor_event(self, message):
        payload = {k: v for k, v in message.items() if k != "type"}
        await self.send_json(payload)

    async def _to_engine(self, name: Command, fields: dict):
        await self.channel_layer.send(
            floor.ENGINE_CHANNEL,
            floor.command(name, user_id=self.user.pk, reply_to=self.channel_name, **fields),
        )

    async def _error(self, message: str):
        await self.send_json({"event": str(floor.Event.ERROR), "message": message})

    @database_sync_to_async
    def _may_connect(self, user) -> bool:
        return user.has_perm(self.permission)


class DeskConsumer(_FloorSocket):
    """An agent's desk: their offers, their calls, their state."""

    allowed = AGENT_COMMANDS
    permission = "acd.use_desk"

    def groups_to_join(self):
        return [floor.agent_group(self.user.pk)]

    @database_sync_to_async
    def _may_connect(self, user) -> bool:
        from switchboard.acd.models import AgentProfile

        return user.has_perm(self.permission) and AgentProfile.objects.filter(user=user).exists()


class FloorConsumer(_FloorSocket):
    """The supervisor's live view and the wallboard."""

    allowed = SUPERVISOR_COMMANDS
    permission = "acd.view_floor"
    sync_fields = {"scope": "floor"}  # the whole floor's picture, not one agent's

    def groups_to_join(self):
        return [floor.FLOOR_GROUP]

    async def receive_json(self, content, **kwargs):
        name = content.get("command")
        if name != Command.SYNC and not await self._may(name):
            await self._error(_("You may not do that here."))
            return
        await super().receive_json(content, **kwargs)

    @database_sync_to_async
    def _may(self, command) -> bool:
        if command in (Command.MONITOR, Command.STOP_MONITOR):
            return self.user.has_perm("calls.monitor_call")  # listening is its own right
        return self.user.has_perm("acd.manage_floor")
