"""What every layer may lean on and that knows nothing of contracts: where the tracker keeps its files, the
private crash log, and making outside text safe to show."""
