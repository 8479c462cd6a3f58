"""The command line: Typer sub-apps per noun over the domain layer. Imports the store lazily."""
