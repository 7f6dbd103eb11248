"""The plan stage: cleaned articles in, themed and named parts in an order out.

Also near-duplicates, and the ``book.toml`` draft that ``compile plan`` writes.
"""

from anthology.plan.duplicates import Duplicate, find_duplicates
from anthology.plan.themes import Plan, PlannedPart, place, plan

__all__ = ["Duplicate", "Plan", "PlannedPart", "find_duplicates", "place", "plan"]
