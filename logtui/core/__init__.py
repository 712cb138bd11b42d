"""The Textual-free core of logtui.

Everything here (models, wire protocols, sources, reconnect logic, the entry store, filters and
stats) runs and is tested without a terminal. ``logtui.tui`` sits on top of it; nothing in this
package may import Textual, Rich or ``logtui.tui`` (enforced by ``tests/test_layering.py``).
"""
