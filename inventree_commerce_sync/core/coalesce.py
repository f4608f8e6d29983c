"""How long a coalesced flush still waits: the rule the InvenTree layer's flush applies.

Stock events mark parts as changed; one flush is scheduled for a burst, and when it runs it
syncs the marked parts unless the burst is still going on, until the marks have been quiet
for ``quiet`` seconds or the oldest has waited ``max_wait`` seconds. A burst of a thousand
events on twenty parts therefore costs one push of twenty parts.
"""

from __future__ import annotations


def flush_wait(first_mark: float, last_mark: float, now: float, *, quiet: float, max_wait: float) -> float:
    """Seconds a flush should still wait: until the marks have been quiet for ``quiet``
    seconds, but never beyond ``max_wait`` after the first one. Zero or less: flush now."""
    return min(last_mark + quiet, first_mark + max_wait) - now
