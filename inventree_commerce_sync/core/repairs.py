"""Repairs of the target check: what to do when a shop's quantity differs from the figure
wanted, and the history of what was done, for the admin to read and export.

The target check imports the target's orders first, so a difference left afterwards is not
a sale InvenTree does not know. ``decide`` says what to do with it:

- ``NONE``: the shop has the figure wanted;
- ``REPAIR``: write the figure wanted, and record it;
- ``FLAG``: the repair is larger than ``RepairLimit`` allows; it is not written but
  recorded for the admin to confirm (or dismiss);
- ``WAIT``: the shop has less than wanted while its orders could not be read: the
  difference may be a sale not imported yet, and raising the shop's figure could undo it.
  Nothing is written; the next check, with fresh orders, decides. Lowering a shop's figure
  never offers stock that is not there, so that is decided as usual even then.

A repair is larger than the limit when the difference is more than ``units`` AND more than
``percent`` of the larger of the two figures; put differently, the largest repair written
without asking is ``units`` or ``percent``, whichever is more (default 10 units or 50 %).
Why both: at low stock every small repair is a large percentage (a shop at 0 set to 1 is
100 %), and on a large stock a few dozen units are a small drift; neither surprises an
admin. A difference that is large both ways (a shop at 0 set to 500, a shop at 100 set to
0) is what a wrong location, a wrong SKU or a manual restock on the shop looks like, and
is worth a look before it is written. The percentage is of the larger figure, so the rule
is the same in both directions (20 -> 35 and 35 -> 20 are one difference). ``units = 0``
leaves only the percentage, ``percent = 0`` only the units; both 0 flags every repair.

Pure code: no Django. The history is plain JSON (``RepairHistory.to_json``) for the plugin
to keep in its metadata.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import ConfigError, InputError
from .orders import decimal_text, iso_utc, parse_time

NONE, REPAIR, FLAG, WAIT = "none", "repair", "flag", "wait"

# What a history record says was done.
REPAIRED = "repaired"    # written by the target check
FLAGGED = "flagged"      # beyond the limit: not written, waiting for the admin
CONFIRMED = "confirmed"  # a flag the admin confirmed, then written
DISMISSED = "dismissed"  # a flag the admin turned down: not written
RESOLVED = "resolved"    # a flag no longer needed: the shop came to have the figure wanted
OUTCOMES = (REPAIRED, FLAGGED, CONFIRMED, DISMISSED, RESOLVED)
WRITTEN = (REPAIRED, CONFIRMED)

DEFAULT_KEEP = 500  # records kept per target (open flags are kept beyond)
HUNDRED = Decimal(100)


def _number(value: object, where: str) -> Decimal:
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ConfigError(f"{where} must be a number (got {value!r})") from None
    if not number.is_finite() or number < 0:
        raise ConfigError(f"{where} must be a number of 0 or more (got {value!r})")
    return number


@dataclass(frozen=True)
class RepairLimit:
    """The largest repair the target check writes without asking (module docstring)."""

    units: Decimal = Decimal(10)
    percent: Decimal = Decimal(50)

    def __post_init__(self) -> None:
        object.__setattr__(self, "units", _number(self.units, "repair limit (units)"))
        object.__setattr__(self, "percent", _number(self.percent, "repair limit (percent)"))

    @classmethod
    def parse(cls, units: object, percent: object, *, units_setting: str = "REPAIR_LIMIT_UNITS",
              percent_setting: str = "REPAIR_LIMIT_PERCENT") -> RepairLimit:
        """From two settings ("" or None: the default), or a ConfigError naming the setting."""
        default = cls()
        return cls(default.units if units in (None, "") else _number(units, units_setting),
                   default.percent if percent in (None, "") else _number(percent, percent_setting))

    def allowed(self, shop_had: Decimal, wanted: Decimal) -> Decimal:
        """The largest difference written without asking, between these two figures."""
        return max(self.units, self.percent * max(shop_had, wanted) / HUNDRED)

    def text(self) -> str:
        return f"{decimal_text(self.units)} units or {decimal_text(self.percent)} %"


@dataclass(frozen=True)
class Decision:
    action: str  # NONE, REPAIR, FLAG or WAIT
    shop_had: Decimal
    wanted: Decimal
    reason: str = ""

    @property
    def difference(self) -> Decimal:
        return self.wanted - self.shop_had


def decide(shop_had: object, wanted: object, limit: RepairLimit | None = None, *,
           orders_stale: bool = False) -> Decision:
    """What the target check does about one SKU (module docstring)."""
    limit = limit or RepairLimit()
    had = _quantity(shop_had, "what the shop has")
    want = _quantity(wanted, "the figure wanted")
    if had == want:
        return Decision(NONE, had, want)
    difference = abs(want - had)
    if orders_stale and want > had:
        return Decision(WAIT, had, want, "the shop has less than wanted and its orders could not be read: "
                                         "the difference may be a sale not imported yet")
    allowed = limit.allowed(had, want)
    if difference > allowed:
        return Decision(FLAG, had, want, f"a change of {decimal_text(difference)} is more than "
                                         f"{limit.text()} ({decimal_text(allowed)} here): confirm to write it")
    return Decision(REPAIR, had, want)


def _quantity(value: object, what: str) -> Decimal:
    try:
        return _number(value, what)
    except ConfigError as error:
        raise InputError(str(error)) from None


# -- the history ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class RepairRecord:
    """One thing the target check (or the admin) did about a SKU on a target."""

    target: str
    sku: str
    shop_had: Decimal
    wanted: Decimal
    outcome: str
    at: datetime
    part: int | None = None
    part_name: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise InputError(f"repair outcome must be one of {', '.join(OUTCOMES)} (got {self.outcome!r})")
        if not isinstance(self.at, datetime) or self.at.tzinfo is None:
            raise InputError(f"repair time must be an aware datetime (got {self.at!r})")
        object.__setattr__(self, "at", self.at.astimezone(UTC))
        object.__setattr__(self, "shop_had", _quantity(self.shop_had, "what the shop had"))
        object.__setattr__(self, "wanted", _quantity(self.wanted, "the figure wanted"))

    @classmethod
    def of(cls, decision: Decision, *, target: str, sku: str, at: datetime, part: int | None = None,
           part_name: str = "", outcome: str | None = None) -> RepairRecord:
        """The record of a REPAIR (repaired) or FLAG (flagged) decision."""
        if outcome is None:
            outcome = {REPAIR: REPAIRED, FLAG: FLAGGED}.get(decision.action)
            if outcome is None:
                raise InputError(f"a {decision.action!r} decision is not recorded")
        return cls(target, sku, decision.shop_had, decision.wanted, outcome, at, part, part_name, decision.reason)

    @property
    def written(self) -> bool:
        """Whether the figure wanted was written to the shop."""
        return self.outcome in WRITTEN

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "sku": self.sku, "part": self.part, "part_name": self.part_name,
                "shop_had": decimal_text(self.shop_had), "wanted": decimal_text(self.wanted),
                "set": decimal_text(self.wanted) if self.written else None,
                "outcome": self.outcome, "at": iso_utc(self.at), "note": self.note}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RepairRecord:
        try:
            part = data.get("part")
            return cls(str(data["target"]), str(data["sku"]), data["shop_had"], data["wanted"], str(data["outcome"]),
                       parse_time(data["at"], "UTC"), None if part in (None, "") else int(part),
                       str(data.get("part_name") or ""), str(data.get("note") or ""))
        except KeyError as missing:
            raise InputError(f"repair record without {missing.args[0]!r}: {dict(data)!r}") from None
        except ValueError as error:
            raise InputError(f"repair record {dict(data)!r}: {error}") from None


CSV_HEADER = ("time (UTC)", "target", "part", "part name", "SKU", "shop had", "wanted", "set", "outcome", "note")


def _cell(text: str) -> str:
    """Text a spreadsheet shows as text: a leading = + - @ would start a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class RepairHistory:
    """The records of repairs and flags, oldest first, at most ``keep`` per target; a flag
    still open (not yet followed by another record of its target and SKU) is kept beyond."""

    def __init__(self, records: Iterable[RepairRecord] = (), keep: int = DEFAULT_KEEP):
        if keep < 1:
            raise ConfigError(f"repair history size must be 1 or more (got {keep})")
        self.keep = keep
        self.records: list[RepairRecord] = sorted(records, key=lambda r: r.at)
        self._trim()

    def add(self, record: RepairRecord) -> bool:
        """Append a record; False (nothing added) when it repeats the open flag of its SKU
        (the same figures flagged again by the next check)."""
        if record.outcome == FLAGGED:
            open_flag = self.open_flag(record.target, record.sku)
            if open_flag and (open_flag.shop_had, open_flag.wanted) == (record.shop_had, record.wanted):
                return False
        self.records.append(record)
        self.records.sort(key=lambda r: r.at)  # stable: same time keeps the order of adding
        self._trim()
        return True

    def _latest(self) -> dict[tuple[str, str], RepairRecord]:
        latest: dict[tuple[str, str], RepairRecord] = {}
        for record in self.records:
            latest[(record.target, record.sku)] = record
        return latest

    def open_flags(self, target: str | None = None) -> list[RepairRecord]:
        """Flags waiting for the admin, oldest first (one per target and SKU: the latest)."""
        return [r for r in self._latest().values()
                if r.outcome == FLAGGED and (target is None or r.target == target)]

    def open_flag(self, target: str, sku: str) -> RepairRecord | None:
        record = self._latest().get((target, sku))
        return record if record is not None and record.outcome == FLAGGED else None

    def dismissed(self, target: str, sku: str, shop_had: Decimal, wanted: Decimal) -> bool:
        """Whether the admin dismissed exactly this difference (the latest record of the SKU):
        the target check leaves it alone, and flags it again only once a figure changes."""
        record = self._latest().get((target, sku))
        return (record is not None and record.outcome == DISMISSED
                and (record.shop_had, record.wanted) == (shop_had, wanted))

    def for_target(self, target: str) -> list[RepairRecord]:
        return [r for r in self.records if r.target == target]

    def _trim(self) -> None:
        open_flags = {id(r) for r in self.open_flags()}
        kept: list[RepairRecord] = []
        counts: dict[str, int] = {}
        for record in reversed(self.records):  # newest first: the newest ``keep`` per target stay
            counts[record.target] = counts.get(record.target, 0) + 1
            if counts[record.target] <= self.keep or id(record) in open_flags:
                kept.append(record)
        self.records = kept[::-1]

    def to_json(self) -> list[dict[str, Any]]:
        return [record.to_dict() for record in self.records]

    @classmethod
    def from_json(cls, data: Iterable[Mapping[str, Any]] | None, keep: int = DEFAULT_KEEP) -> RepairHistory:
        return cls((RepairRecord.from_dict(item) for item in data or ()), keep)

    def csv_rows(self, target: str | None = None) -> list[list[str]]:
        """The header and one row per record, oldest first (of one target, or all)."""
        rows = [list(CSV_HEADER)]
        for r in self.records:
            if target is not None and r.target != target:
                continue
            item = r.to_dict()
            rows.append([item["at"], _cell(r.target), "" if r.part is None else str(r.part), _cell(r.part_name),
                         _cell(r.sku), item["shop_had"], item["wanted"], item["set"] or "", r.outcome,
                         _cell(r.note)])
        return rows

    def csv_text(self, target: str | None = None) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows(self.csv_rows(target))
        return buffer.getvalue()


class RepairCheck:
    """One target check's repairs: ``decide`` for each SKU read (the engine asks), and the
    records to add to the history once the check is over (``records``).

    A repair is recorded only once it was written (``written``, called by the engine after a
    successful write); a flag when it is decided; an open flag whose SKU now has the figure
    wanted is recorded as resolved. ``waiting`` holds the SKUs left alone because the orders
    were stale.
    """

    def __init__(self, target: str, limit: RepairLimit | None = None, *, orders_stale: bool = False,
                 history: RepairHistory | None = None, parts: Mapping[str, tuple[int | None, str]] | None = None,
                 clock=None):
        self.target = target
        self.limit = limit or RepairLimit()
        self.orders_stale = orders_stale
        self.history = history or RepairHistory()
        self.parts = dict(parts or {})  # sku -> (part id, part name)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.records: list[RepairRecord] = []
        self.waiting: list[str] = []
        self._to_write: dict[str, Decision] = {}

    def _record(self, decision: Decision, sku: str, outcome: str | None = None) -> None:
        part, name = self.parts.get(sku, (None, ""))
        self.records.append(RepairRecord.of(decision, target=self.target, sku=sku, at=self.clock(), part=part,
                                            part_name=name, outcome=outcome))

    def decide(self, sku: str, shop_had: object, wanted: object) -> Decision:
        decision = decide(shop_had, wanted, self.limit, orders_stale=self.orders_stale)
        if decision.action == NONE:
            if self.history.open_flag(self.target, sku) is not None:
                self._record(decision, sku, RESOLVED)
        elif decision.action == REPAIR:
            self._to_write[sku] = decision
        elif decision.action == FLAG:
            if not self.history.dismissed(self.target, sku, decision.shop_had, decision.wanted):
                self._record(decision, sku)
        else:
            self.waiting.append(sku)
        return decision

    def written(self, sku: str) -> None:
        """The repair decided for ``sku`` was written to the shop."""
        decision = self._to_write.pop(sku, None)
        if decision is not None:
            self._record(decision, sku)

    def counts(self) -> dict[str, int]:
        found = {outcome: 0 for outcome in (REPAIRED, FLAGGED, RESOLVED)}
        for record in self.records:
            found[record.outcome] = found.get(record.outcome, 0) + 1
        return {**found, "waiting": len(self.waiting)}
