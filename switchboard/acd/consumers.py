"""WebSockets of the floor — the engine branch's minimal desk, for its tests and benchmark.

The desk of issue 5 replaces this module; the JSON shape is the same: events go
to the browser as `{"event": ..., ...}`, commands come from it as
`{"command": ..., ...}`.
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
    Command.FINISH_WRAP_UP,
    Command.MARK_DIFFICULT,
    Command.SYNC,
}
FIELDS = {"call": str, "reason": str, "queue": str, "on": bool}


class DeskConsumer(AsyncJsonWebsocketConsumer):
    """An agent's desk: their offers, their calls, their state."""

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not await self._is_agent(user):
            await self.close(code=4403)
            return
        self.user = user
        self.group = floor.agent_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self._to_engine(Command.SYNC, {})

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        try:
            name = Command(content.get("command"))
        except ValueError:
            name = None
        if name not in AGENT_COMMANDS:
            await self.send_json(
                {"event": str(floor.Event.ERROR), "message": _("Unknown command.")}
            )
            return
        fields = {k: content[k] for k, kind in FIELDS.items() if isinstance(content.get(k), kind)}
        await self._to_engine(name, fields)

    async def floor_event(self, message):
        await self.send_json({k: v for k, v in message.items() if k != "type"})

    async def _to_engine(self, name, fields):
        await self.channel_layer.send(
            floor.ENGINE_CHANNEL,
            floor.command(name, user_id=self.user.pk, reply_to=self.channel_name, **fields),
        )

    @database_sync_to_async
    def _is_agent(self, user) -> bool:
        from switchboard.acd.models import AgentProfile

        return AgentProfile.objects.filter(user=user).exists()
