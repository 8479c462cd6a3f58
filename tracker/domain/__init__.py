"""The rules of the tracker: money, the financial calendar, the models and every state change."""
