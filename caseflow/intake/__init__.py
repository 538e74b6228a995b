"""Email intake: parse emails (parse.py), take them in from an upload or the polled mailbox (service.py,
poll.py), triage them (routes.py) and keep them with their cases."""
