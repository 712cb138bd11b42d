"""Hostile peers: servers written from the API docs, the WHATWG SSE spec and RFC 9110 alone.

logtui's other tests mostly run against logtui's own demo server, which shares logtui's reading
of the docs; these servers do not (nothing here imports ``logtui.demo``). ``proxy_peer`` and
``nextdns_peer`` follow a schedule of :mod:`~tests.hostile.faults`; ``harness`` runs the engine
behind the headless sink and states the invariant; ``test_property`` draws schedules at random
(``LOGTUI_PROPERTY_MINUTES=30`` for a long run); ``test_third_party_peer`` reads sse-starlette.
"""
