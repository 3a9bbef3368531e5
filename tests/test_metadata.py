"""The documentation, the metadata and the workflows cannot drift apart.

- README's `## Inputs` and `## Outputs` tables name exactly the inputs and outputs of action.yml,
  in the same order, with the same defaults (a default in backticks is action.yml's default; any
  other text, such as "derived", means action.yml's default is empty).
- portable/action.yml (the composite action for runners without Docker) has exactly the inputs,
  defaults and outputs of action.yml, hands every input to the program and every output back,
  and installs exactly the packages requirements.txt pins.
- Every `with:` given to the action, in README's snippets and in examples/, is one of its inputs.
- The version in both action.yml files' `# version:` line, pyproject.toml and the package's
  `__version__` agree; the release workflow checks that the pushed tag is that version; every
  `@vN` the documentation tells users to write is its major (CHANGELOG.md and the CI snippets'
  pins: tests/test_release.py).
- action.yml builds from the Dockerfile (the line the release workflow rewrites to the pushed
  image), or, on a release commit, runs the image published to GHCR by digest.
- Workflows pin every action by commit SHA with a version comment.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.docker_engine import dockerfile_with_base

ROOT = Path(__file__).resolve().parent.parent
ACTION_YML = ROOT / "action.yml"
PORTABLE_YML = ROOT / "portable" / "action.yml"
PORTABLE_LOCK = ROOT / "portable" / "requirements.txt"
REQUIREMENTS = ROOT / "requirements.txt"
PACKAGE_INIT = ROOT / "src" / "iftrue_deploy" / "__init__.py"
README = ROOT / "README.md"
CHANGELOG = ROOT / "CHANGELOG.md"
PYPROJECT = ROOT / "pyproject.toml"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
EXAMPLES = sorted((ROOT / "examples").glob("*.yml"))
ACTION_NAME = "iftrue/deployment-action"
PORTABLE_NAME = f"{ACTION_NAME}/portable"
RELEASED_IMAGE_RE = re.compile(r"docker://ghcr\.io/iftrue/deployment-action@sha256:[0-9a-f]{64}")


# --- README tables and action.yml -------------------------------------------------------------


def readme_table(readme: str, heading: str) -> list[tuple[str, str | None]]:
    """The rows of the Markdown table under `## heading`: (name, default in backticks or None).

    The first column is the name in backticks. With three columns the second is the default:
    `` `value` `` is a literal default, anything else (derived, —, prose) is None.
    """
    section = re.search(rf"^## {re.escape(heading)}[ \t]*\n(.*?)(?=^## |\Z)", readme, re.M | re.S)
    if section is None:
        raise AssertionError(f"README has no '## {heading}' section")
    rows: list[tuple[str, str | None]] = []
    for line in section.group(1).splitlines():
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        name = re.fullmatch(r"`([^`]+)`", cells[0])
        if name is None:
            continue  # the header row and the --- row
        default: str | None = None
        if len(cells) >= 3:
            literal = re.fullmatch(r"`([^`]*)`", cells[1])
            default = literal.group(1) if literal else None
        rows.append((name.group(1), default))
    return rows


def yaml_text(value: Any) -> str:
    """A YAML scalar as the runner passes it to the action (true/false, not True/False)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def action_metadata(action_yml: str) -> tuple[list[tuple[str, str]], list[str]]:
    """action.yml's inputs (name, default as the runner sees it) and outputs, in file order."""
    data = yaml.safe_load(action_yml)
    inputs = [(name, yaml_text((spec or {}).get("default"))) for name, spec in (data.get("inputs") or {}).items()]
    return inputs, list(data.get("outputs") or {})


def docs_mismatches(action_yml: str, readme: str) -> list[str]:
    """Every way README's Inputs and Outputs tables disagree with action.yml (empty: they agree)."""
    problems: list[str] = []
    inputs, outputs = action_metadata(action_yml)
    documented_inputs = readme_table(readme, "Inputs")
    documented_outputs = [name for name, _ in readme_table(readme, "Outputs")]

    for kind, declared, documented in (
        ("input", [name for name, _ in inputs], [name for name, _ in documented_inputs]),
        ("output", outputs, documented_outputs),
    ):
        for name in declared:
            if name not in documented:
                problems.append(f"{kind} `{name}` is in action.yml but not in README's {kind.title()}s table")
        for name in documented:
            if name not in declared:
                problems.append(f"{kind} `{name}` is in README's {kind.title()}s table but not in action.yml")
        for name in {name for name in documented if documented.count(name) > 1}:
            problems.append(f"{kind} `{name}` is listed more than once in README's {kind.title()}s table")
        common_declared = [name for name in declared if name in documented]
        common_documented = [name for name in dict.fromkeys(documented) if name in declared]
        if common_declared != common_documented:
            at = next(i for i, (a, b) in enumerate(zip(common_declared, common_documented, strict=True)) if a != b)
            problems.append(
                f"README lists the {kind}s in another order than action.yml: `{common_documented[at]}` where "
                f"action.yml has `{common_declared[at]}`"
            )

    defaults = dict(inputs)
    for name, documented_default in documented_inputs:
        if name not in defaults:
            continue
        actual = defaults[name]
        if documented_default is not None and documented_default != actual:
            problems.append(f"input `{name}`: README's default is `{documented_default}`, action.yml's is {actual!r}")
        if documented_default is None and actual != "":
            problems.append(
                f"input `{name}`: action.yml's default is {actual!r}, README gives none in backticks (write `{actual}`)"
            )
    return problems


def test_readme_tables_match_action_yml() -> None:
    assert docs_mismatches(ACTION_YML.read_text(), README.read_text()) == []


def test_readme_tables_are_found_and_complete() -> None:
    inputs = readme_table(README.read_text(), "Inputs")
    outputs = readme_table(README.read_text(), "Outputs")
    declared_inputs, declared_outputs = action_metadata(ACTION_YML.read_text())
    assert len(inputs) == len(declared_inputs) > 20
    assert len(outputs) == len(declared_outputs) > 5
    assert ("api-url", "https://api.iftrue.co") in inputs
    assert ("github-token", "${{ github.token }}") in inputs
    assert ("title", None) in inputs


def add_input(action_yml: str, name: str, default: str = '""') -> str:
    """A copy of action.yml with one more input, at the end of `inputs:`."""
    block = f"  {name}:\n    description: Added by a test.\n    required: false\n    default: {default}\n"
    assert "\noutputs:\n" in action_yml
    return action_yml.replace("\noutputs:\n", f"{block}\noutputs:\n", 1)


def test_an_input_added_to_action_yml_alone_is_reported() -> None:
    changed = add_input(ACTION_YML.read_text(), "deploy-target")
    assert "deploy-target" in action_metadata(changed)[0][-1]

    problems = docs_mismatches(changed, README.read_text())

    assert problems == ["input `deploy-target` is in action.yml but not in README's Inputs table"]


def test_an_input_added_to_the_readme_alone_is_reported() -> None:
    readme = README.read_text()
    row = "| `backfill-source` |"
    assert row in readme
    changed = readme.replace(row, "| `deploy-target` | — | Added by a test. |\n" + row, 1)

    problems = docs_mismatches(ACTION_YML.read_text(), changed)

    assert problems == ["input `deploy-target` is in README's Inputs table but not in action.yml"]


def test_an_output_added_to_action_yml_alone_is_reported() -> None:
    action = ACTION_YML.read_text()
    changed = action.replace("\nruns:\n", "  environment-url:\n    description: Added by a test.\n\nruns:\n", 1)

    problems = docs_mismatches(changed, README.read_text())

    assert problems == ["output `environment-url` is in action.yml but not in README's Outputs table"]


def test_a_changed_default_is_reported() -> None:
    action = ACTION_YML.read_text()
    assert "    default: minutes\n" in action
    changed = action.replace("    default: minutes\n", "    default: seconds\n", 1)

    problems = docs_mismatches(changed, README.read_text())

    assert problems == ["input `duration-unit`: README's default is `minutes`, action.yml's is 'seconds'"]


def test_another_order_is_reported() -> None:
    readme = README.read_text()
    fix = next(line for line in readme.splitlines() if line.startswith("| `fix-labels` |"))
    hotfix = next(line for line in readme.splitlines() if line.startswith("| `hotfix-labels` |"))
    changed = readme.replace(f"{fix}\n{hotfix}\n", f"{hotfix}\n{fix}\n", 1)
    assert changed != readme

    problems = docs_mismatches(ACTION_YML.read_text(), changed)

    assert problems == [
        "README lists the inputs in another order than action.yml: `hotfix-labels` where action.yml has `fix-labels`"
    ]


def test_a_default_given_in_action_yml_alone_is_reported() -> None:
    action = ACTION_YML.read_text()
    changed = re.sub(r"(\n  title:\n(?:    .*\n)*?    default: )\"\"\n", r"\1Deploy\n", action, count=1)
    assert changed != action

    problems = docs_mismatches(changed, README.read_text())

    assert problems == [
        "input `title`: action.yml's default is 'Deploy', README gives none in backticks (write `Deploy`)"
    ]


# --- the portable action is the same action ----------------------------------------------------


def portable_mismatches(action_yml: str, portable_yml: str) -> list[str]:
    """Every way portable/action.yml's interface differs from action.yml's (empty: none)."""
    problems: list[str] = []
    inputs, outputs = action_metadata(action_yml)
    portable_inputs, portable_outputs = action_metadata(portable_yml)
    if [name for name, _ in inputs] != [name for name, _ in portable_inputs]:
        problems.append(
            f"inputs differ: action.yml {[n for n, _ in inputs]}, portable/action.yml {[n for n, _ in portable_inputs]}"
        )
    for (name, default), (_, portable_default) in zip(inputs, portable_inputs, strict=False):
        if default != portable_default:
            problems.append(f"input `{name}`: action.yml's default is {default!r}, portable's is {portable_default!r}")
    if outputs != portable_outputs:
        problems.append(f"outputs differ: action.yml {outputs}, portable/action.yml {portable_outputs}")

    data = yaml.safe_load(portable_yml)
    if data["runs"]["using"] != "composite":
        problems.append("portable/action.yml is not a composite action")
    steps = [step for step in data["runs"]["steps"] if step.get("id") == "report"]
    env = steps[0].get("env", {}) if steps else {}
    for name, _ in portable_inputs:
        variable = "INPUT_" + name.upper().replace("-", "_")
        if env.get(variable) != f"${{{{ inputs.{name} }}}}":
            problems.append(
                f"input `{name}` does not reach the program: the step needs {variable}: ${{{{ inputs.{name} }}}}"
            )
    for name, spec in (data.get("outputs") or {}).items():
        if (spec or {}).get("value") != f"${{{{ steps.report.outputs.{name} }}}}":
            problems.append(f"output `{name}` is not the report step's output of the same name")
    return problems


def test_portable_action_has_the_docker_actions_interface() -> None:
    assert portable_mismatches(ACTION_YML.read_text(), PORTABLE_YML.read_text()) == []


def test_an_input_added_to_one_action_yml_alone_is_reported() -> None:
    changed = add_input(ACTION_YML.read_text(), "deploy-target")

    problems = portable_mismatches(changed, PORTABLE_YML.read_text())

    assert len(problems) == 1 and problems[0].startswith("inputs differ"), problems


def test_a_portable_input_not_handed_to_the_program_is_reported() -> None:
    portable = PORTABLE_YML.read_text()
    line = "        INPUT_DRY_RUN: ${{ inputs.dry-run }}\n"
    assert line in portable
    changed = portable.replace(line, "", 1)

    problems = portable_mismatches(ACTION_YML.read_text(), changed)

    assert problems == [
        "input `dry-run` does not reach the program: the step needs INPUT_DRY_RUN: ${{ inputs.dry-run }}"
    ]


def pins(requirements: str) -> list[str]:
    """`name==version` of every requirement line (continuation lines with hashes left out)."""
    found = []
    for line in requirements.splitlines():
        requirement = line.split("#", 1)[0].strip().removesuffix("\\").strip()
        if requirement and not requirement.startswith("--"):
            found.append(requirement)
    return found


def test_portable_lock_pins_what_requirements_txt_pins_with_hashes() -> None:
    lock = PORTABLE_LOCK.read_text()
    assert pins(lock) == pins(REQUIREMENTS.read_text()), (
        "portable/requirements.txt is out of step with requirements.txt: run `python3 dev.py lock`"
    )
    # Each pin carries at least one hash (pip's --require-hashes refuses the file otherwise).
    blocks = re.split(r"\n(?=\S)", lock.split("\n", 4)[-1].strip())
    requirements = [block for block in blocks if not block.startswith("#")]
    assert requirements and all("--hash=sha256:" in block for block in requirements), requirements


# --- every `with:` given to the action is one of its inputs ------------------------------------


def action_steps(document: Any) -> list[dict[str, Any]]:
    """Every mapping with `uses: iftrue/deployment-action@…` (or `./`) inside a YAML document."""
    found: list[dict[str, Any]] = []
    if isinstance(document, dict):
        uses = document.get("uses")
        if isinstance(uses, str) and (
            uses.split("@")[0] in (ACTION_NAME, PORTABLE_NAME) or uses in ("./", "./portable")
        ):
            found.append(document)
        for value in document.values():
            found += action_steps(value)
    elif isinstance(document, list):
        for value in document:
            found += action_steps(value)
    return found


def readme_yaml_blocks() -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```", README.read_text(), re.M | re.S)


def test_examples_and_readme_snippets_use_only_declared_inputs() -> None:
    inputs = {name for name, _ in action_metadata(ACTION_YML.read_text())[0]}
    sources = {str(path.relative_to(ROOT)): path.read_text() for path in [*EXAMPLES, *WORKFLOWS]}
    sources.update({f"README.md yaml block {i + 1}": block for i, block in enumerate(readme_yaml_blocks())})
    uses: dict[str, int] = {}
    for source, text in sources.items():
        steps = action_steps(yaml.safe_load(text))
        uses[source] = len(steps)
        for step in steps:
            unknown = set(step.get("with") or {}) - inputs
            assert not unknown, f"{source}: the action has no input {sorted(unknown)}"
    assert all(uses[str(path.relative_to(ROOT))] >= 1 for path in EXAMPLES), uses
    assert sum(count for source, count in uses.items() if source.startswith("README")) >= 1, uses


# --- one version everywhere ------------------------------------------------------------------


def package_version() -> str:
    version: str = tomllib.loads(PYPROJECT.read_text())["project"]["version"]
    return version


def action_version(action_yml: str) -> str | None:
    marker = re.search(r"^# version: (\S+)$", action_yml, re.M)
    return marker.group(1) if marker else None


def test_version_agrees_in_action_yml_and_package() -> None:
    """CHANGELOG.md's part is in tests/test_release.py (released versions only)."""
    version = package_version()
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), version
    assert action_version(ACTION_YML.read_text()) == version, "action.yml's `# version:` line"
    assert action_version(PORTABLE_YML.read_text()) == version, "portable/action.yml's `# version:` line"


def test_the_package_says_the_same_version() -> None:
    text = PACKAGE_INIT.read_text() if PACKAGE_INIT.exists() else ""
    found = re.search(r"^__version__ = \"([^\"]+)\"$", text, re.M)
    assert found, f'{PACKAGE_INIT.relative_to(ROOT)} has no line `__version__ = "{package_version()}"`'
    assert found.group(1) == package_version()


DOCUMENTS = [README, CHANGELOG, ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md")), *EXAMPLES]


def documented_majors() -> dict[str, set[int]]:
    """Every major version the documents tell users to write: `iftrue/deployment-action@vN`,
    `iftrue/deployment-action/portable@vN`, `…deployment-action@vN.M.K`."""
    found: dict[str, set[int]] = {}
    for path in DOCUMENTS:
        majors = {int(major) for major in re.findall(r"\bdeployment-action(?:/portable)?@v(\d+)", path.read_text())}
        if majors:
            found[str(path.relative_to(ROOT))] = majors
    return found


def test_documented_action_tags_are_the_versions_major() -> None:
    major = int(package_version().split(".")[0])
    found = documented_majors()
    assert "README.md" in found, "README shows no `iftrue/deployment-action@vN`"
    wrong = {path: majors for path, majors in found.items() if majors != {major}}
    assert wrong == {}, f"version {package_version()} is published as v{major}, but these documents say {wrong}"


@pytest.mark.parametrize(
    ("text", "found"),
    [("# version: 1.2.3\nname: x\n", "1.2.3"), ("name: x\n", None), ("name: x # version: 1.2.3\n", None)],
)
def test_action_version_marker(text: str, found: str | None) -> None:
    assert action_version(text) == found


def test_a_version_out_of_step_is_caught() -> None:
    changed = ACTION_YML.read_text().replace(f"# version: {package_version()}", "# version: 9.9.9", 1)
    assert action_version(changed) == "9.9.9" != package_version()


# --- action.yml's image and the release workflow ---------------------------------------------


def test_action_yml_runs_the_dockerfile_or_a_released_image() -> None:
    text = ACTION_YML.read_text()
    runs = yaml.safe_load(text)["runs"]
    assert runs["using"] == "docker"
    if runs["image"] == "Dockerfile":
        # The exact line release.yml replaces with the pushed image.
        assert text.count("\n  image: Dockerfile\n") == 1
    else:
        assert RELEASED_IMAGE_RE.fullmatch(runs["image"]), runs["image"]


def test_release_workflow_rewrites_the_image_line() -> None:
    release = (ROOT / ".github" / "workflows" / "release.yml").read_text()
    assert 'old = "  image: Dockerfile\\n"' in release
    assert 'f"  image: docker://{image}\\n"' in release
    data = yaml.safe_load(release)
    triggers = data.get("on", data.get(True))
    assert triggers == {"push": {"tags": ["v[0-9]+.[0-9]+.[0-9]+"]}}


# --- workflows ---------------------------------------------------------------------------------


def uses_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if re.match(r"\s*(- )?uses: ", line)]


@pytest.mark.parametrize("path", WORKFLOWS + EXAMPLES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_actions_are_pinned_by_sha_with_a_version_comment(path: Path) -> None:
    for line in uses_lines(path.read_text()):
        reference = line.removeprefix("- ").removeprefix("uses: ").split()[0]
        if reference in ("./", "./portable") or reference.startswith((f"{ACTION_NAME}@", f"{PORTABLE_NAME}@")):
            continue  # this action itself: from the checkout, or by its major tag in the examples
        assert re.fullmatch(r"uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+", line.removeprefix("- ")), line


def test_ci_runs_the_action_from_the_checkout_on_push_pull_request_and_dispatch() -> None:
    data = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    triggers = data.get("on", data.get(True))
    assert {"push", "pull_request", "workflow_dispatch"} <= set(triggers)
    assert data["permissions"] == {}
    steps = data["jobs"]["self-test"]["steps"]
    local = [step for step in steps if step.get("uses") == "./"]
    assert len(local) == 1 and yaml_text(local[0]["with"]["dry-run"]) == "true"
    matrix = data["jobs"]["test"]["strategy"]["matrix"]["python"]
    assert matrix == ["3.11", "3.12", "3.13"]


def test_ci_runs_the_portable_action_on_linux_macos_and_windows() -> None:
    data = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    job = data["jobs"]["portable"]
    assert sorted(job["strategy"]["matrix"]["os"]) == ["macos-latest", "ubuntu-latest", "windows-latest"]
    assert job["runs-on"] == "${{ matrix.os }}"
    local = [step for step in job["steps"] if step.get("uses") == "./portable"]
    assert len(local) == 1 and yaml_text(local[0]["with"]["dry-run"]) == "true"


def test_release_refuses_tags_off_main_or_without_green_ci_and_attests_the_image() -> None:
    data = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
    check = "\n".join(step.get("run", "") for step in data["jobs"]["check"]["steps"])
    assert "compare/" in check and "actions/workflows/ci.yml/runs" in check, check
    image = data["jobs"]["image"]
    assert image["permissions"].get("id-token") == "write"
    assert image["permissions"].get("attestations") == "write"
    attest = [
        step for step in image["steps"] if str(step.get("uses", "")).startswith("actions/attest-build-provenance@")
    ]
    assert len(attest) == 1
    assert attest[0]["with"]["subject-digest"] == "${{ steps.build.outputs.digest }}"
    assert yaml_text(attest[0]["with"]["push-to-registry"]) == "true"


def test_dockerfile_pins_its_base_where_dependabot_reads_it() -> None:
    """Dependabot's docker updater reads `FROM image:tag@sha256:…`, not an ARG default."""
    text = (ROOT / "Dockerfile").read_text()
    bases = re.findall(r"^FROM (\S+)", text, re.M)
    assert len(bases) == 2 and len(set(bases)) == 1, bases
    assert re.fullmatch(r"python:\d+\.\d+-slim@sha256:[0-9a-f]{64}", bases[0]), bases
    assert "${" not in " ".join(bases)
    # The tests build from the same file with a local tag in its place.
    local = dockerfile_with_base(text, "python:3.13-slim")
    assert re.findall(r"^FROM (\S+)", local, re.M) == ["python:3.13-slim", "python:3.13-slim"]


@pytest.mark.parametrize("path", [ACTION_YML, PORTABLE_YML], ids=["action.yml", "portable/action.yml"])
def test_metadata_fits_the_marketplace(path: Path) -> None:
    """The Marketplace listing needs a name, a description of at most 125 characters and a
    branding icon and colour; it refuses the release otherwise (docs/releasing.md)."""
    data = yaml.safe_load(path.read_text())
    assert data["name"] and data["author"]
    assert 0 < len(data["description"]) <= 125, len(data["description"])
    assert data["branding"]["icon"] and data["branding"]["color"]
