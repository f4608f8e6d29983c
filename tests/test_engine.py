from decimal import Decimal

import pytest

from inventree_commerce_sync.core import ledger as L
from inventree_commerce_sync.core.engine import Result, SyncEngine
from inventree_commerce_sync.core.errors import AuthenticationError, TargetError, TargetUnavailable
from inventree_commerce_sync.core.ledger import MemoryLedger, SqliteLedger
from inventree_commerce_sync.core.levels import QuantityPolicy, StockLevel
from inventree_commerce_sync.core.target import OK, Outcome, Remote

from .fakes import FakeTarget

D = Decimal


def levels(**quantities):
    return [StockLevel(sku, D(q)) for sku, q in quantities.items()]


def outcomes(report):
    return {r.sku: r.outcome for r in report.results}


@pytest.fixture
def target():
    return FakeTarget({"A": D(0), "B": D(0), "C": D(0), "D": D(0), "E": D(0)}, unmanaged={"E"})


def test_first_sync_pushes_in_write_batches_and_reports_each_sku(target):
    report = SyncEngine(target, MemoryLedger()).sync(levels(A=1, B=2, C=3, D=4, E=5, X=6))
    assert outcomes(report) == {"A": Result.PUSHED, "B": Result.PUSHED, "C": Result.PUSHED,
                                "D": Result.PUSHED, "E": Result.SKIPPED, "X": Result.NOT_FOUND}
    assert target.write_calls == [["A", "B", "C"], ["D"]]
    assert all(len(call) <= target.resolve_batch for call in target.resolve_calls)
    assert target.stock == {"A": 1, "B": 2, "C": 3, "D": 4, "E": 0}
    skipped = next(r for r in report.results if r.sku == "E")
    assert skipped.error == "stock is not managed for this product"


def test_second_sync_writes_only_what_changed(target):
    ledger = MemoryLedger()
    engine = SyncEngine(target, ledger)
    engine.sync(levels(A=1, B=2, C=3))
    target.write_calls.clear()
    target.resolve_calls.clear()
    report = engine.sync(levels(A=1, B=7, C=3))
    assert outcomes(report) == {"A": Result.UNCHANGED, "B": Result.PUSHED, "C": Result.UNCHANGED}
    assert target.write_calls == [["B"]]
    assert target.resolve_calls == [["B"]]


def test_nothing_changed_means_no_request_at_all(target):
    engine = SyncEngine(target, MemoryLedger())
    engine.sync(levels(A=1, B=2))
    target.write_calls.clear()
    target.resolve_calls.clear()
    report = engine.sync(levels(A=1, B=2))
    assert report.counts[Result.UNCHANGED] == 2
    assert target.write_calls == [] and target.resolve_calls == []


def test_force_writes_even_unchanged_levels(target):
    engine = SyncEngine(target, MemoryLedger())
    engine.sync(levels(A=1, B=2))
    target.write_calls.clear()
    report = engine.sync(levels(A=1, B=2), force=True)
    assert outcomes(report) == {"A": Result.PUSHED, "B": Result.PUSHED}
    assert target.write_calls == [["A", "B"]]


def test_dry_run_writes_nothing_and_records_what_it_would_write(target):
    ledger = MemoryLedger()
    report = SyncEngine(target, ledger, dry_run=True).sync(levels(A=4, X=1))
    assert outcomes(report) == {"A": Result.WOULD_PUSH, "X": Result.NOT_FOUND}
    assert target.write_calls == []
    assert target.stock["A"] == 0
    entry = ledger.get_many("fake", ["A"])["A"]
    assert (entry.status, entry.pending_quantity, entry.quantity) == (L.DRY_RUN, D(4), None)
    # a later real sync still pushes it: dry-run never counts as synced
    report = SyncEngine(target, ledger).sync(levels(A=4))
    assert outcomes(report) == {"A": Result.PUSHED}


def test_partially_failed_batch_gives_per_sku_outcomes_and_retries_only_failures(target):
    ledger = MemoryLedger()
    target.reject["B"] = "Invalid ID."
    engine = SyncEngine(target, ledger)
    report = engine.sync(levels(A=1, B=2, C=3))
    assert outcomes(report) == {"A": Result.PUSHED, "B": Result.FAILED, "C": Result.PUSHED}
    failed = next(r for r in report.results if r.sku == "B")
    assert failed.error == "Invalid ID."
    entry = ledger.get_many("fake", ["B"])["B"]
    assert (entry.status, entry.attempts, entry.last_error) == (L.ERROR, 1, "Invalid ID.")

    del target.reject["B"]
    target.write_calls.clear()
    report = engine.sync(levels(A=1, B=2, C=3))
    assert outcomes(report) == {"A": Result.UNCHANGED, "B": Result.PUSHED, "C": Result.UNCHANGED}
    assert target.write_calls == [["B"]]
    assert ledger.get_many("fake", ["B"])["B"].attempts == 0


def test_a_batch_the_target_refuses_fails_its_skus_and_the_others_go_on(target):
    target.fail_next_write = TargetError("fake", "POST /batch failed with HTTP 400: bad batch", status=400)
    report = SyncEngine(target, MemoryLedger()).sync(levels(A=1, B=2, C=3, D=4))
    assert outcomes(report) == {"A": Result.FAILED, "B": Result.FAILED, "C": Result.FAILED, "D": Result.PUSHED}
    assert report.results[0].error == "fake: POST /batch failed with HTTP 400: bad batch"


def test_a_target_that_goes_down_while_writing_stops_the_sync_and_loses_nothing(target):
    ledger = MemoryLedger()
    target.fail_next_write = TargetUnavailable("fake", "POST /batch failed with HTTP 503: busy", status=503)
    report = SyncEngine(target, ledger).sync(levels(A=1, B=2, C=3, D=4))
    assert outcomes(report) == {"A": Result.FAILED, "B": Result.FAILED, "C": Result.FAILED, "D": Result.FAILED}
    assert target.write_calls == [["A", "B", "C"]]
    assert report.results[-1].error == "not attempted: fake: POST /batch failed with HTTP 503: busy"
    report = SyncEngine(target, ledger).sync(levels(A=1, B=2, C=3, D=4))
    assert set(outcomes(report).values()) == {Result.PUSHED}


def test_refused_credentials_raise_one_clear_error(target):
    target.refuse_credentials = True
    with pytest.raises(AuthenticationError, match="fake: credentials refused"):
        SyncEngine(target, MemoryLedger()).sync(levels(A=1))


def test_target_down_fails_the_rest_without_more_requests(target):
    calls = []

    def unreachable(skus):
        calls.append(skus)
        raise TargetUnavailable("fake", "cannot connect to shop.example (connection refused)")

    target.resolve = unreachable
    engine = SyncEngine(target, MemoryLedger(), chunk_size=2)
    report = engine.sync(levels(A=1, B=2, C=3, D=4, E=5, F=6))
    assert report.failed == 6
    assert calls == [["A", "B", "C", "D"]]
    errors = {r.sku: r.error for r in report.results}
    assert errors["A"] == "fake: cannot connect to shop.example (connection refused)"
    assert errors["F"] == "not attempted: fake: cannot connect to shop.example (connection refused)"


def test_policy_and_integer_rounding_apply_before_diffing(target):
    engine = SyncEngine(target, MemoryLedger(), policy=QuantityPolicy(buffer=D(2)))
    engine.sync(levels(A="10.9"))
    assert target.stock["A"] == 8
    target.write_calls.clear()
    report = engine.sync(levels(A="10.2"))  # same pushed quantity after policy: nothing to do
    assert outcomes(report) == {"A": Result.UNCHANGED}


def test_bad_sku_fails_alone(target):
    report = SyncEngine(target, MemoryLedger()).sync([StockLevel(" ", D(1), "line 3"), StockLevel("A", D(1))])
    assert outcomes(report) == {" ": Result.FAILED, "A": Result.PUSHED}
    assert report.results[0].error == "line 3: SKU is empty"


def test_verify_repairs_changes_made_on_the_target(target):
    ledger = MemoryLedger()
    engine = SyncEngine(target, ledger)
    engine.sync(levels(A=1, B=2))
    target.stock["B"] = D(99)  # someone edited the shop by hand
    assert outcomes(engine.sync(levels(A=1, B=2))) == {"A": Result.UNCHANGED, "B": Result.UNCHANGED}
    report = engine.sync(levels(A=1, B=2), verify=True)
    assert outcomes(report) == {"A": Result.UNCHANGED, "B": Result.PUSHED}
    assert target.stock["B"] == 2


def test_sqlite_ledger_keeps_state_across_processes(tmp_path, target):
    path = tmp_path / "ledger.sqlite3"
    SyncEngine(target, SqliteLedger(path)).sync(levels(A=1, B=2))
    target.write_calls.clear()
    report = SyncEngine(target, SqliteLedger(path)).sync(levels(A=1, B=5))
    assert outcomes(report) == {"A": Result.UNCHANGED, "B": Result.PUSHED}
    assert target.write_calls == [["B"]]
    entry = SqliteLedger(path).get_many("fake", ["B"])["B"]
    assert (entry.status, entry.quantity, entry.remote_id) == (L.SYNCED, D(5), "id-B")


def test_a_write_cut_off_midway_is_pending_and_written_again(tmp_path, target):
    path = tmp_path / "ledger.sqlite3"

    def crash(changes):
        raise KeyboardInterrupt  # the process dies while the batch is in flight

    target.write = crash
    with pytest.raises(KeyboardInterrupt):
        SyncEngine(target, SqliteLedger(path)).sync(levels(A=1))
    assert SqliteLedger(path).get_many("fake", ["A"])["A"].status == L.PENDING

    restarted = FakeTarget({"A": D(0)})
    report = SyncEngine(restarted, SqliteLedger(path)).sync(levels(A=1))
    assert outcomes(report) == {"A": Result.PUSHED}
    assert restarted.stock["A"] == 1


def test_large_sync_can_keep_counts_only(target):
    big = FakeTarget({f"S{i}": D(0) for i in range(2000)})
    seen = []
    engine = SyncEngine(big, MemoryLedger(), keep_results=False, on_result=seen.append)
    report = engine.sync(StockLevel(f"S{i}", D(i % 7)) for i in range(2000))
    assert report.results == []
    assert report.counts[Result.PUSHED] == 2000 and len(seen) == 2000


def test_lookups_and_writes_are_batched_across_input_chunks():
    target = FakeTarget({f"S{i}": D(0) for i in range(12)})
    engine = SyncEngine(target, MemoryLedger(), chunk_size=2)
    engine.sync(StockLevel(f"S{i}", D(1)) for i in range(12))
    assert [len(call) for call in target.resolve_calls] == [4, 4, 4]
    assert [len(call) for call in target.write_calls] == [3, 3, 3, 3]
    target.resolve_calls.clear()
    target.write_calls.clear()
    # a few changes spread over many chunks still make full batches
    engine.sync(StockLevel(f"S{i}", D(2 if i % 4 == 0 else 1)) for i in range(12))
    assert target.resolve_calls == [["S0", "S4", "S8"]]
    assert target.write_calls == [["S0", "S4", "S8"]]


# -- what the ledger knows of a record (issue 11.6) --------------------------------------


class RememberingTarget(FakeTarget):
    """Trusts the ids the ledger kept; a record deleted on the target is "gone" at write time."""

    def __init__(self, stock):
        super().__init__(stock)
        self.ids = {sku: f"id-{sku}" for sku in stock}

    def resolve(self, skus):
        self.resolve_calls.append(list(skus))
        return {sku: Remote(sku, self.ids[sku]) for sku in skus if sku in self.ids}

    def resolve_known(self, skus, known):
        unknown = [sku for sku in skus if sku not in known]
        found = {sku: Remote(sku, known[sku].remote_id, data=known[sku].data) for sku in skus if sku in known}
        return found | (self.resolve(unknown) if unknown else {})

    def memo(self, remote):
        return {"seen": True}

    def write(self, changes):
        self.write_calls.append([c.sku for c in changes])
        outcomes = {}
        for change in changes:
            if self.ids.get(change.sku) != change.remote.remote_id:
                outcomes[change.sku] = Outcome.no_longer_there("the record no longer exists")
            else:
                self.stock[change.sku] = change.quantity
                outcomes[change.sku] = OK
        return outcomes


def test_known_records_are_not_looked_up_and_a_gone_one_is_looked_up_again_once(tmp_path):
    target = RememberingTarget({"A": D(0), "B": D(0), "C": D(0)})
    ledger = SqliteLedger(tmp_path / "ledger.sqlite3")
    SyncEngine(target, ledger).sync(levels(A=1, B=1, C=1))
    assert ledger.get_many("fake", ["A"])["A"].remote_data == {"seen": True}  # kept as JSON
    target.ids["B"] = "id-B-again"  # deleted and created again on the target
    del target.ids["C"]  # deleted
    target.resolve_calls.clear()

    report = SyncEngine(target, ledger).sync(levels(A=2, B=2, C=2))

    assert outcomes(report) == {"A": Result.PUSHED, "B": Result.PUSHED, "C": Result.NOT_FOUND}
    assert target.resolve_calls == [["B", "C"]]  # A never; B and C once, after their write found them gone
    assert target.stock == {"A": 2, "B": 2, "C": 1}  # nothing written to the deleted record
    assert ledger.get_many("fake", ["B"])["B"].remote_id == "id-B-again"
    target.resolve_calls.clear()
    SyncEngine(target, ledger).sync(levels(A=3, B=3), verify=True)
    assert target.resolve_calls == [["A", "B"]]  # a target check trusts nothing the ledger kept


def test_a_ledger_file_from_before_remote_data_is_opened_and_gains_the_column(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE ledger (target TEXT NOT NULL, sku TEXT NOT NULL, status TEXT NOT NULL, quantity TEXT,
            pending_quantity TEXT, remote_id TEXT, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,
            last_attempt REAL, last_success REAL, PRIMARY KEY (target, sku)) WITHOUT ROWID;
        INSERT INTO ledger VALUES ('fake', 'A', 'synced', '4', NULL, 'id-A', 0, NULL, NULL, NULL);
    """)
    db.close()
    ledger = SqliteLedger(path)
    entry = ledger.get_many("fake", ["A"])["A"]
    assert (entry.quantity, entry.remote_id, entry.remote_data) == (D(4), "id-A", None)
    ledger.put_many("fake", [entry.updated(remote_data={"kind": "simple"})])
    assert ledger.get_many("fake", ["A"])["A"].remote_data == {"kind": "simple"}
