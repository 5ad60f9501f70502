"""A job function for the scheduler tests, referenced by text like the real jobs ("tests.scheduler.probe:record")."""

CALLS: list[str] = []


def record(name: str = "probe") -> None:
    CALLS.append(name)
