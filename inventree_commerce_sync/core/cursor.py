"""A cursor over a shop's orders that never misses one.

Shops' modification times are neither unique (many orders share a second) nor strictly
ordered (an order is committed after a later one was already listed; clustered servers'
clocks differ). A cursor that only kept "the last time seen" and asked for "after it" would
lose every order that shares that time across a page boundary, and every order that shows
up late with an earlier time. So the cursor keeps, per target:

- the latest modification time seen (never moves backwards),
- the (id, modification time) of every order seen within the overlap window below it,

and each read asks for everything since ``last - overlap``. Orders read again are
recognised (``is_new`` is False when that id was already seen at that modification time or
a later one) and cost nothing; seeing an order twice is harmless anyway, the importer is
idempotent. Only shop times are compared, never the local clock, so the local clock being
off does not matter; the shop's own clock being off by less than the overlap does not
either. An order that appears with a time older than the window is the order audit's job
(it re-reads whole days).

The value is plain data: ``to_dict``/``from_dict`` for the plugin's metadata, and ``load`` /
``save`` for a JSON file of cursors (one file may hold those of many targets), kept for the
command line's ``orders`` command, which does not use them yet.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .errors import InputError
from .orders import Order, iso_utc, parse_time

DEFAULT_OVERLAP = timedelta(minutes=10)
MAX_REMEMBERED = 5000  # ids kept for is_new; beyond it the oldest are forgotten (then read as new: harmless)


@dataclass
class OrderCursor:
    target: str
    overlap: timedelta = DEFAULT_OVERLAP
    last_modified: datetime | None = None
    recent: dict[str, datetime] = field(default_factory=dict)  # order id -> latest modification seen

    def since(self, default: datetime) -> datetime:
        """Where the next read starts: ``default`` for a fresh cursor, else the last
        modification seen minus the overlap."""
        if self.last_modified is None:
            return default
        return self.last_modified - self.overlap

    def is_new(self, order: Order) -> bool:
        """True unless this order was already seen at this modification time (or a later one)."""
        return not self.is_known(order.id, order.modified)

    def is_known(self, order_id: str, modified: datetime) -> bool:
        """True when the order with this id was already seen at ``modified`` or later: the
        ``known`` a read can skip it by (``OrderSource.read_orders``) before it is fetched."""
        seen = self.recent.get(str(order_id))
        return seen is not None and modified <= seen

    def seen(self, order: Order) -> None:
        """Record an order as handled. Call it after the order was dealt with, in the order
        the shop listed them, so a crash in the middle loses nothing."""
        previous = self.recent.get(order.id)
        if previous is None or order.modified > previous:
            self.recent[order.id] = order.modified
        if self.last_modified is None or order.modified > self.last_modified:
            self.last_modified = order.modified
        self._forget_old()

    def merge(self, other: OrderCursor) -> None:
        """Take in what another reader of the same target saw (two workers polling at once):
        the later time and every id wins, so neither can move the cursor backwards."""
        for order_id, modified in other.recent.items():
            if order_id not in self.recent or modified > self.recent[order_id]:
                self.recent[order_id] = modified
        if other.last_modified is not None and (self.last_modified is None or other.last_modified > self.last_modified):
            self.last_modified = other.last_modified
        self._forget_old()

    @property
    def ids_at_last(self) -> set[str]:
        """The ids seen at the latest modification time."""
        return {i for i, t in self.recent.items() if t == self.last_modified}

    def _forget_old(self) -> None:
        if self.last_modified is None:
            return
        floor = self.last_modified - self.overlap
        if any(t < floor for t in self.recent.values()):
            self.recent = {i: t for i, t in self.recent.items() if t >= floor}
        if len(self.recent) > MAX_REMEMBERED:
            keep = sorted(self.recent.items(), key=lambda item: (item[1], item[0]))[-MAX_REMEMBERED:]
            self.recent = dict(keep)

    # -- plain data --------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "overlap_seconds": self.overlap.total_seconds(),
            "last_modified": iso_utc(self.last_modified) if self.last_modified else None,
            "recent": {i: iso_utc(t) for i, t in sorted(self.recent.items())},
        }

    @classmethod
    def from_dict(cls, data: Any, target: str, *, overlap: timedelta | None = None) -> OrderCursor:
        """A cursor from ``to_dict``'s form; None or {} is a fresh cursor. ``overlap``
        (a setting) wins over the stored one. A damaged value is an InputError."""
        if not data:
            return cls(target, overlap if overlap is not None else DEFAULT_OVERLAP)
        try:
            stored = timedelta(seconds=float(data.get("overlap_seconds", DEFAULT_OVERLAP.total_seconds())))
            last = data.get("last_modified")
            cursor = cls(
                target,
                overlap if overlap is not None else stored,
                parse_time(last) if last else None,
                {str(i): parse_time(t) for i, t in (data.get("recent") or {}).items()},
            )
        except (AttributeError, TypeError, ValueError) as exc:
            raise InputError(f"the order cursor of {target} is damaged ({exc}); reset it to read again") from None
        if cursor.overlap < timedelta(0):
            raise InputError(f"the order cursor of {target} has a negative overlap")
        return cursor

    @classmethod
    def load(cls, path: str | Path, target: str, *, overlap: timedelta | None = None) -> OrderCursor:
        """The cursor of ``target`` from a JSON file of cursors (fresh when the file or the
        target is not there yet)."""
        return cls.from_dict(_read_file(Path(path)).get(target), target, overlap=overlap)

    def save(self, path: str | Path) -> None:
        """Write this cursor into the file (other targets' cursors kept), atomically."""
        file = Path(path)
        data = _read_file(file)
        data[self.target] = self.to_dict()
        file.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out, indent=1, sort_keys=True)
            os.replace(temp, file)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise


def _read_file(file: Path) -> dict[str, Any]:
    try:
        data = json.loads(file.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{file}: not a JSON file of order cursors ({exc}); delete it to read again") from None
    if not isinstance(data, dict):
        raise InputError(f"{file}: not a JSON file of order cursors (expected an object)")
    return data
