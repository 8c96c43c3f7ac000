"""Asking the engine to place an agent's outbound call, from a web process (the contact page,
the API), and waiting for its answer: `dialing` (the record is open) or a refusal."""

from __future__ import annotations

import asyncio

from channels.layers import get_channel_layer

from switchboard.acd import floor

ENGINE_REPLY_SECONDS = 5.0


async def ask_engine_to_originate(
    agent: int, number: str, contact: int | None, mode: str
) -> dict | None:
    """The engine's reply (`dialing` or `error` with a code and message), None if it is silent."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.send(
        floor.ENGINE_CHANNEL,
        floor.command(
            floor.Command.ORIGINATE,
            user_id=agent,
            reply_to=channel,
            number=number,
            contact=contact,
            mode=mode,
            confirm=True,
        ),
    )
    try:
        return await asyncio.wait_for(layer.receive(channel), ENGINE_REPLY_SECONDS)
    except TimeoutError:
        return None
