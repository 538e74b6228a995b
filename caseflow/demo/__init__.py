"""Demo data for trying Caseflow out: made-up people (data.py), cases replayed through the services (seed.py) or
written in bulk for benchmarks (bulk.py), and the `demo seed` command (cli.py)."""
