"""Reads a step summary for what untrusted text must not add: links other than the action's own,
images, HTML tags, autolinks, link reference definitions and table rows split by a stray "|"
(a row with another number of cells than its table's header)."""

from __future__ import annotations

import re

OWN_LINKS = "https://github.com/Codertocat/Hello-World"


def unescaped(line: str, char: str) -> int:
    """How many times `char` appears in Markdown `line` without a backslash escape."""
    count, i = 0, 0
    while i < len(line):
        if line[i] == "\\":
            i += 2
            continue
        count += line[i] == char
        i += 1
    return count


LINK = re.compile(r"(?<!\\)(!?)\[((?:[^\]\\]|\\.)*)\]\(([^)\s]*)\)")


def summary_problems(markdown: str, own_links: str = OWN_LINKS) -> list[str]:
    """Links not the action's own, images, HTML tags, autolinks and broken table rows."""
    problems = []
    for bang, _label, url in LINK.findall(markdown):
        if bang:
            problems.append(f"image {url}")
        if not own_links or not url.startswith(own_links):
            problems.append(f"link to {url}")
    tags = set(re.findall(r"<\s*/?\s*([A-Za-z][\w-]*)", markdown)) - {"br", "details", "summary"}
    problems += [f"tag <{tag}>" for tag in sorted(tags)]
    text = LINK.sub("", markdown)
    problems += [f"autolink {m}" for m in re.findall(r"(?:https?://|www\.)\S*", text, re.IGNORECASE)]
    problems += [f"mail autolink {m}" for m in re.findall(r"[\w.+-]+@[\w-]+\.\w+", text)]
    problems += [f"reference definition {m}" for m in re.findall(r"(?<!\\)\[[^\]\\]*\]:", text)]
    columns = None  # the pipes of the table's header row: every row of the table has as many
    for line in markdown.split("\n"):
        if not line.startswith("| "):
            columns = None
            continue
        columns = columns or unescaped(line, "|")
        if unescaped(line, "|") != columns:
            problems.append(f"table row split: {line[:60]}")
    return problems
