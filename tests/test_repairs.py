"""What the target check does about a difference, and the history the admin reads and exports."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from inventree_commerce_sync.core.errors import ConfigError, InputError
from inventree_commerce_sync.core.repairs import (
    CONFIRMED,
    CSV_HEADER,
    DISMISSED,
    FLAG,
    FLAGGED,
    NONE,
    REPAIR,
    REPAIRED,
    WAIT,
    RepairHistory,
    RepairLimit,
    RepairRecord,
    decide,
)

D = Decimal
T0 = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)


@pytest.mark.parametrize(("shop_had", "wanted", "action"), [
    (10, 10, NONE),
    (0, 0, NONE),
    ("7.0", 7, NONE),
    (12, 10, REPAIR),   # a manual edit of 2
    (0, 1, REPAIR),     # 100 % of a tiny figure is still only 1 unit
    (0, 10, REPAIR),    # exactly 10 units: not more than the limit
    (0, 11, FLAG),      # 11 units and 100 %
    (10, 0, REPAIR),
    (11, 0, FLAG),
    (1000, 960, REPAIR),  # 40 units, but 4 %
    (100, 0, FLAG),
    (0, 500, FLAG),
    (20, 40, REPAIR),   # 20 units = 50 % of 40: not more than the limit
    (20, 41, FLAG),     # 21 units > 20.5 (50 % of 41)
    (41, 20, FLAG),     # the same difference the other way
    ("10.5", "0.75", REPAIR),  # 9.75 units
    ("10.5", "0.25", FLAG),    # 10.25 units
])
def test_a_repair_is_flagged_when_larger_than_10_units_and_50_percent_of_the_larger_figure(shop_had, wanted, action):
    assert decide(shop_had, wanted).action == action


def test_a_flag_says_why_and_what_to_do():
    decision = decide(100, 0)
    assert decision.difference == -100
    assert decision.reason == "a change of 100 is more than 10 units or 50 % (50 here): confirm to write it"


def test_a_zero_limit_leaves_the_other_and_both_zero_flag_everything():
    percent_only = RepairLimit(units=0, percent=50)
    assert decide(1, 3, percent_only).action == FLAG      # 2 > 1.5
    assert decide(1000, 960, percent_only).action == REPAIR
    units_only = RepairLimit(units=10, percent=0)
    assert decide(1000, 960, units_only).action == FLAG
    assert decide(0, 10, units_only).action == REPAIR
    assert decide(5, 6, RepairLimit(0, 0)).action == FLAG


def test_with_stale_orders_a_shop_is_never_raised_but_may_be_lowered():
    assert decide(8, 10, orders_stale=True).action == WAIT  # may be a sale not imported
    assert decide(12, 10, orders_stale=True).action == REPAIR
    assert decide(100, 0, orders_stale=True).action == FLAG
    assert decide(10, 10, orders_stale=True).action == NONE


def test_limit_settings_are_parsed_with_the_setting_named():
    assert RepairLimit.parse("", None) == RepairLimit(D(10), D(50))
    assert RepairLimit.parse("5", "25.5") == RepairLimit(D(5), D("25.5"))
    with pytest.raises(ConfigError, match="REPAIR_LIMIT_UNITS must be a number \\(got 'ten'\\)"):
        RepairLimit.parse("ten", 50)
    with pytest.raises(ConfigError, match="REPAIR_LIMIT_PERCENT must be a number of 0 or more \\(got '-1'\\)"):
        RepairLimit.parse(10, "-1")


def test_bad_quantities_are_refused():
    with pytest.raises(InputError, match="what the shop has must be a number"):
        decide(None, 3)
    with pytest.raises(InputError, match="the figure wanted must be a number of 0 or more"):
        decide(3, "-2")


# -- records -------------------------------------------------------------------------------------

def record(sku="A-1", outcome=REPAIRED, minutes=0, target="magento", shop_had=12, wanted=10, **more):
    return RepairRecord(target, sku, D(shop_had), D(wanted), outcome, T0 + timedelta(minutes=minutes), **more)


def test_a_record_round_trips_through_json():
    decision = decide(100, 0)
    original = RepairRecord.of(decision, target="zoho", sku="B/2", at=T0, part=42, part_name="Bolt M3")
    data = json.loads(json.dumps(original.to_dict()))
    assert data == {"target": "zoho", "sku": "B/2", "part": 42, "part_name": "Bolt M3", "shop_had": "100",
                    "wanted": "0", "set": None, "outcome": "flagged", "at": "2026-12-01T20:00:00Z",
                    "note": decision.reason}
    assert RepairRecord.from_dict(data) == original
    repaired = RepairRecord.of(decide(12, 10), target="zoho", sku="B/2", at=T0)
    assert repaired.to_dict()["set"] == "10" and repaired.written


def test_a_decision_that_writes_nothing_is_not_a_record():
    with pytest.raises(InputError, match="a 'wait' decision is not recorded"):
        RepairRecord.of(decide(8, 10, orders_stale=True), target="zoho", sku="X", at=T0)


@pytest.mark.parametrize(("data", "message"), [
    ({"sku": "A", "shop_had": "1", "wanted": "2", "outcome": "repaired", "at": "2026-12-01T20:00:00Z"},
     "repair record without 'target'"),
    ({"target": "t", "sku": "A", "shop_had": "1", "wanted": "2", "outcome": "done", "at": "2026-12-01T20:00:00Z"},
     "repair outcome must be one of"),
    ({"target": "t", "sku": "A", "shop_had": "1", "wanted": "2", "outcome": "repaired", "at": "yesterday"},
     "not an ISO-8601 time"),
    ({"target": "t", "sku": "A", "shop_had": "x", "wanted": "2", "outcome": "repaired", "at": "2026-12-01T20:00Z"},
     "what the shop had must be a number"),
])
def test_an_unreadable_record_is_refused_with_what_is_wrong(data, message):
    with pytest.raises(InputError, match=message):
        RepairRecord.from_dict(data)


def test_a_naive_time_is_refused():
    with pytest.raises(InputError, match="aware datetime"):
        RepairRecord("t", "A", D(1), D(2), REPAIRED, datetime(2026, 12, 1))


# -- the history ---------------------------------------------------------------------------------

def test_the_history_keeps_the_last_n_per_target():
    history = RepairHistory(keep=3)
    for minute in range(5):
        history.add(record(sku=f"M-{minute}", minutes=minute, target="magento"))
        history.add(record(sku=f"W-{minute}", minutes=minute, target="woocommerce"))
    assert [r.sku for r in history.for_target("magento")] == ["M-2", "M-3", "M-4"]
    assert [r.sku for r in history.for_target("woocommerce")] == ["W-2", "W-3", "W-4"]


def test_an_open_flag_outlives_the_bound_until_it_is_answered():
    history = RepairHistory(keep=2)
    history.add(record(sku="BIG", outcome=FLAGGED, shop_had=100, wanted=0))
    for minute in range(1, 5):
        history.add(record(sku=f"S-{minute}", minutes=minute))
    assert [r.sku for r in history.records] == ["BIG", "S-3", "S-4"]
    assert [r.sku for r in history.open_flags("magento")] == ["BIG"]
    history.add(record(sku="BIG", outcome=CONFIRMED, shop_had=100, wanted=0, minutes=5))
    assert history.open_flags() == []
    assert [r.sku for r in history.records] == ["S-4", "BIG"]


def test_the_same_flag_found_again_is_recorded_once_and_a_new_figure_replaces_it():
    history = RepairHistory()
    assert history.add(record(outcome=FLAGGED, shop_had=100, wanted=0))
    assert not history.add(record(outcome=FLAGGED, shop_had=100, wanted=0, minutes=15))
    assert len(history.records) == 1
    assert history.add(record(outcome=FLAGGED, shop_had=100, wanted=3, minutes=30))
    assert [(r.wanted, r.at.minute) for r in history.open_flags()] == [(3, 30)]
    history.add(record(outcome=DISMISSED, shop_had=100, wanted=3, minutes=31))
    assert history.open_flag("magento", "A-1") is None
    # flagged again after a dismissal: a new question for the admin
    assert history.add(record(outcome=FLAGGED, shop_had=100, wanted=3, minutes=45))


def test_the_history_round_trips_through_json_oldest_first():
    history = RepairHistory([record(sku="B", minutes=2), record(sku="A", minutes=1, part=7, part_name="Axle")])
    data = json.loads(json.dumps(history.to_json()))
    assert [item["sku"] for item in data] == ["A", "B"]
    again = RepairHistory.from_json(data)
    assert again.records == history.records
    assert RepairHistory.from_json(None).records == []


def test_the_csv_export_has_a_row_per_record_and_is_safe_in_a_spreadsheet():
    history = RepairHistory([
        record(sku="A-1", part=7, part_name="Axle"),
        RepairRecord.of(decide(100, 0), target="magento", sku="=HYPERLINK(\"x\")", at=T0 + timedelta(minutes=1),
                        part_name="+evil"),
        record(sku="Z-1", target="zoho", minutes=2, shop_had="1.5", wanted="2.25"),
    ])
    rows = list(csv.reader(io.StringIO(history.csv_text())))
    assert rows[0] == list(CSV_HEADER)
    assert rows[1] == ["2026-12-01T20:00:00Z", "magento", "7", "Axle", "A-1", "12", "10", "10", "repaired", ""]
    assert rows[2][3:9] == ["'+evil", "'=HYPERLINK(\"x\")", "100", "0", "", "flagged"]
    assert rows[3][5:9] == ["1.5", "2.25", "2.25", "repaired"]
    assert [row[4] for row in csv.reader(io.StringIO(history.csv_text("zoho")))] == ["SKU", "Z-1"]


def test_a_history_of_size_0_is_refused():
    with pytest.raises(ConfigError, match="repair history size must be 1 or more"):
        RepairHistory(keep=0)


# -- the target check's gate in the engine -------------------------------------------------------

def _check_engine(shop: dict, *, history=None, stale=False, limit=None):
    from inventree_commerce_sync.core.engine import SyncEngine
    from inventree_commerce_sync.core.ledger import MemoryLedger
    from inventree_commerce_sync.core.repairs import RepairCheck

    from .fakes import FakeTarget

    target = FakeTarget({sku: D(q) for sku, q in shop.items()})
    check = RepairCheck("fake", limit, orders_stale=stale, history=history,
                        parts={"A": (1, "Part A"), "B": (2, "Part B")}, clock=lambda: T0)
    return target, check, SyncEngine(target, MemoryLedger(), repairs=check)


def _levels(**quantities):
    from inventree_commerce_sync.core.levels import StockLevel

    return [StockLevel(sku, D(q)) for sku, q in quantities.items()]


def test_a_target_check_repairs_a_small_edit_records_it_and_flags_a_large_one_unwritten():
    from inventree_commerce_sync.core.engine import Result

    target, check, engine = _check_engine({"A": 12, "B": 0, "C": 5})
    report = engine.sync(_levels(A=10, B=40, C=5), verify=True)
    assert target.stock == {"A": 10, "B": 0, "C": 5}  # A repaired, B flagged (not written), C right
    assert {r.sku: r.outcome for r in report.results} == {"A": Result.PUSHED, "B": Result.FLAGGED,
                                                          "C": Result.UNCHANGED}
    assert [(r.sku, r.outcome, r.shop_had, r.wanted, r.part, r.part_name) for r in check.records] == [
        ("B", FLAGGED, 0, 40, 2, "Part B"), ("A", REPAIRED, 12, 10, 1, "Part A")]
    assert "confirm to write it" in next(r.error for r in report.results if r.sku == "B")
    assert report.summary() == "fake: 1 pushed, 1 unchanged, 1 flagged"


def test_a_repair_that_fails_to_write_is_not_recorded():
    target, check, engine = _check_engine({"A": 12})
    target.reject["A"] = "refused"
    engine.sync(_levels(A=10), verify=True)
    assert check.records == [] and target.stock == {"A": 12}


def test_stale_orders_leave_a_raise_waiting_but_still_lower_a_figure():
    from inventree_commerce_sync.core.engine import Result

    target, check, engine = _check_engine({"A": 8, "B": 12}, stale=True)
    report = engine.sync(_levels(A=10, B=10), verify=True)
    assert target.stock == {"A": 8, "B": 10}  # raising A could undo a sale not imported yet
    assert {r.sku: r.outcome for r in report.results} == {"A": Result.WAITING, "B": Result.PUSHED}
    assert check.waiting == ["A"] and [r.sku for r in check.records] == ["B"]


def test_a_flag_the_shop_no_longer_needs_is_resolved_and_a_dismissed_one_not_flagged_again():
    history = RepairHistory([RepairRecord("fake", "A", D(0), D(40), FLAGGED, T0 - timedelta(hours=1)),
                             RepairRecord("fake", "B", D(0), D(40), FLAGGED, T0 - timedelta(hours=2)),
                             RepairRecord("fake", "B", D(0), D(40), DISMISSED, T0 - timedelta(hours=1))])
    target, check, engine = _check_engine({"A": 40, "B": 0}, history=history)
    engine.sync(_levels(A=40, B=40), verify=True)
    assert [(r.sku, r.outcome) for r in check.records] == [("A", "resolved")]
    assert target.stock == {"A": 40, "B": 0}  # the dismissed difference is still not written
    for record in check.records:
        history.add(record)
    assert history.open_flags() == []
    # once a figure changes, the difference is flagged again
    target2, check2, engine2 = _check_engine({"B": 0}, history=history)
    engine2.sync(_levels(B=41), verify=True)
    assert [(r.sku, r.outcome, r.wanted) for r in check2.records] == [("B", FLAGGED, 41)]


def test_without_a_gate_or_when_forced_every_difference_is_written():
    from inventree_commerce_sync.core.engine import SyncEngine
    from inventree_commerce_sync.core.ledger import MemoryLedger

    from .fakes import FakeTarget

    target = FakeTarget({"A": D(0)})
    SyncEngine(target, MemoryLedger()).sync(_levels(A=500), verify=True)
    assert target.stock == {"A": 500}
    target, check, engine = _check_engine({"A": 0})
    engine.sync(_levels(A=500), verify=True, force=True)
    assert target.stock == {"A": 500} and check.records == []
