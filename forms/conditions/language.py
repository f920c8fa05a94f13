"""The condition language of `show_if`, `require_if` and friends (see docs/forms.md, "Conditions").

Conditions are written by trainers and read by A4, so they are parsed by a
small hand-written tokenizer and recursive-descent parser and never run as
Python.  A condition is parsed once, when its form loads, into a chain of
closures; evaluating it then costs a few function calls, which matters
because visibility is re-checked for every question on every keystroke.

Evaluation never raises: an unanswered question is ``None``, and comparing
values that cannot be ordered (``none < 3``, ``"a" < 3``) is simply false,
so a half-written record can never crash the screen.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Lookup = Callable[[str], Any]
"""Gives a name's answer value, or ``None`` when the question is unanswered."""

_Run = Callable[[Lookup], Any]

MAX_NAME_PARTS = 4
"""``section.question.row.column`` is the longest name anything can mean."""

KEYWORDS: frozenset[str] = frozenset({"and", "or", "not", "in", "true", "false", "none"})
_CONSTANTS: dict[str, Any] = {"true": True, "false": False, "none": None}
_ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_COMPARISONS: frozenset[str] = frozenset({"==", "!=", "in", "not in", *_ORDERINGS})

# A run of letters, digits, underscores and dots: read whole so that a bad
# name ("Risk.Level", "risk..level") is reported as one mistake, not several.
_WORD = re.compile(r"[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]*)*")
_SEGMENT = re.compile(r"[a-z_][a-z0-9_]*")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_BAD_NUMBER = re.compile(r"-?[A-Za-z0-9_.]+")
_ESCAPES = frozenset("\"'\\")
_CURLY_QUOTES = frozenset("‘’“”")


class ConditionError(Exception):
    """A condition that cannot be read: what is wrong, at which column, and what to do about it."""

    def __init__(self, message: str, column: int, hint: str = "") -> None:
        self.message = message
        self.column = column
        """1-based column within the condition's own text."""
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"column {self.column}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


# ------------------------------------------------------------------ values


def truthy(value: Any) -> bool:
    """Whether a name on its own counts as true: answered, and not "no", 0, false or empty."""
    return value is not None and value != "no" and bool(value)


def _is_number(value: Any) -> bool:
    # bool is an int in Python, but `true == 1` would surprise a trainer.
    return isinstance(value, int | float) and not isinstance(value, bool)


def _equal(left: Any, right: Any) -> bool:
    """Equality as trainers expect it: 1 == 1.0, true != 1, and lists compared as sets of ids."""
    if _is_number(left) and _is_number(right):
        return bool(left == right)
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return all(_member(item, right) for item in left) and all(_member(item, left) for item in right)
    if type(left) is not type(right):
        return False
    return bool(left == right)


def _member(item: Any, items: list[Any] | tuple[Any, ...]) -> bool:
    return any(_equal(item, other) for other in items)


def _leaves(value: Mapping[str, Any]) -> list[Any]:
    """The values inside a (nested) mapping, e.g. every level chosen in a grid or grid row."""
    found: list[Any] = []
    for inner in value.values():
        found.extend(_leaves(inner) if isinstance(inner, Mapping) else [inner])
    return found


def _contains(item: Any, container: Any) -> bool:
    """``item in container``, read sensibly whichever side holds a multi-choice answer.

    A list on the left (a multi answer) is in a list when they share any id;
    a grid (or one grid row) contains the levels chosen in its cells; a text
    contains its substrings.  Anything else contains nothing.
    """
    if isinstance(container, Mapping):
        container = _leaves(container)
    if isinstance(container, list | tuple):
        if isinstance(item, list | tuple):
            return any(_member(one, container) for one in item)
        return _member(item, container)
    if isinstance(container, str) and isinstance(item, str):
        return item in container
    return False


def _ordered(compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    """An ordering that is false, not an error, unless both sides are numbers or both are text."""

    def ordered(left: Any, right: Any) -> bool:
        if (_is_number(left) and _is_number(right)) or (isinstance(left, str) and isinstance(right, str)):
            return bool(compare(left, right))
        return False

    return ordered


_OPERATIONS: dict[str, Callable[[Any, Any], bool]] = {
    "==": _equal,
    "!=": lambda left, right: not _equal(left, right),
    "in": _contains,
    "not in": lambda left, right: not _contains(left, right),
    **{symbol: _ordered(compare) for symbol, compare in _ORDERINGS.items()},
}


# ------------------------------------------------------------------ tokens


@dataclass(frozen=True)
class _Token:
    kind: str
    """"name", "keyword", "string", "number", "op" (comparisons and punctuation) or "end"."""
    text: str
    column: int
    value: Any = None


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    at = 0
    while at < len(source):
        char = source[at]
        if char.isspace():
            at += 1
            continue
        if char in "\"'":
            token, at = _read_string(source, at)
        elif char.isdigit() or (char == "-" and source[at + 1 : at + 2].isdigit()):
            token, at = _read_number(source, at)
        elif char.isascii() and (char.isalpha() or char == "_"):
            match = _WORD.match(source, at)
            assert match is not None  # the first character always matches
            token, at = _word_token(match.group(), at + 1), match.end()
            if token.kind == "name" and source[at : at + 1] == "(":
                raise ConditionError(
                    f"'{token.text}(' calls something, but conditions are not Python and run nothing",
                    token.column,
                    f"a condition may hold only {_ALLOWED}",
                )
        else:
            token, at = _read_symbol(source, at)
        tokens.append(token)
    tokens.append(_Token("end", "", len(source.rstrip()) + 1))
    return tokens


def _read_string(source: str, start: int) -> tuple[_Token, int]:
    quote = source[start]
    chars: list[str] = []
    at = start + 1
    while at < len(source):
        char = source[at]
        if char == quote:
            return _Token("string", source[start : at + 1], start + 1, "".join(chars)), at + 1
        if char == "\\":
            escaped = source[at + 1 : at + 2]
            if not escaped:
                break
            if escaped not in _ESCAPES:
                raise ConditionError(
                    f"unknown escape '\\{escaped}' in a string",
                    at + 1,
                    "only \\\", \\' and \\\\ are understood; write \\\\ for a backslash",
                )
            chars.append(escaped)
            at += 2
            continue
        chars.append(char)
        at += 1
    raise ConditionError(
        "this string is never closed", start + 1, f"close the string with a matching {quote}"
    )


def _read_number(source: str, start: int) -> tuple[_Token, int]:
    match = _NUMBER.match(source, start)
    assert match is not None  # only called on a digit or a minus before a digit
    end = match.end()
    if end < len(source) and (source[end].isalnum() or source[end] in "._"):
        bad = _BAD_NUMBER.match(source, start).group()  # type: ignore[union-attr]  # always matches
        raise ConditionError(f"'{bad}' is not a number", start + 1, "write numbers like 18, 2.5 or -1")
    text = match.group()
    value = float(text) if "." in text else int(text)
    return _Token("number", text, start + 1, value), end


def _word_token(word: str, column: int) -> _Token:
    """A keyword or a name, after checking the spelling rules that trainers most often trip on."""
    lower = word.lower()
    if "." not in word and lower in KEYWORDS:
        if word != lower:
            raise ConditionError(
                f"'{word}' must be written in lower case", column, f"did you mean '{lower}'?"
            )
        return _Token("keyword", word, column)
    if word != lower:
        raise ConditionError(
            f"names are written in lower case, not '{word}'", column, f"did you mean '{lower}'?"
        )
    parts = word.split(".")
    if len(parts) > MAX_NAME_PARTS:
        raise ConditionError(
            f"'{word}' has too many parts", column, "the longest name is section.question.row.column"
        )
    for part in parts:
        if not _SEGMENT.fullmatch(part):
            problem = "an empty part" if not part else f"the part '{part}'"
            raise ConditionError(
                f"'{word}' has {problem}",
                column,
                "names are ids joined by single dots, each starting with a letter or _",
            )
    return _Token("name", word, column)


_ALLOWED = (
    "question names, quoted values, numbers, [lists], (parentheses), and, or, not, "
    "and the comparisons == != < <= > >= in"
)
"""What a condition is made of, said when something else is found in one."""

_SYMBOL_MISTAKES: dict[str, tuple[str, str]] = {
    "&&": ("'&&' is not understood", "use 'and'"),
    "||": ("'||' is not understood", "use 'or'"),
    "&": ("'&' is not understood", "use 'and'"),
    "|": ("'|' is not understood", "use 'or'"),
    "!": ("'!' is not understood", "use 'not'"),
    "=": ("a single '=' sets, it does not compare", "use == to compare"),
}


def _read_symbol(source: str, at: int) -> tuple[_Token, int]:
    pair = source[at : at + 2]
    if pair in ("==", "!=", "<=", ">="):
        return _Token("op", pair, at + 1), at + 2
    char = source[at]
    if char in "<>()[],":
        return _Token("op", char, at + 1), at + 1
    mistake = pair if pair in _SYMBOL_MISTAKES else char
    if mistake in _SYMBOL_MISTAKES:
        message, hint = _SYMBOL_MISTAKES[mistake]
        raise ConditionError(message, at + 1, hint)
    hint = "use straight quotes ' or \"" if char in _CURLY_QUOTES else f"a condition may hold only {_ALLOWED}"
    raise ConditionError(f"unexpected character '{char}'", at + 1, hint)


# ------------------------------------------------------------------ parser


@dataclass(frozen=True)
class Operand:
    """One side of a comparison as written: a name, a fixed value, a list of fixed values, or neither."""

    kind: str
    """"name", "value", "list" or "other" (a parenthesised condition)."""
    column: int
    name: str = ""
    values: tuple[tuple[Any, int], ...] = ()
    """For "value" one (value, column) pair; for "list" one per item."""


@dataclass(frozen=True)
class Comparison:
    """A comparison between a name and fixed values, kept so a form can check it makes sense."""

    operator: str
    left: Operand
    right: Operand


def _literal(value: Any) -> _Run:
    return lambda lookup: value


def _name(name: str) -> _Run:
    return lambda lookup: lookup(name)


MAX_TOKENS = 400
"""Longest condition, in words, values and symbols: a real one has a few dozen."""
MAX_NESTING = 40
"""Deepest nesting of brackets and `not`s: parsing and evaluating recurse once per level."""


def _check_size(tokens: list[_Token]) -> None:
    """Refuse a condition too long or nested too deeply to read safely, before parsing recurses into it."""
    depth = nots = 0
    for token in tokens:
        if token.text in ("(", "["):
            depth += 1
        elif token.text in (")", "]"):
            depth -= 1
        nots = nots + 1 if token.kind == "keyword" and token.text == "not" else 0
        if depth + nots > MAX_NESTING:
            raise ConditionError(
                f"the condition is nested too deeply (more than {MAX_NESTING} levels)",
                token.column,
                "remove brackets or 'not's that are not needed",
            )
    if len(tokens) > MAX_TOKENS:
        raise ConditionError(
            f"the condition is too long ({len(tokens) - 1} parts; at most {MAX_TOKENS})",
            tokens[MAX_TOKENS].column,
            "split it, or give the question a simpler rule",
        )


class _Parser:
    """Recursive descent over the token list, one method per precedence level, loosest first.

    Each method returns a closure that computes the sub-expression, so the
    finished condition is already "compiled" when parsing ends.
    """

    def __init__(self, source: str) -> None:
        self.tokens = _tokenize(source)
        _check_size(self.tokens)
        self.at = 0
        self.names: dict[str, int] = {}
        self.comparisons: list[Comparison] = []
        self.operand = Operand("other", 0)
        """What the last `parse_primary` read, for `parse_comparison` to record."""

    @property
    def token(self) -> _Token:
        return self.tokens[self.at]

    def is_word(self, *words: str) -> bool:
        return self.token.kind in ("keyword", "op") and self.token.text in words

    def take(self) -> _Token:
        token = self.token
        self.at += 1
        return token

    def missing_value(self) -> ConditionError:
        """The error for a place where a name or value should be but is not."""
        after = f"after '{self.tokens[self.at - 1].text}'" if self.at else "at the start"
        if self.token.kind == "end":
            return ConditionError(
                f"a name or value is missing {after}", self.token.column, 'e.g. "yes", 3 or a question id'
            )
        return ConditionError(
            f"expected a name or value {after}, found '{self.token.text}'", self.token.column
        )

    def parse(self) -> _Run:
        run = self.parse_or()
        if self.token.kind != "end":
            raise self.trailing()
        return run

    def trailing(self) -> ConditionError:
        token = self.token
        if token.text == ")":
            return ConditionError("this ')' has no matching '('", token.column, "remove it or add a '('")
        if token.text in _COMPARISONS or (token.text == "not" and self.tokens[self.at + 1].text == "in"):
            return ConditionError(
                "comparisons cannot be chained", token.column, "join two comparisons with 'and'"
            )
        return ConditionError(
            f"unexpected '{token.text}' after a complete condition",
            token.column,
            "join conditions with 'and' or 'or'",
        )

    def parse_or(self) -> _Run:
        run = self.parse_and()
        while self.is_word("or"):
            self.take()
            left, right = run, self.parse_and()
            run = _either(left, right)
        return run

    def parse_and(self) -> _Run:
        run = self.parse_not()
        while self.is_word("and"):
            self.take()
            left, right = run, self.parse_not()
            run = _both(left, right)
        return run

    def parse_not(self) -> _Run:
        if self.is_word("not"):
            self.take()
            inner = self.parse_not()
            return lambda lookup: not truthy(inner(lookup))
        return self.parse_comparison()

    def parse_comparison(self) -> _Run:
        left = self.parse_primary()
        left_operand = self.operand
        symbol = self.comparison_ahead()
        if symbol is None:
            return left
        right = self.parse_primary()
        self.comparisons.append(Comparison(symbol, left_operand, self.operand))
        compare = _OPERATIONS[symbol]
        return lambda lookup: compare(left(lookup), right(lookup))

    def comparison_ahead(self) -> str | None:
        """Consume a comparison operator (``not in`` is two tokens) and return it, if one is next."""
        if (self.token.kind == "op" and self.token.text in _COMPARISONS) or self.is_word("in"):
            return self.take().text
        if self.is_word("not"):
            not_token = self.take()
            if not self.is_word("in"):
                raise ConditionError(
                    "'not' here must be followed by 'in'",
                    not_token.column,
                    "write 'not in', or put 'not' first",
                )
            self.take()
            return "not in"
        return None

    def parse_primary(self) -> _Run:
        token = self.token
        if token.kind == "name":
            self.take()
            self.names.setdefault(token.text, token.column)
            self.operand = Operand("name", token.column, name=token.text)
            return _name(token.text)
        if token.kind in ("string", "number") or (token.kind == "keyword" and token.text in _CONSTANTS):
            value = self.literal()
            self.operand = Operand("value", token.column, values=((value, token.column),))
            return _literal(value)
        if token.text == "[":
            items = self.parse_list()
            self.operand = Operand("list", token.column, values=items)
            return _literal(tuple(value for value, _ in items))
        if token.text == "(":
            self.take()
            inner = self.parse_or()
            if self.token.text != ")":
                if self.token.kind != "end":
                    raise self.trailing()
                raise ConditionError(
                    "a ')' is missing", self.token.column, f"close the '(' opened at column {token.column}"
                )
            self.take()
            self.operand = Operand("other", token.column)
            return inner
        raise self.missing_value()

    def literal(self) -> Any:
        token = self.take()
        return _CONSTANTS[token.text] if token.kind == "keyword" else token.value

    def parse_list(self) -> tuple[tuple[Any, int], ...]:
        """The items of a `[...]` list, each with its column."""
        opening = self.take()
        items: list[tuple[Any, int]] = []
        while self.token.text != "]":
            token = self.token
            if token.kind == "name":
                raise ConditionError(
                    f"a list holds fixed values, not the name '{token.text}'",
                    token.column,
                    f'quote it if you meant the text: "{token.text}"',
                )
            if token.kind == "end":
                raise ConditionError(
                    "a ']' is missing", token.column, f"close the '[' opened at column {opening.column}"
                )
            if token.kind not in ("string", "number") and token.text not in _CONSTANTS:
                raise self.missing_value()
            items.append((self.literal(), token.column))
            if self.token.text == ",":
                self.take()
            elif self.token.text != "]":
                if self.token.kind == "end":
                    continue
                raise ConditionError(
                    f"expected ',' or ']' before '{self.token.text}'",
                    self.token.column,
                    "separate list items with commas",
                )
        self.take()
        return tuple(items)


def _either(left: _Run, right: _Run) -> _Run:
    return lambda lookup: truthy(left(lookup)) or truthy(right(lookup))


def _both(left: _Run, right: _Run) -> _Run:
    return lambda lookup: truthy(left(lookup)) and truthy(right(lookup))


# ------------------------------------------------------------------ the public face


@dataclass(frozen=True)
class Expr:
    """A parsed condition.  Built by `parse` (or ``Expr(source)``), which raises `ConditionError`.

    Two conditions are equal when their text is; the compiled form is
    carried alongside so that a frozen form definition stays hashable.
    """

    source: str
    _run: _Run = field(init=False, repr=False, compare=False)
    _name_columns: tuple[tuple[str, int], ...] = field(init=False, repr=False, compare=False)
    _comparisons: tuple[Comparison, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.source.strip():
            raise ConditionError("the condition is empty", 1, 'write one, e.g. linked_offending == "yes"')
        parser = _Parser(self.source)
        object.__setattr__(self, "_run", parser.parse())
        object.__setattr__(self, "_name_columns", tuple(parser.names.items()))
        object.__setattr__(self, "_comparisons", tuple(parser.comparisons))

    def names(self) -> frozenset[str]:
        """Every name the condition refers to, dotted names as written."""
        return frozenset(name for name, _ in self._name_columns)

    def name_columns(self) -> dict[str, int]:
        """The first column of each name, so that a checker can point at an unknown one."""
        return dict(self._name_columns)

    def comparisons(self) -> tuple[Comparison, ...]:
        """Every comparison in the condition, in the order written, so a form can check its values."""
        return self._comparisons

    def evaluate(self, lookup: Lookup) -> bool:
        """Whether the condition holds, given each name's answer (``None`` when unanswered)."""
        return truthy(self._run(lookup))


def parse(source: str) -> Expr:
    """Read a condition once, ready to be evaluated many times."""
    return Expr(source)
