"""The executor: walks a tree with data, as Go's text/template exec.go does."""

from __future__ import annotations

from typing import Any

from propylon.config.gotemplate import nodes as n
from propylon.config.gotemplate.errors import FuncError, TemplateError
from propylon.config.gotemplate.funcs import NILLABLE, GoFunc
from propylon.config.gotemplate.gofmt import sprint_value
from propylon.config.gotemplate.values import Int64, StrMap, truth, type_name

MAX_DEPTH = 100000


class _Missing:
    """No value at all: reflect's invalid Value, distinct from a nil interface."""


MISSING_FINAL = _Missing()


class _NilIface:
    """A nil held in an interface{} (a null list element or map value) before a pipeline
    unwraps it: a field of it is an error, where a field of a missing value is no value."""


NILI = _NilIface()


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


def _plain(v: Any) -> Any:
    return None if v is NILI else v


class State:
    def __init__(
        self, templates: dict[str, n.Tree], funcs: dict[str, GoFunc], out: list[str]
    ) -> None:
        self.templates = templates
        self.funcs = funcs
        self.out = out
        self.tree: n.Tree | None = None
        self.node: n.Node | None = None
        self.vars: list[tuple[str, Any]] = []
        self.depth = 0
        self.boxed_dot = False  # dot is a list element or map value, held in an interface{}
        self.length = 0
        self.origins: list[tuple[int, n.Tree, int, bool]] = []

    def write(self, text: str, node: n.Node, literal: bool) -> None:
        """Appends output, remembering which template text produced it."""
        assert self.tree is not None
        self.origins.append((self.length, self.tree, node.pos, literal))
        self.out.append(text)
        self.length += len(text)

    def origin(self, offset: int) -> tuple[str, int]:
        """The template name and line that wrote the output character at ``offset``."""
        import bisect

        i = bisect.bisect_right([o[0] for o in self.origins], offset) - 1
        if i < 0:
            return (self.tree.name if self.tree else "", 1)
        start, tree, pos, literal = self.origins[i]
        line = tree.text.count("\n", 0, pos) + 1
        if literal:
            line += "".join(self.out[i : i + 1])[: offset - start].count("\n")
        return tree.parse_name, line

    # errors
    def errorf(self, message: str) -> None:
        assert self.tree is not None
        if self.node is None:
            raise TemplateError(f"template: {self.tree.name}: {message}")
        location, context = self.tree.location(self.node)
        raise TemplateError(
            f"template: {location}: executing {_q(self.tree.name)} at <{context}>: {message}"
        )

    def at(self, node: n.Node) -> None:
        self.node = node

    # variables
    def push(self, name: str, value: Any) -> None:
        self.vars.append((name, value))

    def mark(self) -> int:
        return len(self.vars)

    def pop(self, mark: int) -> None:
        del self.vars[mark:]

    def set_var(self, name: str, value: Any) -> None:
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                self.vars[i] = (name, value)
                return
        self.errorf(f"undefined variable: {name}")

    def var_value(self, name: str) -> Any:
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                return self.vars[i][1]
        self.errorf(f"undefined variable: {name}")
        return None

    # walking
    def execute(self, tree: n.Tree, data: Any) -> None:
        self.tree = tree
        self.vars = [("$", data)]
        try:
            self.walk(data, tree.root)
        except RecursionError:
            self.errorf(f"exceeded maximum template depth ({MAX_DEPTH})")

    def walk(self, dot: Any, node: n.Node) -> None:
        self.at(node)
        if isinstance(node, n.ActionNode):
            assert node.pipe is not None
            value = self.eval_pipeline(dot, node.pipe)
            if not node.pipe.decl:
                self.write(sprint_value(value), node, False)
        elif isinstance(node, n.BranchNode):
            if node.keyword == "range":
                self.walk_range(dot, node)
            else:
                self.walk_if_or_with(dot, node)
        elif isinstance(node, n.ListNode):
            for child in node.nodes:
                self.walk(dot, child)
        elif isinstance(node, n.TextNode):
            self.write(node.text, node, True)
        elif isinstance(node, n.TemplateNode):
            self.walk_template(dot, node)
        elif isinstance(node, n.BreakNode):
            raise _Break
        elif isinstance(node, n.ContinueNode):
            raise _Continue
        elif isinstance(node, n.CommentNode):
            pass
        else:
            self.errorf(f"unknown node: {node}")

    def walk_if_or_with(self, dot: Any, node: n.BranchNode) -> None:
        mark = self.mark()
        try:
            assert node.pipe is not None
            value = self.eval_pipeline(dot, node.pipe)
            if truth(value):
                assert node.list is not None
                if node.keyword == "with":
                    saved, self.boxed_dot = self.boxed_dot, False
                    try:
                        self.walk(value, node.list)
                    finally:
                        self.boxed_dot = saved
                else:
                    self.walk(dot, node.list)
            elif node.else_list is not None:
                self.walk(dot, node.else_list)
        finally:
            self.pop(mark)

    def walk_range(self, dot: Any, node: n.BranchNode) -> None:
        self.at(node)
        outer = self.mark()
        try:
            assert node.pipe is not None
            value = self.eval_pipeline(dot, node.pipe)
            mark = self.mark()
            if isinstance(value, list):
                pairs = [(i, NILI if x is None else x) for i, x in enumerate(value)]
            elif isinstance(value, dict):
                default = "" if isinstance(value, StrMap) else NILI
                pairs = [(k, default if value[k] is None else value[k]) for k in sorted(value)]
            elif value is None:
                pairs = []
            else:
                self.errorf(f"range can't iterate over {sprint_value(value, False)}")
                return
            for index, elem in pairs:
                decl = node.pipe.decl
                if decl:
                    if node.pipe.is_assign:
                        if len(decl) > 1:
                            self.set_var(decl[0].ident[0], index)
                            self.set_var(decl[1].ident[0], elem)
                        else:
                            self.set_var(decl[0].ident[0], elem)
                    else:
                        if len(decl) > 1:
                            self.vars[mark - 2] = (self.vars[mark - 2][0], index)
                        self.vars[mark - 1] = (self.vars[mark - 1][0], elem)
                saved, self.boxed_dot = self.boxed_dot, True
                try:
                    assert node.list is not None
                    self.walk(elem, node.list)
                except _Continue:
                    pass
                except _Break:
                    break
                finally:
                    self.boxed_dot = saved
                    self.pop(mark)
            else:
                if not pairs and node.else_list is not None:
                    self.walk(dot, node.else_list)
        finally:
            self.pop(outer)

    def walk_template(self, dot: Any, node: n.TemplateNode) -> None:
        self.at(node)
        tree = self.templates.get(node.name)
        if tree is None:
            self.errorf(f"template {_q(node.name)} not defined")
            return
        if self.depth >= MAX_DEPTH:
            self.errorf(f"exceeded maximum template depth ({MAX_DEPTH})")
        value = self.eval_pipeline(dot, node.pipe) if node.pipe is not None else None
        saved = (self.tree, self.vars, self.depth, self.boxed_dot)
        self.tree, self.vars, self.depth = tree, [("$", value)], self.depth + 1
        self.boxed_dot = False
        try:
            self.walk(value, tree.root)
        finally:
            self.tree, self.vars, self.depth, self.boxed_dot = saved

    # evaluation
    def eval_pipeline(self, dot: Any, pipe: n.PipeNode) -> Any:
        self.at(pipe)
        value: Any = MISSING_FINAL
        for cmd in pipe.cmds:
            value = _plain(self.eval_command(dot, cmd, value))
        for var in pipe.decl:
            if pipe.is_assign:
                self.set_var(var.ident[0], value)
            else:
                self.push(var.ident[0], value)
        return value

    def not_a_function(self, args: list[n.Node], final: Any) -> None:
        if len(args) > 1 or final is not MISSING_FINAL:
            self.errorf(f"can't give argument to non-function {args[0]}")

    def eval_command(self, dot: Any, cmd: n.CommandNode, final: Any) -> Any:
        first = cmd.args[0]
        if isinstance(first, n.FieldNode):
            return self.eval_field_node(dot, first, cmd.args, final)
        if isinstance(first, n.ChainNode):
            return self.eval_chain_node(dot, first, cmd.args, final)
        if isinstance(first, n.IdentifierNode):
            return self.eval_function(dot, first, cmd, cmd.args, final)
        if isinstance(first, n.PipeNode):
            self.not_a_function(cmd.args, final)
            return self.eval_pipeline(dot, first)
        if isinstance(first, n.VariableNode):
            return self.eval_variable_node(dot, first, cmd.args, final)
        self.at(first)
        self.not_a_function(cmd.args, final)
        if isinstance(first, n.BoolNode):
            return first.true
        if isinstance(first, n.DotNode):
            return dot
        if isinstance(first, n.NilNode):
            self.errorf("nil is not a command")
        if isinstance(first, n.NumberNode):
            return self.ideal_constant(first)
        if isinstance(first, n.StringNode):
            return first.text
        self.errorf(f"can't evaluate command {_q(str(first))}")
        return None

    def ideal_constant(self, c: n.NumberNode) -> Any:
        self.at(c)
        if c.is_complex:
            return c.complex
        if (
            c.is_float
            and not _hex_int(c.text)
            and not c.text.startswith("'")
            and any(x in c.text for x in ".eEpP")
        ):
            return c.float64
        if c.is_int:
            return c.int64
        if c.is_uint:
            self.errorf(f"{c.text} overflows int")
        return None

    def eval_field_node(self, dot: Any, field: n.FieldNode, args: list[n.Node], final: Any) -> Any:
        self.at(field)
        return self.eval_field_chain(dot, dot, field, field.ident, args, final, self.boxed_dot)

    def eval_chain_node(self, dot: Any, chain: n.ChainNode, args: list[n.Node], final: Any) -> Any:
        self.at(chain)
        if isinstance(chain.node, n.NilNode):
            self.errorf(f"indirection through explicit nil in {chain}")
        assert chain.node is not None
        pipe = self.eval_arg(dot, "any", chain.node)
        return self.eval_field_chain(dot, pipe, chain, chain.fields, args, final)

    def eval_variable_node(
        self, dot: Any, var: n.VariableNode, args: list[n.Node], final: Any
    ) -> Any:
        self.at(var)
        value = self.var_value(var.ident[0])
        if len(var.ident) == 1:
            self.not_a_function(args, final)
            return value
        return self.eval_field_chain(dot, value, var, var.ident[1:], args, final)

    def eval_field_chain(
        self,
        dot: Any,
        receiver: Any,
        node: n.Node,
        ident: list[str],
        args: list[n.Node],
        final: Any,
        boxed: bool = False,
    ) -> Any:
        for name in ident[:-1]:
            receiver = self.eval_field(name, node, [], MISSING_FINAL, receiver, boxed)
            boxed = True
        return self.eval_field(ident[-1], node, args, final, receiver, boxed)

    def eval_field(
        self, name: str, node: n.Node, args: list[n.Node], final: Any, receiver: Any, boxed: bool
    ) -> Any:
        if receiver is None:
            return None
        if receiver is NILI:
            self.errorf(f"nil pointer evaluating interface {{}}.{name}")
        if isinstance(receiver, dict):
            if len(args) > 1 or final is not MISSING_FINAL:
                self.errorf(f"{name} is not a method but has arguments")
            if name in receiver:
                value = receiver[name]
                return NILI if value is None else value
            return None
        typ = "interface {}" if boxed else type_name(receiver)
        self.errorf(f"can't evaluate field {name} in type {typ}")
        return None

    def eval_function(
        self, dot: Any, node: n.IdentifierNode, cmd: n.Node, args: list[n.Node], final: Any
    ) -> Any:
        self.at(node)
        fn = self.funcs.get(node.ident)
        if fn is None:
            self.errorf(f"{_q(node.ident)} is not a defined function")
            return None
        return self.eval_call(dot, fn, cmd, args, final)

    def eval_call(self, dot: Any, fn: GoFunc, node: n.Node, args: list[n.Node], final: Any) -> Any:
        name = fn.name
        args = args[1:]
        num_in = len(args) + (0 if final is MISSING_FINAL else 1)
        num_fixed = len(args)
        if fn.variadic is not None:
            num_fixed = len(fn.params)
            if num_in < num_fixed:
                self.errorf(
                    f"wrong number of args for {name}: want at least {num_fixed} got {len(args)}"
                )
        elif num_in != len(fn.params):
            self.errorf(f"wrong number of args for {name}: want {len(fn.params)} got {num_in}")
        if fn.lazy:
            value: Any = None
            for arg in args:
                value = _plain(self.eval_arg(dot, "value", arg))
                if truth(value) == (name == "or"):
                    return value
            if final is not MISSING_FINAL:
                value = final
            return value
        argv: list[Any] = []
        i = 0
        while i < num_fixed and i < len(args):
            argv.append(self.eval_arg(dot, fn.params[i], args[i]))
            i += 1
        if fn.variadic is not None:
            while i < len(args):
                argv.append(self.eval_arg(dot, fn.variadic, args[i]))
                i += 1
        if final is not MISSING_FINAL:
            if fn.variadic is not None and num_in - 1 >= num_fixed:
                typ = fn.variadic
            else:
                typ = fn.params[num_in - 1] if fn.variadic is not None else fn.params[-1]
            argv.append(self.validate_type(final, typ))
        try:
            return fn.fn(*[_plain(a) for a in argv])
        except FuncError as exc:
            self.at(node)
            self.errorf(f"error calling {name}: {exc}")
        except (
            IndexError,
            KeyError,
            TypeError,
            ValueError,
            ZeroDivisionError,
            OverflowError,
        ) as exc:
            self.at(node)
            self.errorf(f"error calling {name}: {exc}")
        return None

    def validate_type(self, value: Any, typ: str) -> Any:
        if typ in ("any", "value"):
            return value
        if value is NILI:
            self.errorf(f"wrong type for value; expected {typ}; got interface {{}}")
        if value is None:
            if typ in NILLABLE:
                return [] if typ.startswith("[]") else {}
            self.errorf(f"invalid value; expected {typ}")
        got = type_name(value)
        if got != typ:
            self.errorf(f"wrong type for value; expected {typ}; got {got}")
        return value

    def eval_arg(self, dot: Any, typ: str, node: n.Node) -> Any:
        self.at(node)
        if isinstance(node, n.DotNode):
            return self.validate_type(dot, typ)
        if isinstance(node, n.NilNode):
            if typ in NILLABLE and typ != "value":
                return None if typ == "any" else ([] if typ.startswith("[]") else {})
            self.errorf(f"cannot assign nil to {'reflect.Value' if typ == 'value' else typ}")
        if isinstance(node, n.FieldNode):
            return self.validate_type(self.eval_field_node(dot, node, [node], MISSING_FINAL), typ)
        if isinstance(node, n.VariableNode):
            return self.validate_type(self.eval_variable_node(dot, node, [], MISSING_FINAL), typ)
        if isinstance(node, n.PipeNode):
            return self.validate_type(self.eval_pipeline(dot, node), typ)
        if isinstance(node, n.IdentifierNode):
            return self.validate_type(
                self.eval_function(dot, node, node, [node], MISSING_FINAL), typ
            )
        if isinstance(node, n.ChainNode):
            return self.validate_type(self.eval_chain_node(dot, node, [], MISSING_FINAL), typ)
        if typ == "bool":
            if isinstance(node, n.BoolNode):
                return node.true
            self.errorf(f"expected bool; found {node}")
        if typ == "string":
            if isinstance(node, n.StringNode):
                return node.text
            self.errorf(f"expected string; found {node}")
        if typ in ("int", "int64"):
            if isinstance(node, n.NumberNode) and node.is_int:
                return Int64(node.int64) if typ == "int64" else node.int64
            self.errorf(f"expected integer; found {node}")
        if typ == "float64":
            if isinstance(node, n.NumberNode) and node.is_float:
                return node.float64
            self.errorf(f"expected float; found {node}")
        if typ in ("any", "value"):
            if isinstance(node, n.BoolNode):
                return node.true
            if isinstance(node, n.NumberNode):
                return self.ideal_constant(node)
            if isinstance(node, n.StringNode):
                return node.text
        self.errorf(f"can't handle {node} for arg of type {typ}")
        return None


def _hex_int(text: str) -> bool:
    t = text.lstrip("+-")
    return len(t) > 2 and t[0] == "0" and t[1] in "xX" and not any(c in t for c in "pP")


def _q(s: str) -> str:
    from propylon.config.gotemplate.gofmt import quote

    return quote(s)
