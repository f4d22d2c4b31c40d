"""Timing helpers shared by the Python comparison scripts (bench/compare_*.py)."""
import platform
import statistics
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


def rounds(fns, repeats):
    """Each of the named functions `fns` ({name: fn}) run once to warm up, then `repeats`
    rounds that run each in turn: {name: (times in seconds by round, last result)}. Runs of
    the tools compared alternate, so that a change in the shared machine's load between them
    shifts every tool's times alike rather than one tool's, and the ratio of two tools' times
    in one round compares them under the same load."""
    results = {name: fn() for name, fn in fns.items()}
    times = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            results[name] = fn()
            times[name].append(time.perf_counter() - start)
    return {name: (times[name], results[name]) for name in fns}


def median_ratio(numerators, denominators):
    """The median over rounds of one tool's time over another's in the same round."""
    return statistics.median(n / d for n, d in zip(numerators, denominators))


def cpu_name():
    """The machine's CPU model, for the tables' machine line."""
    try:
        with open("/proc/cpuinfo") as f:
            return next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()
