"""Throughput of the clinical core on one core (not a test): triage cases/s, p99 of one triage, scoring/s.

Run: ``.venv/bin/python bench/bench_core.py``. The target is 20,000 triages per second on one core.
Content is loaded once before timing (as in a running process); the timed path is parse + triage + to_dict.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from rugpad import engine

TARGET_PER_SECOND = 20_000

SB = {"1": 1, "2": 0, "3": 1, "4": 0, "5": 0, "6": 0, "7": 0, "8": 0, "9": 2}
CASES: list[dict[str, object]] = [
    {"region": "low_back", "age": 52, "sex": "female", "duration_weeks": 3, "course": "improving",
     "signs": ["leg_pain_below_knee", "slr_positive"], "startback": SB, "psychosocial_dominant": False},
    {"region": "low_back", "age": 38, "sex": "male", "duration_weeks": 1, "course": "improving", "startback": SB},
    {"region": "low_back", "age": 60, "signs": ["bladder_dysfunction", "saddle_anaesthesia"]},
    {"region": "low_back", "age": 70, "sex": "female", "signs": ["long_term_corticosteroids", "minor_trauma"]},
    {"region": "neck", "age": 30, "duration_weeks": 3, "course": "improving"},
    {"region": "neck", "age": 41, "duration_weeks": 9, "course": "not_improving", "psychosocial_dominant": True},
    {"region": "neck", "age": 50, "signs": ["arm_paraesthesia", "spurling_positive"], "work_absence_weeks": 5},
    {"region": "neck", "age": 58, "signs": ["hand_clumsiness", "gait_disturbance", "hoffmann_sign", "dizziness"]},
]  # fmt: skip


def triage_once(case: dict[str, object]) -> object:
    return engine.triage(case).to_dict()


def throughput(func: Callable[[], object], seconds: float = 2.0) -> float:
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(200):
            func()
        count += 200
    return count / elapsed


def main() -> None:
    for case in CASES:  # warm up: load content, fill caches
        triage_once(case)
    index = 0

    def next_case() -> object:
        nonlocal index
        index = (index + 1) % len(CASES)
        return triage_once(CASES[index])

    rate = throughput(next_case)
    timings = []
    for _ in range(20):
        for case in CASES:
            for _ in range(25):
                t0 = time.perf_counter_ns()
                triage_once(case)
                timings.append(time.perf_counter_ns() - t0)
    timings.sort()
    p50 = statistics.median(timings) / 1000
    p99 = timings[int(len(timings) * 0.99)] / 1000
    no_dict = throughput(lambda: engine.triage(CASES[0]))
    answers = {"answers": {str(i): i % 6 for i in range(1, 11)}}["answers"]
    score_rate = throughput(lambda: engine.score("odi", answers))
    sb_rate = throughput(lambda: engine.score("startback", SB))

    print(f"triage (parse + triage + to_dict, mix of {len(CASES)} cases): {rate:,.0f} cases/s on one core")
    print(f"  ratio to the {TARGET_PER_SECOND:,}/s target: {rate / TARGET_PER_SECOND:.2f}x")
    print(f"  one triage: p50 {p50:.1f} us, p99 {p99:.1f} us ({len(timings)} samples)")
    print(f"triage without to_dict (contract example case): {no_dict:,.0f} cases/s")
    print(f"scoring via rugpad.engine.score: odi {score_rate:,.0f}/s, startback {sb_rate:,.0f}/s")


if __name__ == "__main__":
    main()
