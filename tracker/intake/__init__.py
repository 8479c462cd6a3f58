"""Intake: reading a published decision form into a proposed draft contract.

Layered like reports and exports: the CLI calls it, it calls the domain, and it
never decides a rule itself; `--apply` goes through the ordinary domain commands.
"""
