"""Errors that reach a person: each carries one clear line to print, no traceback."""


class UserError(Exception):
    """A problem the user can fix (bad input, bad configuration, unreachable service).

    The command line prints ``str(error)`` on one line and exits with code 2.
    """


class ConfigError(UserError):
    """A configuration file or environment variable is invalid; the message names file and line."""
