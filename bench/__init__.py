"""Benchmarks of the iftrue deployment action, printed as Markdown.

    python3 bench/benchmark.py                 # everything (the image section needs `docker info`)
    python3 bench/benchmark.py --skip-image    # without the image section (well under 3 minutes)
    python3 bench/benchmark.py --quick         # 3 timing runs instead of 10
    python3 bench/benchmark.py --runs 20 --profile
    python3 -m bench ...                       # the same

Sections, one module each:

1. bench/request_counts.py: GitHub API requests per trigger, beside the budget. Each scenario is a
   builder of tests/scenarios.py, the one tests/e2e/test_github_lookups.py runs: the same
   repository history, the same real payloads from tests/fixtures/events adapted the same way,
   and the action run by the same ``report()`` (entrypoint.py as a subprocess with
   INPUT_*/GITHUB_* variables) against the GitHub and iftrue stand-ins.
2. bench/timing.py: wall time of the action process against the stand-ins, as a ratio to a
   baseline process (bench/baseline_post.py) that only imports ``requests`` and POSTs the same
   JSON to the same iftrue stand-in. Runs alternate baseline, action, ...; medians are compared.
3. bench/image.py: the Docker image: what its own layers add over the base image, and a cold
   build (the engine check and the build are tests/docker_engine.py's).
4. bench/backfill.py: a backfill of 5,000 (and 500) releases: records per second and peak RSS of
   the action process; and the GitHub requests per record of each source (releases, deployments,
   runs).

``--profile`` adds where the action's time goes (bench/profiling.py: ``-X importtime`` and
cProfile) for the two timing cases. bench/harness.py holds what the sections share (the
child-process runner, Markdown output, the stand-ins); bench/cli.py the options and the order.
Nothing here edits the project; everything it starts is stopped in ``finally``.
"""
