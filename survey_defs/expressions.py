"""The ``show_if`` language: a tokenizer, a recursive-descent parser and an evaluator.

No Python ``eval``: an expression can only compare earlier answers with literals and call three
functions. The same AST is exported as JSON and as a JavaScript expression (see ``JS_RUNTIME``)
so that a browser evaluates it exactly like the server, and as XPath for XLSForm.

Grammar::

    expr       := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | comparison
    comparison := operand (("==" | "!=" | "<" | "<=" | ">" | ">=") operand
                           | ["not"] "in" list)?
    operand    := NUMBER | STRING | "true" | "false" | NAME | call | "(" expr ")"
    call       := ("answered" | "selected" | "count") "(" NAME ["," literal] ")"
    list       := "[" [literal ("," literal)*] "]"

Rule: a comparison involving an unanswered (or hidden) question is false; test ``answered(q)``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from survey_defs.js_runtime import JS_RUNTIME

__all__ = ["JS_RUNTIME", "ExpressionError", "evaluate", "evaluate_text", "names", "parse",
           "to_js", "to_json"]
MAX_LENGTH = 2000
MAX_DEPTH = 40
COMPARE_OPS = ("==", "!=", "<=", ">=", "<", ">")
FUNCTIONS = {"answered": 1, "selected": 2, "count": 1}
KEYWORDS = ("and", "or", "not", "in", "true", "false")
_TOKEN_RE = re.compile(
    r"\s*(?:(?P<num>-?\d+(?:\.\d+)?)|(?P<str>'[^']*'|\"[^\"]*\")"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)"
    r"|(?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,))"
)


class ExpressionError(ValueError):
    """A show_if text that does not parse; ``position`` is the 0-based character offset."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at character {position + 1})")
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Lit:
    value: int | float | str | bool


@dataclass(frozen=True)
class Var:
    name: str


@dataclass(frozen=True)
class Compare:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class In:
    left: Node
    values: tuple[Lit, ...]
    negate: bool = False


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    arg: Node


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Node, ...]


Node = Lit | Var | Compare | In | BoolOp | Not | Call
_BOOLEAN = (Compare, In, BoolOp, Not)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    pos: int


def tokenize(text: str) -> list[_Token]:
    """Split ``text`` into tokens; anything unrecognised is an error."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression longer than {MAX_LENGTH} characters", 0)
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN_RE.match(text, pos)
        if not match or match.end() == pos:
            bad = text[pos:].lstrip()[:1]
            where = len(text) - len(text[pos:].lstrip())
            raise ExpressionError(f"unexpected character '{bad}'", where)
        kind = match.lastgroup or "op"
        value = match.group(kind)
        start = match.start(kind)
        if kind == "name" and value in KEYWORDS:
            kind = "kw"
        tokens.append(_Token(kind, value, start))
        pos = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self, kind: str, text: str | None = None) -> _Token:
        tok = self.peek()
        if tok.kind != kind or (text is not None and tok.text != text):
            want = f"'{text}'" if text else kind
            found = f"'{tok.text}'" if tok.text else "the end"
            raise ExpressionError(f"expected {want}, found {found}", tok.pos)
        self.i += 1
        return tok

    def accept(self, kind: str, text: str) -> bool:
        tok = self.peek()
        if tok.kind == kind and tok.text == text:
            self.i += 1
            return True
        return False

    def parse(self) -> Node:
        node = self.or_()
        tok = self.peek()
        if tok.kind != "end":
            raise ExpressionError(f"unexpected '{tok.text}'", tok.pos)
        return _require_bool(node, 0)

    def or_(self) -> Node:
        return self._chain("or", self.and_)

    def and_(self) -> Node:
        return self._chain("and", self.not_)

    def _chain(self, op: str, sub: Any) -> Node:
        pos = self.peek().pos
        args = [sub()]
        while self.accept("kw", op):
            args.append(_require_bool(sub(), self.peek().pos))
        if len(args) == 1:
            return args[0]
        _require_bool(args[0], pos)
        return BoolOp(op, tuple(args))

    def not_(self) -> Node:
        if self.accept("kw", "not"):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ExpressionError("expression nested too deeply", self.peek().pos)
            pos = self.peek().pos
            return Not(_require_bool(self.not_(), pos))
        return self.comparison()

    def comparison(self) -> Node:
        left = self.operand()
        tok = self.peek()
        if tok.kind == "op" and tok.text in COMPARE_OPS:
            self.i += 1
            return Compare(tok.text, left, self.operand())
        negate = False
        if tok.kind == "kw" and tok.text == "not" and self.tokens[self.i + 1].text == "in":
            self.i += 1
            negate = True
        if self.accept("kw", "in"):
            return In(left, self.list_(), negate)
        return left

    def operand(self) -> Node:
        tok = self.peek()
        if tok.kind == "op" and tok.text == "(":
            self.i += 1
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ExpressionError("expression nested too deeply", tok.pos)
            node = self.or_()
            self.take("op", ")")
            self.depth -= 1
            return node
        if tok.kind == "name":
            self.i += 1
            if self.peek().text == "(":
                return self.call(tok)
            return Var(tok.text)
        return self.literal()

    def call(self, name: _Token) -> Node:
        if name.text not in FUNCTIONS:
            raise ExpressionError(
                f"unknown function '{name.text}'; only {', '.join(FUNCTIONS)} exist", name.pos)
        self.take("op", "(")
        target = self.take("name")
        args: list[Node] = [Var(target.text)]
        while self.accept("op", ","):
            args.append(self.literal())
        self.take("op", ")")
        if len(args) != FUNCTIONS[name.text]:
            raise ExpressionError(
                f"{name.text}() takes {FUNCTIONS[name.text]} argument(s), got {len(args)}",
                name.pos)
        return Call(name.text, tuple(args))

    def literal(self) -> Lit:
        tok = self.peek()
        self.i += 1
        if tok.kind == "num":
            return Lit(float(tok.text) if "." in tok.text else int(tok.text))
        if tok.kind == "str":
            return Lit(tok.text[1:-1])
        if tok.kind == "kw" and tok.text in ("true", "false"):
            return Lit(tok.text == "true")
        self.i -= 1
        found = f"'{tok.text}'" if tok.text else "the end"
        raise ExpressionError(f"expected a value, found {found}", tok.pos)

    def list_(self) -> tuple[Lit, ...]:
        self.take("op", "[")
        values: list[Lit] = []
        if not self.accept("op", "]"):
            values.append(self.literal())
            while self.accept("op", ","):
                values.append(self.literal())
            self.take("op", "]")
        return tuple(values)


def _require_bool(node: Node, pos: int) -> Node:
    if isinstance(node, _BOOLEAN) or (isinstance(node, Call) and node.name != "count") or (
        isinstance(node, Lit) and isinstance(node.value, bool)
    ):
        return node
    shown = node.name if isinstance(node, Var) else "this value"
    raise ExpressionError(
        f"a condition is needed here, not a bare value; write e.g. '{shown} == 1'", pos)


def parse(text: str) -> Node:
    """Parse a show_if text into an AST, or raise :class:`ExpressionError`."""
    return _Parser(text).parse()


def names(node: Node) -> list[str]:
    """The answer ids an expression reads, in order of appearance."""
    if isinstance(node, Var):
        return [node.name]
    children: tuple[Node, ...] = ()
    if isinstance(node, Compare):
        children = (node.left, node.right)
    elif isinstance(node, In):
        children = (node.left,)
    elif isinstance(node, BoolOp | Call):
        children = node.args
    elif isinstance(node, Not):
        children = (node.arg,)
    return [n for child in children for n in names(child)]


def literals_compared(node: Node) -> list[tuple[str, Lit]]:
    """(name, literal) pairs compared with ``==``/``!=``/``in``/``selected`` (for code checks)."""
    found: list[tuple[str, Lit]] = []
    if isinstance(node, Compare) and node.op in ("==", "!="):
        if isinstance(node.left, Var) and isinstance(node.right, Lit):
            found.append((node.left.name, node.right))
        if isinstance(node.right, Var) and isinstance(node.left, Lit):
            found.append((node.right.name, node.left))
    elif isinstance(node, In) and isinstance(node.left, Var):
        found.extend((node.left.name, v) for v in node.values)
    elif isinstance(node, Call) and node.name == "selected":
        var, code = node.args[0], node.args[1]
        if isinstance(var, Var) and isinstance(code, Lit):  # always so: the parser checks it
            found.append((var.name, code))
    for child in _children(node):
        found.extend(literals_compared(child))
    return found


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, BoolOp):
        return node.args
    if isinstance(node, Not):
        return (node.arg,)
    return ()


# Evaluation -------------------------------------------------------------------------------


def _num(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _same_kind(a: object, b: object) -> bool:
    return (_num(a) and _num(b)) or (type(a) is type(b) and isinstance(a, str | bool))


def _compare(op: str, a: object, b: object) -> bool:
    if a is None or b is None or not _same_kind(a, b):
        return False
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    if isinstance(a, bool):
        return False
    # The ignores below: _same_kind has just checked that a and b are both numbers or both
    # strings, which the checker cannot follow through ``object``.
    if op == "<":
        return a < b  # type: ignore[operator]
    if op == "<=":
        return a <= b  # type: ignore[operator]
    if op == ">":
        return a > b  # type: ignore[operator]
    return a >= b  # type: ignore[operator]


def _answered(value: object) -> bool:
    return value is not None and value != "" and value != []


def evaluate(node: Node, answers: Mapping[str, object]) -> Any:
    """Evaluate ``node`` against ``answers`` (answer id -> value); unknown names are unanswered."""
    if isinstance(node, Lit):
        return node.value
    if isinstance(node, Var):
        value = answers.get(node.name)
        return None if isinstance(value, list) else value
    if isinstance(node, Compare):
        return _compare(node.op, evaluate(node.left, answers), evaluate(node.right, answers))
    if isinstance(node, In):
        value = evaluate(node.left, answers)
        if value is None:
            return False
        hit = any(_compare("==", value, lit.value) for lit in node.values)
        return not hit if node.negate else hit
    if isinstance(node, BoolOp):
        if node.op == "and":
            return all(evaluate(arg, answers) is True for arg in node.args)
        return any(evaluate(arg, answers) is True for arg in node.args)
    if isinstance(node, Not):
        return evaluate(node.arg, answers) is not True
    # A call's arguments are checked by the parser: first a Var, then (for selected) a Lit; the
    # ignores below stand for that guarantee, which the Node union cannot express.
    raw = answers.get(node.args[0].name)  # type: ignore[union-attr]
    if node.name == "answered":
        return _answered(raw)
    chosen = raw if isinstance(raw, list) else ([] if raw is None else [raw])
    if node.name == "count":
        return len(chosen)
    code = node.args[1].value  # type: ignore[union-attr]
    return any(_compare("==", c, code) for c in chosen)


def evaluate_text(text: str, answers: Mapping[str, object]) -> bool:
    """Parse and evaluate in one step."""
    return evaluate(parse(text), answers) is True


# Export -----------------------------------------------------------------------------------


def to_json(node: Node) -> dict[str, Any]:
    """A JSON-able form of the AST (what the browser runtime walks)."""
    if isinstance(node, Lit):
        return {"lit": node.value}
    if isinstance(node, Var):
        return {"var": node.name}
    if isinstance(node, Compare):
        return {"op": node.op, "args": [to_json(node.left), to_json(node.right)]}
    if isinstance(node, In):
        return {"op": "not in" if node.negate else "in", "args": [to_json(node.left)],
                "values": [v.value for v in node.values]}
    if isinstance(node, BoolOp):
        return {"op": node.op, "args": [to_json(a) for a in node.args]}
    if isinstance(node, Not):
        return {"op": "not", "args": [to_json(node.arg)]}
    return {"call": node.name, "args": [to_json(a) for a in node.args]}


def to_js(node: Node) -> str:
    """A JavaScript expression over the helper object ``h`` defined by :data:`JS_RUNTIME`.

    ``<`` is escaped so the expression can sit inside an inline ``<script>``.
    """
    data = json.dumps(to_json(node), ensure_ascii=False).replace("<", "\\u003c")
    return "h.run(" + data + ")"
