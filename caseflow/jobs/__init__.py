"""The scheduled jobs: listed as data and run once per day (runner.py, their claims in models.py), the facts
about open cases they read (open_cases.py), APScheduler's wiring (scheduler.py), the `jobs` and `scheduler`
commands (cli.py)."""
