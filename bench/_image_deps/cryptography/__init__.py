"""Hides an installed `cryptography` from the action, as in its image (requirements.txt leaves it out).

bench/benchmark.py puts this directory first on PYTHONPATH for the "image's dependency set"
rows: PyJWT (imported by PyGithub) then finds no cryptography, as in the image, and skips the
RSA/EC algorithms it would otherwise load at import.
"""

raise ModuleNotFoundError("cryptography is not part of the action image", name="cryptography")
