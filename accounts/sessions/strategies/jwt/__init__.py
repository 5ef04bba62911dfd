"""The ``jwt`` strategy in one place: the strategy (``strategy``), its session engine
(``engine``), its session index (``index``) and its rules for the sign-ins kept in each
user's token record (``sign_ins``). The tokens themselves are ``accounts.tokens``."""
