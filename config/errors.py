"""Errors that reach a person: each carries one clear line to print, no traceback."""


class UserError(Exception):
    """A problem the user can fix (bad input, bad configuration, unreachable service).

    The command line prints ``str(error)`` on one line and exits with code 2.
    """


class ConfigError(UserError):
    """A configuration file or environment variable is invalid; the message names file and line.

    For an editable TOML file, ``line`` and ``reason`` (Vietnamese) let the policy editor show the error beside
    the line the admin typed.
    """

    def __init__(self, message: str, *, line: int | None = None, reason: str | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.reason = reason
