"""A set of associated templates, as Go's template.Template: parse several texts, execute one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from propylon.config.gotemplate import nodes as n
from propylon.config.gotemplate.builtins import BUILTINS
from propylon.config.gotemplate.errors import TemplateError
from propylon.config.gotemplate.exec import State
from propylon.config.gotemplate.funcs import FuncMap, GoFunc
from propylon.config.gotemplate.parse import is_empty_tree, parse
from propylon.config.gotemplate.sprig import SPRIG


class TemplateSet:
    """Templates sharing one function map and one namespace of names."""

    def __init__(self, funcs: FuncMap | None = None) -> None:
        self.funcs: FuncMap = {**BUILTINS, **SPRIG, **(funcs or {})}
        self.trees: dict[str, n.Tree] = {}

    def add_func(self, name: str, fn: GoFunc) -> None:
        self.funcs[name] = fn

    def parse(self, name: str, text: str) -> None:
        """Parses ``text`` as the template ``name``; its {{define}}s join the set."""
        try:
            trees = parse(name, text, self.funcs.__contains__)
        except RecursionError:
            raise TemplateError(f"template: {name}: nested too deeply") from None
        for tree_name, tree in trees.items():
            old = self.trees.get(tree_name)
            if old is not None and is_empty_tree(tree.root) and not is_empty_tree(old.root):
                continue
            self.trees[tree_name] = tree

    def execute(self, name: str, data: Any) -> str:
        """The text ``name`` renders with ``data`` as dot; a TemplateError otherwise."""
        return self.execute_traced(name, data)[0]

    def execute_traced(self, name: str, data: Any) -> tuple[str, Callable[[int], tuple[str, int]]]:
        """The rendered text and a function from an offset in it to its template and line."""
        tree = self.trees.get(name)
        if tree is None:
            raise TemplateError(f'template: no template "{name}" associated with template "{name}"')
        out: list[str] = []
        state = State(self.trees, self.funcs, out)
        state.execute(tree, data)
        return "".join(out), state.origin
