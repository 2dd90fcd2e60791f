"""Every template rendered by KrakenD's renderer (the Go oracle) and by the gateway: the same
text, or both refuse it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from propylon.config.gotemplate import TemplateError, TemplateSet
from propylon.config.gotemplate.gojson import unmarshal
from propylon.config.gotemplate.krakend import krakend_funcs

from tests.core.flexible.cases import (
    HAND_CASES,
    PARTIALS,
    SETTINGS,
    TEMPLATES,
    generated_cases,
)
from tests.core.flexible.conftest import Oracle

NAME = "krakend.json"
ENV = {"FC_TEST_VAR": "from-env"}


def _python(template: str, partials: Path) -> dict[str, str]:
    templates = TemplateSet(krakend_funcs(str(partials)))
    try:
        templates.parse(NAME, template)
        for name, text in TEMPLATES:
            templates.parse(name, text)
        out = templates.execute(NAME, unmarshal(json.dumps(SETTINGS)))
        # Go's JSON answer writes each byte that is not UTF-8 as U+FFFD
        return {"out": out.encode("utf-8", "surrogateescape").decode("utf-8", "replace")}
    except TemplateError as exc:
        return {"err": exc.message}
    except Exception as exc:  # a crash is reported as a difference
        return {"crash": repr(exc)}


def _compare(
    oracle: Oracle, cases: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[str, dict[str, Any], dict[str, str]]]:
    partials = tmp_path / "partials"
    partials.mkdir()
    for name, text in PARTIALS.items():
        (partials / name).write_text(text, "utf-8")
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    requests = [
        {
            "name": NAME,
            "template": case,
            "vars": SETTINGS,
            "partials": str(partials),
            "templates": TEMPLATES,
        }
        for case in cases
    ]
    answers = oracle.render_many(requests, {**os.environ, **ENV})
    results = []
    for case, go in zip(cases, answers, strict=True):
        results.append((case, go, _python(case, partials)))
    return results


def _mismatches(results: list[tuple[str, dict[str, Any], dict[str, str]]]) -> list[str]:
    bad = []
    for case, go, py in results:
        both_fail = "err" in go and "err" in py and "crash" not in py
        same = "err" not in go and "out" in py and go["out"] == py["out"]
        if not (both_fail or same):
            bad.append(f"{case!r}\n   go: {go}\n   py: {py}")
    return bad


def _random_free(case: str) -> bool:
    return not any(word in case for word in ("rand", "uuidv4", "shuffle"))


def test_hand_written_templates(
    oracle: Oracle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every construct and function, written out: the same output or both fail."""
    results = _compare(oracle, HAND_CASES, tmp_path, monkeypatch)
    bad = _mismatches([r for r in results if _random_free(r[0])])
    assert not bad, f"{len(bad)} of {len(results)} differ:\n" + "\n".join(bad[:40])
    failures = [r for r in results if "err" in r[1]]
    assert len(failures) > 40  # errors are compared too, not only successes
    assert len(results) - len(failures) > 100
    different = [(case, go["err"], py) for case, go, py in failures if go["err"] != py.get("err")]
    assert not different, different  # the same error text, location included


def test_generated_templates(
    oracle: Oracle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Templates generated from a fixed seed: pipelines, functions, branches, ranges."""
    results = _compare(oracle, generated_cases(600), tmp_path, monkeypatch)
    bad = _mismatches(results)
    assert not bad, f"{len(bad)} of {len(results)} differ:\n" + "\n".join(bad[:40])
    rendered = [r for r in results if "err" not in r[1]]
    assert len(rendered) > 120
