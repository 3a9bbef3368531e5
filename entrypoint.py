#!/usr/bin/env python3
"""The Docker action's entry point: hands over to the package."""

import gc
import os
import signal
import sys


def _cancelled_while_starting(signum: int, _frame: object) -> None:
    print(
        f"::error::Cancelled by {signal.Signals(signum).name} while starting: nothing was sent to iftrue.", flush=True
    )
    sys.exit(128 + signum)


# As a container's PID 1 a signal without a handler is ignored; main() installs its own handlers.
for _signum in (signal.SIGTERM, signal.SIGINT):
    signal.signal(_signum, _cancelled_while_starting)

# A one-deployment run is short-lived and allocates a few MB: collecting garbage while its
# dependencies are imported only costs time (about a tenth of a run). A backfill, which can run
# long, turns the collector back on (iftrue_deploy.backfill).
gc.disable()
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "src"))

from iftrue_deploy.main import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
