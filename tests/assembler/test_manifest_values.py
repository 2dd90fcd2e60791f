"""Every manifest value is either refused in one line naming the file, line and key, or
written into the generated files so that each format reads back exactly the text given."""

from __future__ import annotations

import ast
import email
import json
import tomllib
import zipfile
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from assembler.image.dockerfile import write_context
from assembler.lock.model import Lock, LockedPackage
from assembler.manifest import load_manifest
from assembler.stages.distributions import build_distributions
from assembler.stages.project import write_project
from tests.assembler.conftest import assemble, assemble_in_process, write_manifest

ODD_FILES = {
    "deep-array": b'[edition]\nname = "x"\nversion = "1"\n[image]\nlabels = '
    + b"[" * 5000
    + b"]" * 5000
    + b"\n",
    "deep-table": b'[edition]\nname = "x"\nversion = "1"\n[image]\nport = '
    + b"{a=" * 3000
    + b"1"
    + b"}" * 3000
    + b"\n",
    "deep-but-parsable": b'[edition]\nname = "x"\nversion = "1"\n[image]\nlabels = '
    + b"[" * 100
    + b"]" * 100
    + b"\n",
    "huge-integer": b'[edition]\nname = "x"\nversion = "1"\n[image]\nport = ' + b"9" * 5000 + b"\n",
    "not-utf8": b'[edition]\nname = "x"\nversion = "1"\ndescription = "caf\xe9 \xff"\n',
}
ODD_CAUSES = {
    "deep-array": ":5: invalid TOML: nested more than 32 levels deep",
    "deep-table": ":5: invalid TOML: nested more than 32 levels deep",
    "deep-but-parsable": ":5: image.labels: nested more than 32 levels deep",
    "huge-integer": ":5: invalid TOML: an integer too long to convert",
    "not-utf8": ":4: not UTF-8 text (byte 0xe9)",
}


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: ") and "Traceback" not in stderr
    return lines[0].removeprefix("error: ")


@pytest.mark.parametrize("case", sorted(ODD_FILES))
@pytest.mark.parametrize("command", ["lock", "check", "build", "outdated", "upgrade"])
def test_odd_manifest_is_one_line(tmp_path: Path, case: str, command: str) -> None:
    path = tmp_path / "manifest.toml"
    path.write_bytes(ODD_FILES[case])
    code, stderr = assemble_in_process(command, path)
    assert code == 1
    assert one_error_line(stderr) == f"{path}{ODD_CAUSES[case]}"


@pytest.mark.parametrize("case", sorted(ODD_FILES))
def test_odd_lock_is_one_line(tmp_path: Path, case: str) -> None:
    """diff reads locks, check and build read a lock beside a valid manifest."""
    lock = tmp_path / "pylock.toml"
    lock.write_bytes(ODD_FILES[case])
    code, stderr = assemble_in_process("diff", lock, lock)
    assert code == 1
    assert one_error_line(stderr) == f"{lock}{ODD_CAUSES[case]}"


def test_odd_report_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "report.json").write_text("[" * 100_000)
    code, stderr = assemble_in_process("verify", tmp_path)
    assert code == 1
    assert one_error_line(stderr) == f"{tmp_path}: not a build output (no readable report.json)"


@pytest.mark.parametrize("case", ["deep-array", "huge-integer", "not-utf8"])
def test_odd_manifest_in_a_real_process(tmp_path: Path, case: str) -> None:
    path = tmp_path / "manifest.toml"
    path.write_bytes(ODD_FILES[case])
    for command in ("lock", "check"):
        result = assemble(command, path, check=False)
        assert result.returncode == 1
        assert one_error_line(result.stderr) == f"{path}{ODD_CAUSES[case]}"


# (text replaced in a good manifest, its replacement, line, key, start of the message)
REFUSED = [
    (
        'version = "0.0.1"',
        'version = "0.0.1"\npackage = "import"',
        4,
        "edition.package",
        "'import' is not a Python package name",
    ),
    (
        'version = "0.0.1"',
        'version = "0.0.1"\npackage = "propylon"',
        4,
        "edition.package",
        "'propylon' would shadow",
    ),
    (
        'version = "0.0.1"',
        'version = "0.0.1"\npackage = "json"',
        4,
        "edition.package",
        "'json' would shadow",
    ),
    (
        'version = "0.0.1"',
        'version = "0.0.1"\npackage = "caf\u00e9"',
        4,
        "edition.package",
        "'caf\u00e9' is not a Python package name",
    ),
    (
        'name = "test-gateway"',
        'name = "json"',
        2,
        "edition.name",
        "'json' would shadow the 'json' package of Python or of the core: set [edition] package",
    ),
    (
        'name = "test-gateway"',
        'name = "gw\\n"',
        2,
        "edition.name",
        "control character '\\n' not allowed",
    ),
    (
        'name = "test-gateway"',
        'name = "gw gw"',
        2,
        "edition.name",
        "'gw gw' is not a valid distribution name",
    ),
    (
        'version = "0.0.1"',
        'version = " 0.0.1"',
        3,
        "edition.version",
        "' 0.0.1' is not a PEP 440 version",
    ),
    (
        'version = "0.0.1"',
        'version = "0.0.1"\ncommand = "propylon"',
        4,
        "edition.command",
        "'propylon' is the name of another command",
    ),
    (
        'version = "0.0.1"',
        'version = "0.0.1"\ncommand = "gw;rm"',
        4,
        "edition.command",
        "'gw;rm' is not a valid command name",
    ),
    (
        'version = "0.0.1"',
        'version = "0.0.1"\ndescription = "one\\ntwo"',
        4,
        "edition.description",
        "control character '\\n' not allowed",
    ),
    (
        'python = "3.11"',
        'python = "3.11 "',
        4,
        "edition.python",
        "expected a Python version like '3.11'",
    ),
    (
        'python = "3.11"',
        'python = "3.11"\nplatform = "x86_64-manylinux_2_99999"',
        5,
        "edition.platform",
        "unsupported platform",
    ),
    (
        "[core]",
        '[image]\nbase = "===0.1"\n\n[core]',
        7,
        "image.base",
        "'===0.1' is neither rootfs:PATH, oci-archive:PATH nor an image reference",
    ),
    (
        "[core]",
        '[image]\ntags = ["acme/gateway:1.0 beta"]\n\n[core]',
        7,
        "image.tags",
        "'acme/gateway:1.0 beta' is not an image reference",
    ),
    (
        "[core]",
        '[image]\ntags = ["acme/Gateway"]\n\n[core]',
        7,
        "image.tags",
        "'acme/Gateway' is not an image reference",
    ),
    (
        "[core]",
        '[image]\ntags = ["acme/gw@sha256:' + "a" * 64 + '"]\n\n[core]',
        7,
        "image.tags",
        "'acme/gw@sha256:",
    ),
    (
        "[core]",
        '[image]\nlabels = { "a\\nRUN id" = "x" }\n\n[core]',
        7,
        'image.labels."a\\nRUN id"',
        "'a\\nRUN id' is not a label key",
    ),
    (
        "[core]",
        '[image]\nlabels = { a = "x\\ny" }\n\n[core]',
        7,
        "image.labels.a",
        "control character '\\n' not allowed",
    ),
    (
        "[core]",
        "[image]\nplatforms = [{}]\n\n[core]",
        7,
        "image.platforms",
        "expected a list of strings",
    ),
    (
        "[core]",
        "[image]\nlabels = 3\n\n[core]",
        7,
        "image.labels",
        "expected a table of strings, got an integer",
    ),
    (
        "",
        '[modules]\ngreeter = { git = "https://example.invalid/r.git", rev = "v1", distribution = "x\\n--index-url=http://evil" }\n',
        10,
        "modules.greeter.distribution",
        "control character",
    ),
    (
        "",
        '[modules]\ngreeter = { git = "https://example.invalid/r.git", rev = "v1", distribution = "x @ file:///etc" }\n',
        10,
        "modules.greeter.distribution",
        "'x @ file:///etc' is not a valid distribution name",
    ),
    (
        "",
        '[modules]\ngreeter = { git = "https://example.invalid/r.git --upload-pack=x", rev = "v1" }\n',
        10,
        "modules.greeter.git",
        "'https://example.invalid/r.git --upload-pack=x': a git url may not hold spaces",
    ),
    (
        "",
        '[modules]\ngreeter = { git = "ext::sh -c id", rev = "v1" }\n',
        10,
        "modules.greeter.git",
        "'ext::sh -c id' is not a git url",
    ),
    (
        "",
        '[modules]\ngreeter = { git = "https://example.invalid/r.git", rev = "--help" }\n',
        10,
        "modules.greeter.rev",
        "'--help' is not a git revision",
    ),
    (
        "",
        '[modules]\ngreeter = { git = "https://example.invalid/r.git", rev = "v1#egg=x" }\n',
        10,
        "modules.greeter.rev",
        "'v1#egg=x' is not a git revision",
    ),
    (
        "",
        '[modules]\ngreeter = { git = "https://example.invalid/r.git", rev = "v1", subdirectory = "../../etc" }\n',
        10,
        "modules.greeter.subdirectory",
        "'../../etc' is not a folder inside the repository",
    ),
    (
        "",
        '[modules]\ngreeter = "===0.1"\n',
        10,
        "modules.greeter",
        "'===0.1': arbitrary equality (===) is not supported",
    ),
    (
        "",
        '[modules]\ngreeter = ">=1\\n--index-url http://evil"\n',
        10,
        "modules.greeter",
        "control character",
    ),
    (
        "",
        "[modules]\ngreeter = 1e999\n",
        10,
        "modules.greeter",
        "expected a version range or a table, got a float",
    ),
    (
        "",
        '[sources]\nindex-url = "--no-verify"\n',
        10,
        "sources.index-url",
        "'--no-verify' is not an index url",
    ),
    (
        "",
        '[sources]\nextra-index-url = ["ftp://example.invalid/simple"]\n',
        10,
        "sources.extra-index-url",
        "'ftp://example.invalid/simple' is not an index url",
    ),
    (
        "",
        '[sources]\nlocal = ["\\u0000"]\n',
        10,
        "sources.local",
        "control character '\\x00' not allowed",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "line", "key", "message"), REFUSED, ids=[r[3] + ":" + r[4][:24] for r in REFUSED]
)
def test_value_refused_with_file_line_and_key(
    tmp_path: Path, old: str, new: str, line: int, key: str, message: str
) -> None:
    path = write_manifest(tmp_path)
    text = path.read_text()
    path.write_text(text.replace(old, new, 1) if old else text + new)
    for command in ("check", "lock"):
        code, stderr = assemble_in_process(command, path)
        assert code == 1
        assert one_error_line(stderr).startswith(f"{path}:{line}: {key}: {message}")


@pytest.mark.parametrize(
    "value",
    [
        "rootfs:~/.cache/propylon/base/debian-bookworm-python.tar",
        "oci-archive:./base.oci.tar",
        "debian",
        "docker.io/library/python:3.11-slim",
        "localhost:5000/team/python:3.11@sha256:" + "0" * 64,
        "[::1]:5000/python",
    ],
)
def test_good_base_references_pass(tmp_path: Path, value: str) -> None:
    path = write_manifest(
        tmp_path, f'[image]\nbase = "{value}"\ntags = ["registry.example/a/b:v1.0_x"]\n'
    )
    assert load_manifest(path).image.base == value


HOSTILE = (
    'Gateway """; import os; os.system("touch PWNED"); """ \'\'\' $HOME ${PATH} \\" \\\\n '
    "`id` [link](http://x) <b>bold</b> *not em* # | pipe | \u00e9\u2603 end\\"
)


def _hostile_manifest(tmp_path: Path) -> Path:
    path = write_manifest(
        tmp_path,
        "[image]\n"
        'base = "docker.io/library/python:3.11"\n'
        "labels = { "
        + ", ".join(f"{json.dumps(k)} = {json.dumps(v)}" for k, v in _hostile_labels().items())
        + " }\n",
    )
    text = path.read_text().replace(
        'python = "3.11"', f'python = "3.11"\ndescription = {json.dumps(HOSTILE)}'
    )
    path.write_text(text)
    return path


def _hostile_labels() -> dict[str, str]:
    return {
        "org.example.quote": 'a "quoted" value',
        "org.example.dollar": "$HOME and ${PATH:-x} and \\$ too",
        "org.example.backslash": "ends with \\",
        "org.example.hash": "# not a comment \\\\ RUN id",
    }


def test_hostile_description_parses(tmp_path: Path) -> None:
    manifest = load_manifest(_hostile_manifest(tmp_path))
    assert manifest.edition.description == HOSTILE
    assert manifest.image.labels == _hostile_labels()


def _generated(tmp_path: Path) -> tuple[Path, Path]:
    manifest = load_manifest(_hostile_manifest(tmp_path))
    lock = Lock(
        path=tmp_path / "pylock.toml",
        sha256="0" * 64,
        packages=(LockedPackage("propylon-core", "0.1.0"), LockedPackage("aiohttp", "3.9.5")),
        core_version="0.1.0",
        modules={},
        python="3.11",
        platform="x86_64-manylinux_2_36",
    )
    project = tmp_path / "project"
    write_project(manifest.edition, manifest.path.name, lock, [], project)
    (tmp_path / "wheelhouse").mkdir()
    (tmp_path / "requirements.txt").write_text("")
    dockerfile = write_context(
        manifest.edition,
        manifest.image,
        tmp_path / "wheelhouse",
        tmp_path / "requirements.txt",
        tmp_path / "docker",
    )
    return project, dockerfile


def test_generated_python_and_toml_mean_the_text_given(tmp_path: Path) -> None:
    project, _ = _generated(tmp_path)
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["description"] == HOSTILE
    assert pyproject["project"]["scripts"] == {"test-gateway": "test_gateway.cli:main"}
    package = project / "test_gateway"
    for source in package.glob("*.py"):
        compile(source.read_text(), str(source), "exec")  # every generated module is Python
    init = ast.parse((package / "__init__.py").read_text())
    assert ast.get_docstring(init, clean=False) == (
        HOSTILE + ": an edition of the Propylon gateway assembled from manifest.toml"
    )
    namespace: dict[str, object] = {}
    exec(compile((package / "__init__.py").read_text(), "__init__.py", "exec"), namespace)
    assert namespace["__version__"] == "0.0.1"
    assert not list(tmp_path.rglob("PWNED")) and not Path("PWNED").exists()
    registry = ast.parse((package / "registry.py").read_text())
    locked = next(
        n.value for n in registry.body if isinstance(n, ast.AnnAssign) and n.target.id == "LOCKED"
    )
    assert ast.literal_eval(locked) == {"aiohttp": "3.9.5", "propylon-core": "0.1.0"}


def test_generated_readme_renders_the_text_given(tmp_path: Path) -> None:
    project, _ = _generated(tmp_path)
    tokens = MarkdownIt("commonmark").parse((project / "README.md").read_text())
    inline = next(t for t in tokens if t.type == "inline" and "assembled by" in t.content)
    text = "".join(c.content for c in inline.children or [] if c.type in ("text", "code_inline"))
    assert text == HOSTILE + ", assembled by assemble build from manifest.toml."
    assert [t.type for t in inline.children or []] == ["text", "code_inline", "text"]


def test_built_wheel_metadata_has_the_summary_given(tmp_path: Path) -> None:
    project, _ = _generated(tmp_path)
    wheel, _ = build_distributions(project, tmp_path / "dist", epoch=315532800)
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = email.message_from_string(zf.read(name).decode("utf-8"))
    assert metadata["Summary"] == HOSTILE
    assert metadata.get_all("Requires-Dist") == ["aiohttp (==3.9.5)", "propylon-core (==0.1.0)"]


def docker_words(line: str) -> list[str]:
    """Words of a Dockerfile instruction as BuildKit's shell lexer reads them (quotes,
    backslash escapes of \\, " and $, and $VAR expansion with an empty environment)."""
    words, word, i, quoted = [], "", 0, False
    while i < len(line):
        c = line[i]
        if c == '"':
            quoted = not quoted
        elif c == "\\" and i + 1 < len(line) and (line[i + 1] in '"$\\' or not quoted):
            i += 1
            word += line[i]
        elif c == "$":
            raise AssertionError(f"unescaped $ would be expanded: {line}")
        elif c.isspace() and not quoted:
            if word:
                words.append(word)
            word = ""
        else:
            word += c
        i += 1
    assert not quoted, line
    return [*words, word] if word else words


def test_dockerfile_labels_mean_the_text_given(tmp_path: Path) -> None:
    _, dockerfile = _generated(tmp_path)
    text = dockerfile.read_text()
    instruction = text[text.index("LABEL ") : text.index("\nUSER")]
    logical = instruction.replace(" \\\n", " ")  # line continuations
    assert "\n" not in logical
    words = docker_words(logical.removeprefix("LABEL "))
    labels = dict(word.split("=", 1) for word in words)
    assert labels == {
        "org.opencontainers.image.title": "test-gateway",
        "org.opencontainers.image.version": "0.0.1",
        **_hostile_labels(),
    }
    lines = text.splitlines()
    assert [ln.split()[0] for ln in lines if ln and ln[0].isupper()] == [
        "ARG", "FROM", "COPY", "COPY", "RUN", "ENV", "LABEL", "USER", "EXPOSE", "ENTRYPOINT", "CMD",
    ]  # fmt: skip
    assert "ARG BASE=docker.io/library/python:3.11\n" in text
    entry = next(ln for ln in lines if ln.startswith("ENTRYPOINT "))
    assert json.loads(entry.removeprefix("ENTRYPOINT ")) == ["/opt/test-gateway/bin/test-gateway"]


def test_edition_package_clashing_with_a_module_is_refused(tmp_path: Path) -> None:
    """Caught when the registry is written: the module's package is only known from its wheel."""
    from assembler.errors import AssembleError
    from assembler.stages.project import RegistryEntry

    path = write_manifest(tmp_path)
    path.write_text(
        path.read_text().replace('python = "3.11"', 'python = "3.11"\npackage = "propylon_cors"')
    )
    manifest = load_manifest(path)
    import assembler.stages.project as project

    entry = RegistryEntry("cors", "propylon-cors", "0.1.0", "propylon_cors", "module", "")
    with pytest.raises(AssembleError) as info:
        project.check_package(manifest.edition, [entry], manifest.error)
    assert str(info.value).startswith(f"{path}:5: edition.package: the edition's package")
