#!/usr/bin/env python3
"""Count the rows of the hand-made plans (tests/data/unseen) that the reader gets wrong, in text and Word form.

usage (from the repository root): PYTHONPATH=$PWD .venv/bin/python tests/support/score_unseen.py [GLOB]
GLOB picks gold files (default "*.gold.json"). A row is wrong when its lead, support, deadline text, number
(without its final dot) or milestones differ from the gold, as test_unseen_shapes.py compares them; unlike the
test it does not stop at the first wrong row. Prints each wrong row, then "N of M rows wrong".
"""

from __future__ import annotations

import json
import sys

import ingest
from config.agencies import AgencyDirectory
from tests.ingest.test_unseen_shapes import same
from tests.support.data import UNSEEN


def main(pattern: str) -> None:
    directory = AgencyDirectory.load()
    total = wrong = 0
    for gold_path in sorted(UNSEEN.glob(pattern)):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        name = gold_path.name.removesuffix(".gold.json")
        for form in ("txt", "docx"):
            out = ingest.read_plan(UNSEEN / f"{name}.{form}", gold["plan_year"]).to_json(directory)
            if len(out["tasks"]) != gold["tasks"]:
                print(name, form, "tasks:", len(out["tasks"]), "gold:", gold["tasks"])
            for task, row in zip(out["tasks"], gold["sample"], strict=False):  # a count mismatch is printed above
                total += 1
                bad = [f for f in ("lead", "support", "deadline_text") if task[f] != row[f]]
                if task["number"] != row["number"].strip(". "):
                    bad.append("number")
                if len(task["milestones"]) != len(row["milestones"]) \
                        or not all(map(same, task["milestones"], row["milestones"])):
                    bad.append("milestones")
                if bad:
                    wrong += 1
                    print(name, form, row["section"], row["number"], {f: task[f] for f in bad})
    print(f"{wrong} of {total} rows wrong")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "*.gold.json")
