"""authsite settings, configured from the environment.

With no variables set it runs for development (DEBUG on, SQLite under var/, Redis on
127.0.0.1:6379). With DJANGO_DEBUG=0 it refuses to start without a real secret key and
allowed hosts. docs/configuration.md lists every variable with its default.

Django reads this module; each part below assigns its settings by name, and a later
part reads an earlier one's values by importing them:

- ``core``: debug, secrets, hosts, apps, middleware, templates, database, email,
  static files, languages, logging;
- ``sessions``: Redis (the default cache) and the session strategy, which names the
  session engine, the ``sessions`` cache and the session cookie;
- ``security``: authentication, passwords, HTTP security headers, cookies, sign-in
  lockout, form rate limits;
- ``api``: the REST API and its JSON Web Tokens;
- ``lab``: the scale-out lab's switches, last, as they adjust what came before.
"""

# In the order above, not sorted: a later part adjusts settings of an earlier one.
# ruff: noqa: I001
from authsite.settings.core import *  # noqa: F403
from authsite.settings.sessions import *  # noqa: F403
from authsite.settings.security import *  # noqa: F403
from authsite.settings.api import *  # noqa: F403
from authsite.settings.lab import *  # noqa: F403
