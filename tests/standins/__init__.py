"""Local stand-ins for iftrue and the GitHub REST API, speaking real HTTP on 127.0.0.1."""
