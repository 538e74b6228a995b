"""The law as Caseflow applies it, in pure functions of dates and a case's state (docs/architecture.md §2-3).

deadlines (the legal calendar), deadline_text (the deadline in words), rights (the rights, outcomes, refusal codes
and other vocabularies), checklists (+ checklists.toml: the per-right checklists and where a case stands on them),
rules (what is wrong with a step before it is taken), escalation (the daily ladder), urgency (the register's
badges), tracking (Bpost tracking numbers). Nothing here touches the database, a request, mail or the file system
(the contract legal-is-pure in .importlinter), so each rule is tested as a table.
"""
