"""The TOML section that configures how deadlines on days off move (for ``config/policy.toml``).

A policy file embeds it, e.g.::

    [due]
    shift = "forward"        # "forward" (BLDS 2015 Điều 148 k5 by analogy), "back" or "none"
    strict_before = true     # "trước ngày X" excludes X: never shift onto or past X
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, StrictBool

from deadlines.duepolicy import DuePolicy


class DuePolicySection(BaseModel):
    """Validated ``[due]`` settings; ``to_policy()`` gives the pure ``DuePolicy``."""

    model_config = ConfigDict(extra="forbid")

    shift: Literal["forward", "back", "none"] = "forward"
    strict_before: StrictBool = True

    def to_policy(self) -> DuePolicy:
        return DuePolicy(shift=self.shift, strict_before=self.strict_before)
