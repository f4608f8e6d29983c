import pytest

from bench.coalesce import Coalescer


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def make(quiet=1.0, max_wait=5.0):
    clock, scheduled = Clock(), []
    return Coalescer(scheduled.append, quiet=quiet, max_wait=max_wait, clock=clock), clock, scheduled


def test_a_burst_schedules_one_flush_that_waits_for_quiet_then_takes_every_key():
    coalescer, clock, scheduled = make()
    for event in range(1000):
        clock.now = event / 1000  # a thousand events within one second
        coalescer.mark([event % 20])
    assert scheduled == [1.0]
    clock.now = 1.0  # the flush runs one second after the first event: the burst just ended
    assert coalescer.take() is None
    assert scheduled[-1] == pytest.approx(0.999)  # rescheduled for one quiet second after the last event
    clock.now = 2.0
    assert coalescer.take() == set(range(20))
    assert coalescer.take() == set()


def test_an_endless_stream_is_flushed_after_max_wait():
    coalescer, clock, scheduled = make(quiet=1.0, max_wait=3.0)
    taken = []
    for tick in range(100):
        clock.now = tick * 0.1
        coalescer.mark([tick % 3])
        if scheduled and clock.now >= 3.0 and not taken:
            taken.append(coalescer.take())
    assert taken == [{0, 1, 2}]


def test_marks_after_a_take_schedule_the_next_flush():
    coalescer, clock, scheduled = make()
    coalescer.mark([1])
    clock.now = 5
    assert coalescer.take() == {1}
    coalescer.mark([])
    assert len(scheduled) == 1
    coalescer.mark([2, 3])
    assert len(scheduled) == 2 and len(coalescer) == 2
