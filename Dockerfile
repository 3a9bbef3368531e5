# The iftrue deployment action's image (action.yml: runs.using: docker).
#
# The base is the official python:3.13-slim (Debian trixie), pinned by the digest of its
# multi-arch index so that every build starts from the same bits. The pin is written on both
# `FROM` lines, where Dependabot's docker updater reads it and proposes a newer digest every week
# (.github/dependabot.yml) in one pull request for both; by hand,
# `docker buildx imagetools inspect python:3.13-slim` prints the current digest. Tests build from
# a copy of this file whose FROM lines name a local tag instead (tests/docker_engine.py).

# --- builder: the pinned runtime dependencies, installed into a venv that has no pip ---
FROM python:3.13-slim@sha256:7c61056e61ac89e852de05f3dc6fa51a6dd2181797bceed46aa725dd7cb2cd3b AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore

COPY requirements.txt /tmp/requirements.txt
# Every package is pinned in requirements.txt and installed exactly as listed (--no-deps:
# `cryptography` is deliberately left out). Wheels only, so no C is compiled here; the Python
# byte-code is (pip's default), because every run of the action starts a fresh container: without
# .pyc files each run would compile pydantic, PyGithub and requests again (about 0.4 s a run).
RUN python -m venv --without-pip /opt/venv \
    && python -m pip --python /opt/venv/bin/python install \
        --no-deps --only-binary=:all: -r /tmp/requirements.txt \
    && rm -rf /opt/venv/bin/normalizer

# --- the action image ---
FROM python:3.13-slim@sha256:7c61056e61ac89e852de05f3dc6fa51a6dd2181797bceed46aa725dd7cb2cd3b

# Nothing runs pip at runtime, so the base image's pip (and setuptools/wheel, where present)
# goes. The official image's pip uninstalls cleanly; a distribution-packaged pip (as in Debian
# based stand-ins for the official image, which have no RECORD file) cannot and is left alone.
RUN python -m pip uninstall --yes --disable-pip-version-check pip setuptools wheel \
    || test -f /usr/lib/python3/dist-packages/pip/__init__.py

COPY --from=builder /opt/venv /opt/venv
# The code lives outside /github/workspace, which the runner mounts over with the repository.
COPY entrypoint.py /app/entrypoint.py
COPY src/ /app/src/
RUN python -m compileall -q /app/src

# The byte-code is compiled at build time; nothing is written at run time.
ENV PATH="/opt/venv/bin:${PATH}" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

# No USER: GitHub runs Docker actions as root, and the files the step writes (GITHUB_OUTPUT,
# the step summary) belong to the runner. The runner sets --workdir /github/workspace itself.
ENTRYPOINT ["/opt/venv/bin/python", "/app/entrypoint.py"]
