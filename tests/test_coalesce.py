from inventree_commerce_sync.core.coalesce import Coalescer


def test_a_burst_schedules_one_flush_and_the_flush_sees_every_key():
    flushes = []
    coalescer = Coalescer(lambda: flushes.append(1))
    for event in range(1000):
        coalescer.mark([event % 20])
    assert len(flushes) == 1
    assert coalescer.drain() == set(range(20))
    assert coalescer.drain() == set()


def test_marks_after_a_drain_schedule_the_next_flush():
    flushes = []
    coalescer = Coalescer(lambda: flushes.append(1))
    coalescer.mark([1])
    coalescer.drain()
    coalescer.mark([])
    assert len(flushes) == 1
    coalescer.mark([2, 3])
    assert len(flushes) == 2
    assert len(coalescer) == 2
