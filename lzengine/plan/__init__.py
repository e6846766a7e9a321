"""The plan: the YAML document a user writes, its typed models, and its loader.

``load_plan(path)`` returns a validated ``Plan`` or raises ``PlanError`` with every problem
found, each pinned to file:line:column.
"""

from lzengine.plan.loader import load_plan, load_plan_text
from lzengine.plan.models import Plan

__all__ = ["Plan", "load_plan", "load_plan_text"]
