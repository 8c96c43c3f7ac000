"""The pure core of Switchboard: algorithms that take events and return decisions.

Nothing under this package imports Django, Channels, Ninja or sippy
(tests/core/test_purity.py checks), so the same code runs live, in tests and
inside the simulator.
"""
