"""Routing (SPEC §5): where a new case goes and who gets it.

- `rules`: the decision, pure over rules as plain data (`RuleSpec`) and a `RoutingSubject`;
- `engine`: `case_route`, the decision applied to a case (the task `route_case` calls it);
- `assignment`: who in the area gets the case (the rule's strategy);
- `rule_files`: candidate rule sets in YAML or JSON, checked against the catalog;
- `dry_run`: past cases replayed through a rule set, writing nothing.
"""
