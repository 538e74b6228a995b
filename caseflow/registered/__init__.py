"""Registered mail: proof of sending (posting date, Bpost tracking number, receipt) and when a letter counts."""
