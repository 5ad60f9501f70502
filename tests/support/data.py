"""Where the tests' public documents live: everything the tests read is inside the repository.

- ``SEEDS``: the five Thanh Hóa seed plans (text).
- ``GOLD``: 81 hand-read deadline cells of seeds 000, 002 and 003 (``docs/deadline-language.md``).
- ``PLANS``: ten real plans of other issuers, each as ``.txt``, ``.docx``, ``.gold.json`` and ``.source``.
- ``UNSEEN``: five hand-made plans of kinds the real ones lack (commune, ward, district, department), each as
  ``.txt``, ``.docx`` and ``.gold.json``, written by ``make_plans.py`` beside them.
- ``DATES``: two 2026 plans written for the work rules tests (21/KH-UBND cites 220/KH-UBND).
- ``SCORE_DEADLINES`` / ``SCORE_PLANS``: the scorers the project is judged with.
"""

from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
SEEDS = DATA / "seeds"
GOLD = DATA / "gold" / "deadlines.jsonl"
PLANS = DATA / "plans"
UNSEEN = DATA / "unseen"
DATES = DATA / "dates"  # two small 2026 plans that cite each other (the work rules tests)
SCORE_DEADLINES = Path(__file__).resolve().parent / "score_deadlines.py"
SCORE_PLANS = Path(__file__).resolve().parent / "score_plans.py"
