"""rugpad: care pathway software for back and neck pain.

`rugpad.core` is the pure clinical core (no Django, no I/O); `rugpad.content` holds the versioned clinical
content and its loader; `rugpad.engine` joins the two for the CLI and the web app.
"""

__version__ = "0.1.0"
