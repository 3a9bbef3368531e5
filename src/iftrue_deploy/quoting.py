"""How a message quotes a value the action did not write: the one helper every message uses.

An input, a value from the event or an answer from GitHub can be anything: 100,000 characters, a
line break of any kind, a lone surrogate, a URL with a password. :func:`quoted` shows at most
:data:`QUOTE_LIMIT` characters of it, as a Python literal (so every control character and line
break is a visible escape); :func:`url_without_userinfo` and :func:`text_without_userinfo` drop a
URL's ``user:password@`` whatever characters the password holds.
"""

from __future__ import annotations

import re

QUOTE_LIMIT = 200
# From "://" to the last "@" before a blank: a password may hold "/", "?", "#" or "@" unencoded
# (git and curl accept that), so no rule for where the host starts is safe but the last "@".
_USERINFO_IN_TEXT = re.compile(r"://\S*@")


def quoted(value: str | None, limit: int = QUOTE_LIMIT) -> str:
    """``value`` as a message may quote it: its first ``limit`` characters (then "…"), as a literal."""
    if value is None:
        return "None"
    shown = value if len(value) <= limit else value[: limit - 1] + "…"
    return repr(shown)


def url_without_userinfo(url: str) -> str:
    """A URL (alone) as it may be shown: everything before its last ``@`` after the scheme is
    ``***``. A path that holds ``@`` loses its start in the message; a password never shows."""
    if "@" not in url:
        return url
    scheme, separator, rest = url.partition("://")
    if not separator:
        scheme, rest = "", url
    return f"{scheme}{separator}***@{rest.rsplit('@', 1)[1]}"


def text_without_userinfo(text: str) -> str:
    """Text that may hold URLs (an exception's message), with each URL's userinfo dropped."""
    return _USERINFO_IN_TEXT.sub("://***@", text)
