"""Secrets kept out of what the site prints: log lines, check messages."""

from urllib.parse import urlsplit, urlunsplit


def redacted_url(url: str) -> str:
    """Return the URL with any password replaced by ``***``, fit for a log line."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
