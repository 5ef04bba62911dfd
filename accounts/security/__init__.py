"""Who is asking and how often: client address, sign-in lockout, form rate limits and
password hashing and validation. Below the core; imports no page, API or session code."""
