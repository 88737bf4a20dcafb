"""The tokens and terms of SPARQL 1.1 query text, read as Oxigraph reads them, and the
parts of the grammar made of terms alone (triple patterns, property paths, VALUES blocks),
for the parser in :mod:`nhskg.graph.query.sparql_parse`.

Whitespace is space, tab, CR and LF only; a comment runs from '#' to the next CR or LF.
``\\uXXXX`` and ``\\UXXXXXXXX`` escapes are decoded inside strings and IRIs and are an
error anywhere else (Oxigraph reads them so). Tokens are read one at a time as the parser
asks, by one compiled regular expression, longest match first, except where Oxigraph ends a
token sooner: a '<' where an operator is expected is less-than, a '+' after a path step is
its modifier, and a prefixed name whose local part has dots in two places (which Oxigraph
would end at the second) is refused. Brackets nest at most :data:`MAX_DEPTH` deep, which
bounds the parser's recursion whatever the input.
"""

from __future__ import annotations

import re
from typing import NoReturn

MAX_DEPTH = 64

_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_U = _BASE + "_"
_CHARS = _U + "\\-0-9\u00b7\u0300-\u036f\u203f\u2040"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_ESC = r"\\[tbnrf\"'\\]|" + _UCHAR
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_LOCAL = f"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
_SPACE = re.compile(r"[ \t\r\n]*(?:#[^\r\n]*[ \t\r\n]*)*")  # a comment ends at CR or LF
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_NUMBER = r"[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.?[0-9]+[eE][+-]?[0-9]+|[0-9]*\.[0-9]+|[0-9]+"
# Each kind of token: the characters it may start with, and its pattern.
_KINDS = (
    ("IRI", "<", '<(?:[^<>"{}|^`\\\\\\x00-\\x20]|' + _UCHAR + ")*>"),
    (
        "STR",
        "'\"",
        "'''(?:(?:''?)?(?:[^'\\\\]|" + _ESC + "))*'''"
        '|"""(?:(?:""?)?(?:[^"\\\\]|' + _ESC + '))*"""'
        "|'(?:[^'\\\\\\n\\r]|" + _ESC + ")*'"
        '|"(?:[^"\\\\\\n\\r]|' + _ESC + ')*"',
    ),
    ("VAR", "?$", f"[?$][{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f\u2040]*"),
    ("BNODE", "_", f"_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?"),
    ("PNAME", _LETTERS + ":", f"(?:[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?)?:(?:{_LOCAL})?"),
    ("NUM", "0123456789.+-", f"[+-]?(?:{_NUMBER})"),
    ("LANG", "@", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"),
    ("NIL", "(", r"\([ \t\r\n]*\)"),
    ("ANON", "[", r"\[[ \t\r\n]*\]"),
    ("WORD", _LETTERS, r"[A-Za-z][A-Za-z0-9_]*"),
    ("P", "^&|!=<>{}()[],;.*/+-?", r"\^\^|&&|\|\||!=|<=|>=|[{}()\[\],;.*/|^!=<>+\-?]"),
)
# For each character a token may start with, the patterns of the kinds that may start with
# it, longest match first; a character beyond ASCII may start only a prefixed name.
_TOKEN = {
    char: re.compile(
        "|".join(f"(?P<{kind}>{pattern})" for kind, first, pattern in _KINDS if char in first)
    )
    for char in {char for _, first, _ in _KINDS for char in first}
}
_OTHER = re.compile(f"(?P<PNAME>{_KINDS[4][2]})")
_TERMS = frozenset(("VAR", "IRI", "PNAME", "STR", "NUM", "BNODE", "ANON", "NIL"))
_DOTS = re.compile(r"\.+")
_ESCAPED = re.compile(r"\\.")
_OPENERS = frozenset("({[")
_CLOSERS = frozenset(")}]")
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_NOT_IN_IRI = re.compile(r'[<>"{}|^`\\\x00-\x20]')
_REFERENCE = re.compile(  # RFC 3986, appendix B: scheme, authority, path, query, fragment
    r"^(?:([A-Za-z][A-Za-z0-9+.\-]*):)?(?://([^/?#]*))?([^?#]*)(\?[^#]*)?(#.*)?$", re.S
)


class SparqlSyntaxError(ValueError):
    """The text is not a SPARQL 1.1 query this parser accepts; ``line`` and ``column`` are
    1-based and the message says both, and what was expected and found there."""

    def __init__(self, message: str, *, line: int, column: int) -> None:
        super().__init__(f"line {line}, column {column}: {message}")
        self.line = line
        self.column = column


def _codepoint(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        raise ValueError(f"the escape {match.group()} is not a Unicode character")
    return chr(code)


def decode_string(token: str) -> str:
    """A string literal's value: ``token`` without its quotes, escapes decoded."""
    quotes = 3 if token[:3] in ("'''", '"""') else 1
    body = token[quotes:-quotes]
    if "\\" not in body:
        return body
    return _ESCAPE.sub(lambda m: _ECHARS[m.group(3)] if m.group(3) else _codepoint(m), body)


def decode_iri(token: str) -> str:
    """An IRIREF's IRI: ``token`` without '<' and '>', escapes decoded; an escape must not
    make a character that an IRI cannot hold."""
    body = token[1:-1]
    if "\\" not in body:
        return body
    body = _ESCAPE.sub(_codepoint, body)
    bad = _NOT_IN_IRI.search(body)
    if bad:
        raise ValueError(f"an escape in the IRI makes {bad.group()!r}, which an IRI cannot hold")
    return body


def _remove_dots(path: str) -> str:
    out: list[str] = []
    segments = path.split("/")
    for n, segment in enumerate(segments):
        last = n == len(segments) - 1
        if segment == "..":
            if len(out) > 1 or (out and out[0]):
                out.pop()
            if last:
                out.append("")
        elif segment == ".":
            if last:
                out.append("")
        else:
            out.append(segment)
    return "/".join(out)


def resolve_iri(base: str | None, reference: str) -> str:
    """``reference`` resolved against ``base`` (RFC 3986, section 5.2); as it is without a
    base or when it is absolute already."""
    ref = _REFERENCE.match(reference)
    if base is None or ref is None or ref.group(1):
        return reference
    b = _REFERENCE.match(base)
    if b is None or not b.group(1):
        return reference
    _, authority, path, query, fragment = ref.groups()
    if authority is not None:
        path = _remove_dots(path)
    else:
        authority = b.group(2)
        if not path:
            path, query = b.group(3), query if query is not None else b.group(4)
        elif path.startswith("/"):
            path = _remove_dots(path)
        else:
            base_path = b.group(3)
            if authority is not None and not base_path:
                path = "/" + path
            else:
                path = base_path[: base_path.rfind("/") + 1] + path
            path = _remove_dots(path)
    prefix = b.group(1) + ":" + ("//" + authority if authority is not None else "")
    return prefix + path + (query or "") + (fragment or "")


class Terms:
    """The query text, read one token at a time: ``kind`` (IRI, STR, VAR, BNODE, PNAME,
    NUM, LANG, NIL, ANON, WORD, P for punctuation, EOF), ``val`` (its text), ``word``
    (a WORD upper-cased), ``start`` and ``end`` (its place in the text); and the terms
    made of tokens, IRIs resolved against the prologue's BASE and prefixes."""

    def __init__(self, text: str, base_iri: str | None) -> None:
        self.text = text
        self.base = base_iri
        self.prefixes: dict[str, str] = {}
        self.kind = "EOF"
        self.val = self.word = ""
        self.start = self.end = 0
        self.depth = 0
        self.count = 0  # tokens read so far
        self.triple_count = self.longest = self.largest_group = 0
        self.used_bnodes: set[str] = set()  # labels of the basic graph patterns closed
        self.bnodes: set[str] = set()  # labels of the current one

    def advance(self) -> None:
        """Read the next token."""
        text = self.text
        self.count += 1
        self.start = start = _SPACE.match(text, self.end).end()  # type: ignore[union-attr]
        if start == len(text):
            self.kind, self.val, self.end = "EOF", "", start
            return
        match = _TOKEN.get(text[start], _OTHER).match(text, start)
        if match is None:
            self._bad_character(start)
        kind = match.lastgroup or ""
        val = match.group()
        if kind == "P":
            if val in _OPENERS:
                self._deeper(start)
            elif val in _CLOSERS:
                self.depth -= 1
        elif kind == "WORD":
            self.word = val.upper()
        elif kind == "PNAME" and "." in val and self._dotted(val.partition(":")[2]):
            # Oxigraph ends a local name at its second run of dots: p:a.b.c is p:a.b . c
            self.fail_at(start, f"{val}: a prefixed name with dots in two places")
        elif kind == "NIL" or kind == "ANON":
            self._deeper(start)
            self.depth -= 1
        self.kind, self.val, self.end = kind, val, match.end()

    @staticmethod
    def _dotted(local: str) -> bool:
        return "." in local and len(_DOTS.findall(_ESCAPED.sub("", local))) > 1

    def plus(self) -> None:
        """Read the '+' of the current signed number token on its own: after a property path
        step, ``:p +1`` is the path :p+ and 1, as Oxigraph reads it."""
        self.kind, self.val, self.end = "P", "+", self.start + 1

    def less_than(self) -> None:
        """Read the current IRI token as the operator '<' or '<=' (where an operator is
        expected, ``?a<?b&&?c>?d`` compares, as Oxigraph reads it)."""
        op = "<=" if self.text.startswith("<=", self.start) else "<"
        self.kind, self.val, self.end = "P", op, self.start + len(op)

    def _deeper(self, at: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail_at(at, f"brackets nest more than {MAX_DEPTH} deep")

    def _bad_character(self, at: int) -> NoReturn:
        char = self.text[at]
        if char == "\\":
            self.fail_at(
                at, "a backslash outside a string or IRI (\\u escapes are read only there)"
            )
        if char in "'\"":
            self.fail_at(at, "a string that is not closed on its line, or has a bad escape")
        self.fail_at(at, f"unexpected character {char!r}")

    def fail(self, expected: str) -> NoReturn:
        """Refuse the query at the current token: ``expected`` is what could stand there."""
        if self.kind == "EOF":
            found = "the end of the query"
        else:
            found = repr(self.val if len(self.val) <= 40 else self.val[:37] + "...")
        self.fail_at(self.start, f"expected {expected}, found {found}")

    def fail_at(self, at: int, message: str) -> NoReturn:
        line = self.text.count("\n", 0, at) + 1
        column = at - self.text.rfind("\n", 0, at)
        raise SparqlSyntaxError(message, line=line, column=column)

    def at(self, punct: str) -> bool:
        return self.kind == "P" and self.val == punct

    def accept(self, punct: str) -> bool:
        if self.kind == "P" and self.val == punct:
            self.advance()
            return True
        return False

    def expect(self, punct: str) -> None:
        if not (self.kind == "P" and self.val == punct):
            self.fail(repr(punct))
        self.advance()

    def accept_word(self, word: str) -> bool:
        if self.kind == "WORD" and self.word == word:
            self.advance()
            return True
        return False

    def expect_word(self, word: str) -> None:
        if not self.accept_word(word):
            self.fail(word)

    def var(self) -> str:
        """A variable's name (without its ? or $)."""
        if self.kind != "VAR":
            self.fail("a variable")
        name = self.val[1:]
        self.advance()
        return name

    def iri(self) -> str:
        """An IRI, in <...> or a prefixed name: absolute where a base allows."""
        if self.kind == "IRI":
            try:
                value = resolve_iri(self.base, decode_iri(self.val))
            except ValueError as error:
                self.fail_at(self.start, str(error))
        elif self.kind == "PNAME":
            prefix, _, local = self.val.partition(":")
            if prefix not in self.prefixes:
                self.fail_at(self.start, f"the prefix {prefix}: is not declared")
            if "\\" in local:  # \. and the like stand for the character
                local = local.replace("\\", "")
            value = self.prefixes[prefix] + local
        else:
            self.fail("an IRI")
        self.advance()
        return value

    def prologue(self) -> None:
        """BASE and PREFIX declarations."""
        while self.kind == "WORD" and self.word in ("BASE", "PREFIX"):
            word = self.word
            self.advance()
            name = ""
            if word == "PREFIX":
                if self.kind != "PNAME" or self.val.index(":") != len(self.val) - 1:
                    self.fail("a prefix such as ex:")
                name = self.val[:-1]
                self.advance()
            if self.kind != "IRI":
                self.fail("an IRI in <...>")
            if word == "BASE":
                self.base = self.iri()
            else:
                self.prefixes[name] = self.iri()

    def literal(self) -> None:
        """A string, with its language tag or datatype if it has one."""
        try:
            decode_string(self.val)
        except ValueError as error:
            self.fail_at(self.start, str(error))
        self.advance()
        if self.kind == "LANG":
            self.advance()
        elif self.accept("^^"):
            self.iri()

    def integer(self) -> None:
        if self.kind != "NUM" or not self.val.isdigit():
            self.fail("an integer")
        self.advance()

    def data_value(self) -> None:
        """A value in VALUES: an IRI, a literal or UNDEF."""
        kind = self.kind
        if kind in ("IRI", "PNAME"):
            self.iri()
        elif kind == "STR":
            self.literal()
        elif kind == "NUM" or (kind == "WORD" and self.word in ("TRUE", "FALSE", "UNDEF")):
            self.advance()
        else:
            self.fail("an IRI, a literal or UNDEF")

    def chain(self, operands: int) -> None:
        """Note a flat chain of ``operands`` operands (the longest is reported)."""
        if operands > self.longest:
            self.longest = operands

    def data_block(self) -> set[str]:
        if self.kind == "VAR":
            name = self.var()
            self.expect("{")
            while not self.accept("}"):
                self.data_value()
            return {name}
        names: list[str] = []
        if self.kind == "NIL":
            self.advance()
        else:
            self.expect("(")
            while not self.accept(")"):
                names.append(self.var())
        self.expect("{")
        while self.kind == "NIL" or self.at("("):
            at, count = self.start, 0
            if self.kind == "P":
                self.advance()
                while not self.accept(")"):
                    self.data_value()
                    count += 1
            else:
                self.advance()
            if count != len(names):
                self.fail_at(at, f"a VALUES row has {count} values for {len(names)} variables")
        self.expect("}")
        return set(names)

    def var_or_iri(self) -> tuple[str, str | None]:
        """An IRI or a variable: as reported, and the variable's name."""
        if self.kind == "VAR":
            written = self.val
            return written, self.var()
        return self.iri(), None

    def triples_template(self) -> None:
        """Triples of a CONSTRUCT template (no paths), up to '}'."""
        while self.starts_term() or self.at("[") or self.at("("):
            self.triples(None, paths=False)
            if not self.accept("."):
                break
        self.expect("}")

    def triples(self, scope: set[str] | None, *, paths: bool) -> None:
        """Triples that share a subject. ``scope`` collects their variables (None in a
        template, where blank node labels are not held to one pattern either)."""
        if self.at("[") or self.at("("):
            self.node(scope, paths)
            if self.starts_verb(paths):  # after [ ... ] or ( ... ) the verb may be missing
                self.properties(scope, paths)
            return
        if not self.starts_term():
            self.fail("a triple pattern, a graph pattern or '}'")
        self.node(scope, paths)
        self.properties(scope, paths)

    def starts_term(self) -> bool:
        return self.kind in _TERMS or (self.kind == "WORD" and self.word in ("TRUE", "FALSE"))

    def starts_verb(self, paths: bool) -> bool:
        kind = self.kind
        if kind == "VAR" or kind == "IRI" or kind == "PNAME":
            return True
        if kind == "WORD":
            return self.val == "a"
        return paths and kind == "P" and self.val in ("^", "(", "!")

    def properties(self, scope: set[str] | None, paths: bool) -> None:
        """Verb ObjectList ( ';' ( Verb ObjectList )? )*"""
        while True:
            if self.kind == "VAR":
                name = self.var()
                if scope is not None:
                    scope.add(name)
            elif paths:
                self.path()
            elif self.kind == "WORD" and self.val == "a":
                self.advance()
            else:
                self.iri()
            while True:
                self.node(scope, paths)
                self.triple_count += 1
                if not self.accept(","):
                    break
            if not self.at(";"):
                return
            while self.accept(";"):
                pass
            if not self.starts_verb(paths):
                return

    def node(self, scope: set[str] | None, paths: bool) -> None:
        """A term, a blank node property list '[' ... ']' or a collection '(' ... ')'."""
        kind = self.kind
        if kind == "P" and self.val == "[":
            self.advance()
            self.properties(scope, paths)
            self.expect("]")
        elif kind == "P" and self.val == "(":
            self.advance()
            members = 0
            while not self.accept(")"):
                self.node(scope, paths)
                members += 1
            if not members:
                self.fail("a term")  # '(' then ')' apart from '()' : a comment between
            self.triple_count += 2 * members
        elif kind == "VAR":
            name = self.var()
            if scope is not None:
                scope.add(name)
        elif kind == "IRI" or kind == "PNAME":
            self.iri()
        elif kind == "STR":
            self.literal()
        elif kind == "BNODE":
            if scope is not None:
                label = self.val[2:]
                if label in self.used_bnodes:
                    self.fail_at(self.start, f"_:{label} is used in two basic graph patterns")
                self.bnodes.add(label)
            self.advance()
        elif kind in ("NUM", "ANON", "NIL") or (kind == "WORD" and self.word in ("TRUE", "FALSE")):
            self.advance()
        else:
            self.fail("a term")

    def path(self) -> None:
        """A property path: alternatives of sequences of steps."""
        alternatives = 0
        while True:
            steps = 0
            while True:
                self.accept("^")
                if self.kind == "WORD" and self.val == "a":
                    self.advance()
                elif self.kind == "IRI" or self.kind == "PNAME":
                    self.iri()
                elif self.accept("!"):
                    if self.kind == "NIL":
                        self.advance()
                    elif not self.accept("("):
                        self.negated_step()
                    else:
                        self.negated_step()
                        while self.accept("|"):
                            self.negated_step()
                        self.expect(")")
                elif self.accept("("):
                    self.path()
                    self.expect(")")
                else:
                    self.fail("a property path")
                if self.kind == "NUM" and self.val[0] == "+":
                    self.plus()
                if self.kind == "P" and self.val in ("?", "*", "+"):
                    self.advance()
                steps += 1
                if not self.accept("/"):
                    break
            self.chain(steps)
            alternatives += 1
            if not self.accept("|"):
                break
        self.chain(alternatives)

    def negated_step(self) -> None:
        self.accept("^")
        if self.kind == "WORD" and self.val == "a":
            self.advance()
        else:
            self.iri()
