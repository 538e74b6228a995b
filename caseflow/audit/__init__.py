"""The tamper-evident audit trail: a hash chain over every audit event, and the check that walks it."""
