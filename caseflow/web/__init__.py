"""What every web package shares: template filters (filters.py), form validators (validators.py), the menu's
badges (nav.py) and view helpers (views.py). It imports no web package."""
