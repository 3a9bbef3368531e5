"""Runs one command as its own child and writes its wall time and peak RSS as JSON.

    python -S -I bench/_measure.py RESULT.json TIMEOUT_SECONDS -- PROGRAM ARGS...

Why a launcher: a process's ru_maxrss survives exec, so a child spawned straight from the
benchmark (a big process) would report at least the benchmark's own RSS. Forked from this small
launcher instead, the figure is the command's own peak (it cannot be below this launcher's few
MiB). stdin/stdout/stderr, the environment and the working directory pass through unchanged.
"""

import json
import os
import signal
import sys
import time


def main() -> int:
    result_path, timeout = sys.argv[1], float(sys.argv[2])
    argv = sys.argv[sys.argv.index("--") + 1 :]
    timed_out = []
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.execv(argv[0], argv)  # noqa: S606 - the command the benchmark asked for
        finally:
            os._exit(127)

    def on_alarm(_signum: int, _frame: object) -> None:
        timed_out.append(True)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    signal.setitimer(signal.ITIMER_REAL, 0)
    with open(result_path, "w") as handle:
        json.dump(
            {
                "returncode": os.waitstatus_to_exitcode(status),
                "seconds": seconds,
                "maxrss_kb": usage.ru_maxrss,
                "timed_out": bool(timed_out),
            },
            handle,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
