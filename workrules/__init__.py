"""The work rules service: the one place dates are made.

- ``workrules.rules``: the rules in force (working-day calendar from the ``holidays`` package and
  ``config/holidays.toml``, the due policy of ``config/policy.toml``, the day rules of
  ``config/day_rules.toml``) and ``WorkRules.effective``, the only computation of an effective due date;
- ``workrules.dates``: a milestone's nominal dates under those rules, and its occurrence rows kept in step;
- ``workrules.recompute``: every open occurrence computed again after the rules changed;
- ``workrules.events``, ``workrules.extensions``, ``workrules.links``: recording an event's date, granting
  extensions (gia hạn), linking and adopting dates of cited plans.

``deadlines/`` stays pure: this package reads the configuration and hands the engine plain data.
"""
