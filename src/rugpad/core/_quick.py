"""A faster `__init__` for the frozen dataclasses a triage builds thousands of times a second.

A frozen dataclass sets each field through ``object.__setattr__`` (frozen classes refuse ordinary assignment), about
0.2 µs a field: building one `TriageResult` cost more than reading the case's JSON. `quick_init` gives such a class
(frozen, without slots) an `__init__` with the same signature that stores all fields in one step, as the instance's
``__dict__``. The class stays frozen (assignment still raises `FrozenInstanceError`), compares, hashes and prints
as before; `__post_init__` still runs. Pure code generation from the dataclass's own fields, as `dataclasses` does.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar, cast

__all__ = ["quick_init"]

_T = TypeVar("_T")


def quick_init(cls: type[_T]) -> type[_T]:
    """Replace the generated `__init__` of frozen dataclass `cls` (not slotted) by one that sets `__dict__` at once."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" in cls.__dict__:
        raise TypeError(f"quick_init needs a frozen dataclass without slots, not {cls.__name__}")
    fields = dataclasses.fields(cast(Any, cls))
    namespace: dict[str, Any] = {"_set": object.__setattr__, "_MISSING": dataclasses.MISSING}
    arguments: list[str] = []
    prelude: list[str] = []
    for field in fields:
        if not field.init:
            raise TypeError(f"quick_init: {cls.__name__}.{field.name} is not an __init__ argument")
        name = field.name
        if field.default is not dataclasses.MISSING:
            namespace[f"_default_{name}"] = field.default
            arguments.append(f"{name}=_default_{name}")
        elif field.default_factory is not dataclasses.MISSING:
            namespace[f"_factory_{name}"] = field.default_factory
            arguments.append(f"{name}=_MISSING")
            prelude.append(f"    if {name} is _MISSING:\n        {name} = _factory_{name}()\n")
        else:
            arguments.append(name)
    names = [field.name for field in fields]
    body = "".join(prelude) + "    _set(self, '__dict__', {" + ", ".join(f"{n!r}: {n}" for n in names) + "})\n"
    if hasattr(cls, "__post_init__"):
        body += "    self.__post_init__()\n"
    keyword_only = "*, " if getattr(params, "kw_only", False) else ""
    source = f"def __init__(self, {keyword_only}{', '.join(arguments)}):\n{body}"
    exec(source, namespace)  # generated from the dataclass's own field names, as dataclasses itself does
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    cls.__init__ = init  # type: ignore[method-assign]
    return cls
