"""Rules: pure functions over declared environments and observations. They never do I/O."""

from driftcheck.rules.registry import Rule, RuleContext, all_rules, get_rule, run_rules

__all__ = ["Rule", "RuleContext", "all_rules", "get_rule", "run_rules"]
