"""The iftrue deployment record: exactly the request body of ``POST /v1/organization/deployment``."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, model_validator

from .status import ApiStatus

# Long free text is capped so that one enormous release body cannot make iftrue reject the
# record (its limits are undocumented); 64 KiB keeps any realistic changelog whole.
TITLE_CAP = 1024
CHANGELOG_CAP = 65536
CAP_MARKER = "\n… (truncated)"
# A JSON string may hold "\\ud800" alone; Python keeps it as a lone surrogate, which no UTF-8
# body can carry (a pair has been joined by json.loads already, so every one left is lone).
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT_CHARACTER = "\ufffd"


class DeploymentRecord(BaseModel):
    """Documented keys only; optional fields are left out rather than sent as null."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1)
    changelog: str | None = None
    url: str | None = None
    branch: str = Field(min_length=1)
    commit_id: str = Field(min_length=1)
    deployment_duration: float | int | None = Field(default=None, ge=0)
    is_fix: StrictBool = False
    is_hotfix: StrictBool = False
    is_forced: StrictBool = False
    commits_count: StrictInt = Field(default=0, ge=0)
    repository_url: str = Field(min_length=1)
    member_id: str = Field(min_length=1)
    pull_request_number: StrictInt = Field(ge=0)
    deployment_node_id: str | None = None
    # The API spells success "succes"; anything else is rejected by iftrue.
    status: ApiStatus = "succes"

    @model_validator(mode="before")
    @classmethod
    def _replace_lone_surrogates(cls, data: Any) -> Any:
        """Every text field, whatever rule or input it came from, goes through here: a lone
        surrogate from the event or GitHub becomes U+FFFD instead of failing the record."""
        if not isinstance(data, dict):
            return data
        return {key: valid_text(value) if isinstance(value, str) else value for key, value in data.items()}

    def payload(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


def cap(text: str, limit: int) -> str:
    """Cuts ``text`` to at most ``limit`` characters, saying that it did."""
    if len(text) <= limit:
        return text
    return text[: limit - len(CAP_MARKER)] + CAP_MARKER


def valid_text(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD (the replacement character)."""
    return LONE_SURROGATE.sub(REPLACEMENT_CHARACTER, text)
