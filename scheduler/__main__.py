"""``python -m scheduler``: the same as ``hanchot scheduler``."""

from scheduler.cli import scheduler_command

if __name__ == "__main__":
    scheduler_command()
