"""Backup and restore: one encrypted, authenticated archive with the database, the folders of stored files under
instance/ and a manifest (sealed.py: the container; archive.py: what is in it; unpack.py and restore.py: the rules a
restore holds every archive to)."""
