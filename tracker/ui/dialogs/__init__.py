"""The desk's dialogs, one per module: each a `ModalScreen` typed by what it returns."""
