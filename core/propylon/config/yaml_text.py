"""YAML configurations: PyYAML's safe loader, refusing duplicate keys.

Its own module, imported when a YAML file is read: a gateway configured in JSON does not
load the parser.
"""

from __future__ import annotations

from typing import Any

import yaml

from propylon.config.errors import ConfigError, preview


def parse_yaml(text: str) -> Any:
    """The document, or a ConfigError naming the line and the problem."""
    try:
        return yaml.load(text, Loader=_YamlLoader)  # a SafeLoader
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1])
        raise ConfigError(
            f"invalid YAML at line {line}: character #x{char:04x} is not allowed"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"invalid YAML{at}: {problem}") from None


class _YamlLoader(yaml.SafeLoader):
    """SafeLoader refusing duplicate keys, which YAML forbids and PyYAML lets overwrite."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._checked: set[int] = set()

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        # The first flattening sees the keys as written; merging (<<) then rewrites them.
        if id(node) not in self._checked:
            self._checked.add(id(node))
            seen: set[tuple[str, str]] = set()
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE:
                    continue
                if (key_node.tag, key_node.value) in seen:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        f"duplicate key {preview(key_node.value)}",
                        key_node.start_mark,
                    )
                seen.add((key_node.tag, key_node.value))
        super().flatten_mapping(node)


_MERGE = "tag:yaml.org,2002:merge"
