"""Retention: closed cases anonymised after the retention period, stored files of no case removed."""
