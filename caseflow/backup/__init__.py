"""Backup and restore: one archive with the database and every stored file under instance/, with a manifest."""
