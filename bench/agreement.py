"""How the comparison scripts (bench/compare_*.py) decide that a number in Sextant's JSON
agrees with the Python libraries' number for it."""
import math


def agrees(value, want, tolerance):
    """Whether Sextant's `value` (None when undefined) is the Python number `want` within
    `tolerance`; both undefined (None against NaN or an infinity, as fairlearn gives 0/0)
    agree."""
    if value is None:
        return not math.isfinite(want)
    return abs(value - want) <= tolerance
