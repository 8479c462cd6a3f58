"""Files for the finance system and auditors, written from the report queries."""
