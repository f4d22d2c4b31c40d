"""Timing helpers shared by the Python comparison scripts (bench/compare_*.py)."""
import platform
import time


def best_of(fn, repeats):
    """The best of `repeats` timed runs of fn in seconds, after a warm-up run (numba
    compilation, caches), with fn's last result."""
    result = fn()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def cpu_name():
    """The machine's CPU model, for the tables' machine line."""
    try:
        with open("/proc/cpuinfo") as f:
            return next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()
