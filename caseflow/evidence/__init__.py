"""The evidence pack of a case: one PDF an authority or a lawyer can read without Caseflow, and a ZIP beside it
with that PDF, every letter as sent and the data packages that went out. Built from what is stored only."""
