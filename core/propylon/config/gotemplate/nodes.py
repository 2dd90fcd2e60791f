"""The parse tree: one class per node of Go's text/template/parse, with Go's String()."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False)
class Node:
    pos: int

    def __str__(self) -> str:
        return ""


@dataclass(eq=False)
class ListNode(Node):
    nodes: list[Node] = field(default_factory=list)

    def __str__(self) -> str:
        return "".join(str(n) for n in self.nodes)


@dataclass(eq=False)
class TextNode(Node):
    text: str = ""

    def __str__(self) -> str:
        from propylon.config.gotemplate.gofmt import quote

        return quote(self.text)


@dataclass(eq=False)
class CommentNode(Node):
    text: str = ""


@dataclass(eq=False)
class PipeNode(Node):
    line: int = 0
    is_assign: bool = False
    decl: list[VariableNode] = field(default_factory=list)
    cmds: list[CommandNode] = field(default_factory=list)

    def __str__(self) -> str:
        s = ""
        if self.decl:
            s = ", ".join(str(v) for v in self.decl) + (" = " if self.is_assign else " := ")
        return s + " | ".join(str(c) for c in self.cmds)


@dataclass(eq=False)
class ActionNode(Node):
    line: int = 0
    pipe: PipeNode | None = None

    def __str__(self) -> str:
        return "{{" + str(self.pipe) + "}}"


@dataclass(eq=False)
class CommandNode(Node):
    args: list[Node] = field(default_factory=list)

    def __str__(self) -> str:
        return " ".join(f"({a})" if isinstance(a, PipeNode) else str(a) for a in self.args)


@dataclass(eq=False)
class IdentifierNode(Node):
    ident: str = ""

    def __str__(self) -> str:
        return self.ident


@dataclass(eq=False)
class VariableNode(Node):
    ident: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return ".".join(self.ident)


@dataclass(eq=False)
class DotNode(Node):
    def __str__(self) -> str:
        return "."


@dataclass(eq=False)
class NilNode(Node):
    def __str__(self) -> str:
        return "nil"


@dataclass(eq=False)
class FieldNode(Node):
    ident: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "".join("." + i for i in self.ident)


@dataclass(eq=False)
class ChainNode(Node):
    node: Node | None = None
    fields: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        s = f"({self.node})" if isinstance(self.node, PipeNode) else str(self.node)
        return s + "".join("." + f for f in self.fields)


@dataclass(eq=False)
class BoolNode(Node):
    true: bool = False

    def __str__(self) -> str:
        return "true" if self.true else "false"


@dataclass(eq=False)
class NumberNode(Node):
    text: str = ""
    is_int: bool = False
    is_uint: bool = False
    is_float: bool = False
    is_complex: bool = False
    int64: int = 0
    float64: float = 0.0
    complex: complex = 0j

    def __str__(self) -> str:
        return self.text


@dataclass(eq=False)
class StringNode(Node):
    quoted: str = ""
    text: str = ""

    def __str__(self) -> str:
        return self.quoted


@dataclass(eq=False)
class EndNode(Node):
    def __str__(self) -> str:
        return "{{end}}"


@dataclass(eq=False)
class ElseNode(Node):
    line: int = 0

    def __str__(self) -> str:
        return "{{else}}"


@dataclass(eq=False)
class BranchNode(Node):
    keyword: str = ""
    line: int = 0
    pipe: PipeNode | None = None
    list: ListNode | None = None
    else_list: ListNode | None = None

    def __str__(self) -> str:
        s = "{{" + self.keyword + " " + str(self.pipe) + "}}" + str(self.list)
        if self.else_list is not None:
            s += "{{else}}" + str(self.else_list)
        return s + "{{end}}"


@dataclass(eq=False)
class BreakNode(Node):
    line: int = 0

    def __str__(self) -> str:
        return "{{break}}"


@dataclass(eq=False)
class ContinueNode(Node):
    line: int = 0

    def __str__(self) -> str:
        return "{{continue}}"


@dataclass(eq=False)
class TemplateNode(Node):
    line: int = 0
    name: str = ""
    pipe: PipeNode | None = None

    def __str__(self) -> str:
        from propylon.config.gotemplate.gofmt import quote

        if self.pipe is None:
            return "{{template " + quote(self.name) + "}}"
        return "{{template " + quote(self.name) + " " + str(self.pipe) + "}}"


@dataclass(eq=False)
class Tree:
    """One named template: its body and the text it was parsed from (for error locations)."""

    name: str
    parse_name: str
    text: str
    root: ListNode

    def location(self, node: Node) -> tuple[str, str]:
        """Go's ErrorContext: ``name:line:col`` (col in bytes) and the node's text."""
        before = self.text[: node.pos]
        line = before.count("\n") + 1
        col = len(before[before.rfind("\n") + 1 :].encode("utf-8", "surrogatepass"))
        return f"{self.parse_name}:{line}:{col}", str(node)


Value = Any
