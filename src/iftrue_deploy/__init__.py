"""Reports deployments to iftrue: a GitHub Action, and the ``iftrue-deploy`` command-line program."""

__version__ = "1.0.0"
