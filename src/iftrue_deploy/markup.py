"""Markdown for the step summary: text that stays text, and links only where the action puts them.

GitHub renders the summary as GitHub-flavoured Markdown with some HTML, so a title such as
``![x](https://evil.example/p.png)`` or ``<img src=…>`` would add an image, and a bare URL or an
e-mail address would become a link. Every character that starts Markdown or HTML is escaped, and
autolinks are broken with a zero-width space, which a reader does not see.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

from .quoting import url_without_userinfo

# Brackets are what every link and image needs; with them escaped, ( ) and ! are only text.
_MARKDOWN = re.compile(r"([\\`*_\[\]|~$])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
# Where GFM would start an autolink (scheme://, www., an e-mail's @): a zero-width space goes there.
_AUTOLINKS = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)
# What may stay as it is in a link's address; everything else is percent-encoded, so that no
# character can end the link or the table cell ( ) < > | \ ` " ' [ ] and blanks included.
_URL_SAFE = "/:?#=&;+,$@!*~-._%"


def cell(value: str) -> str:
    """Text for one Markdown table cell (or any inline place): shown as written, never markup."""
    text = _CONTROLS.sub("", value)
    text = _MARKDOWN.sub(r"\\\1", text)
    text = "".join(_HTML.get(char, char) for char in text)
    text = _AUTOLINKS.sub("\u200b", text)
    return _LINE_BREAKS.sub("<br>", text)


def link(label: str, url: str | None) -> str:
    """A link to an http(s) `url` (without user name or password); other addresses give plain text."""
    if not url:
        return cell(label)
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return cell(label)
    host = parts.netloc.rsplit("@", 1)[-1]  # pragma: no mutate (any maxsplit gives the same last part)
    if "@" in url and "@" not in parts.netloc:
        # "https://user:pa/ss@host": a password holding "/" hides where the host starts, and a
        # guess could link the password or another host. No link; the label stays.
        return cell(label)
    if parts.scheme.lower() not in ("http", "https") or not host:
        return cell(label)
    address = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    address = quote(address, safe=_URL_SAFE, errors="replace")  # a lone surrogate becomes "?"
    return f"[{cell(label)}]({address})"


def url_link(url: str) -> str:
    """A link labelled with its own address, shown without user name or password."""
    return link(url_without_userinfo(url), url)
