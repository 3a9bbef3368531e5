"""The iftrue deployment record: exactly the request body of ``POST /v1/organization/deployment``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from .status import ApiStatus

# Long free text is capped so that one enormous release body cannot make iftrue reject the
# record (its limits are undocumented); 64 KiB keeps any realistic changelog whole.
TITLE_CAP = 1024
CHANGELOG_CAP = 65536
CAP_MARKER = "\n… (truncated)"


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

    def payload(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


def cap(text: str, limit: int) -> str:
    """Cuts ``text`` to at most ``limit`` characters, saying that it did."""
    if len(text) <= limit:
        return text
    return text[: limit - len(CAP_MARKER)] + CAP_MARKER
