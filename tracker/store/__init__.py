"""Where the data lives: the engine, transactions and schema versions. Knows nothing of contracts."""
