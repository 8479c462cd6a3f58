"""The desk: a Textual terminal UI over the domain layer and the reports."""
