#!/usr/bin/env python3
"""The wall-time baseline for bench/benchmark.py: import `requests`, send one POST, exit.

    BASELINE_TOKEN=<jwt> python3 bench/baseline_post.py <iftrue base url> <payload.json>

It sends the bytes of <payload.json> (the JSON the action sent in its warm-up run) with the
same headers and timeouts as the action's client, so that the difference between this process
and the action is what the action adds: its imports, the settings, the derivation, the GitHub
lookups and the outputs.
"""

import os
import sys

import requests


def main() -> int:
    url, path = sys.argv[1], sys.argv[2]
    with open(path, "rb") as handle:
        body = handle.read()
    response = requests.post(
        url.rstrip("/") + "/v1/organization/deployment",
        data=body,
        headers={
            "Authorization": f"Bearer {os.environ['BASELINE_TOKEN']}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": "iftrue-deploy-action",
        },
        timeout=(5.0, 30.0),
    )
    if response.status_code >= 300:
        print(f"baseline: HTTP {response.status_code}: {response.text[:200]}", file=sys.stderr)
        return 1
    response.json()
    return 0


if __name__ == "__main__":
    sys.exit(main())
