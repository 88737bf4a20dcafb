"""A SPARQL 1.1 query parser for the endpoint's guard: what a query would make an engine do.

:func:`parse_query` reads the whole SPARQL 1.1 Query grammar (and Oxigraph's ``LATERAL``)
by recursive descent over :mod:`nhskg.graph.query.sparql_terms`'s tokens, and reports what the
guard decides on: the query form, its dataset clauses, every SERVICE endpoint, every
function called by IRI and the query's size (triple patterns, the longest flat operator
chain). It builds no tree. It checks the grammar's rules on scope too (a BIND or ``AS``
must not rebind a variable in scope, an aggregate query selects only what it groups by, a
blank node label belongs to one basic graph pattern), and fails closed: anything else,
SPARQL 1.2 included, is a :class:`SparqlSyntaxError`. Operator chains are read by loops;
recursion follows brackets only, which the lexer bounds.
"""

from __future__ import annotations

from dataclasses import dataclass

from nhskg.graph.query.sparql_terms import SparqlSyntaxError, Terms

__all__ = ["ParsedQuery", "SparqlSyntaxError", "parse_query"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


UPDATES = _words("INSERT DELETE LOAD CLEAR DROP CREATE ADD MOVE COPY WITH")
# The built-in calls over expressions: (fewest, most) arguments, most None for any number.
_CALLS: dict[str, tuple[int, int | None]] = {
    **dict.fromkeys(
        _words(
            "STR LANG DATATYPE IRI URI ABS CEIL FLOOR ROUND STRLEN UCASE LCASE ENCODE_FOR_URI "
            "YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ MD5 SHA1 SHA256 SHA384 SHA512 "
            "ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC"
        ),
        (1, 1),
    ),
    **dict.fromkeys(
        _words("LANGMATCHES CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER STRLANG STRDT SAMETERM"),
        (2, 2),
    ),
    **dict.fromkeys(_words("RAND NOW UUID STRUUID"), (0, 0)),
    **dict.fromkeys(_words("REGEX SUBSTR"), (2, 3)),
    **{
        "IF": (3, 3),
        "BNODE": (0, 1),
        "REPLACE": (3, 4),
        "CONCAT": (0, None),
        "COALESCE": (0, None),
    },
}
_AGGREGATES = _words("COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT")
_BUILT_INS = frozenset(_CALLS) | _AGGREGATES | {"BOUND", "EXISTS", "NOT"}
_PATTERNS = _words("OPTIONAL MINUS GRAPH SERVICE FILTER BIND VALUES LATERAL")
_COMPARISONS = frozenset(("=", "!=", "<", ">", "<=", ">="))

Scope = tuple[set[str], set[str]]  # the variables in scope; those of them bound by AS or VALUES


@dataclass(frozen=True)
class ParsedQuery:
    """What a query asks of an engine.

    ``datasets``: each FROM / FROM NAMED clause and its IRI. ``services``: each SERVICE
    endpoint, its IRI or the variable as written (``?e``). ``functions``: the IRI of each
    function called by IRI (casts such as xsd:integer included), once each, in order. IRIs
    are absolute where the query or ``base_iri`` gives a base, prefixes expanded.
    ``triple_patterns``: in the whole query, CONSTRUCT template included (a property path
    counts one, a collection two a member). ``longest_chain``: the most operands of one
    flat chain of ``||``, ``&&``, ``+ -``, ``* /``, path ``|`` or ``/``, UNION branches,
    or arguments of one call or IN list. ``largest_group``: the most elements of one group
    graph pattern (each block of triples, OPTIONAL, MINUS, FILTER, BIND, VALUES, GRAPH,
    SERVICE, LATERAL, and each group or UNION of groups). Of an update only the ``form`` is
    read.
    """

    form: str  # SELECT | ASK | CONSTRUCT | DESCRIBE | UPDATE
    datasets: tuple[tuple[str, str], ...] = ()
    services: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    triple_patterns: int = 0
    longest_chain: int = 0
    largest_group: int = 0


def parse_query(text: str, *, base_iri: str | None = None) -> ParsedQuery:
    """Parse ``text`` as a SPARQL 1.1 query, relative IRIs resolved against its BASE or
    ``base_iri``; raise :class:`SparqlSyntaxError` (with line and column) if it is not one."""
    return _Parser(text, base_iri).query()


class _Parser(Terms):
    def __init__(self, text: str, base_iri: str | None) -> None:
        super().__init__(text, base_iri)
        self.datasets: list[tuple[str, str]] = []
        self.services: list[str] = []
        self.functions: dict[str, None] = {}
        self.aggregates_allowed = self.aggregated = False
        self.expr_vars: set[str] | None = None  # what a SELECT expression reads, if wanted

    # -- query forms and solution modifiers ----------------------------------------------
    def query(self) -> ParsedQuery:
        self.advance()
        self.prologue()
        form = self.word if self.kind == "WORD" else ""
        if form in UPDATES:
            return ParsedQuery("UPDATE")
        if form == "SELECT":
            self.select(sub=False)
        elif form in ("CONSTRUCT", "ASK", "DESCRIBE"):
            self.advance()
            if form == "CONSTRUCT" and not self.at("{"):  # CONSTRUCT WHERE { triples }
                self.dataset_clauses()
                self.expect_word("WHERE")
                self.expect("{")
                self.triples_template()
            else:
                if form == "CONSTRUCT":
                    self.expect("{")
                    self.triples_template()
                elif form == "DESCRIBE" and not self.accept("*"):
                    if self.kind not in ("VAR", "IRI", "PNAME"):
                        self.fail("a variable, an IRI or '*'")
                    while self.kind in ("VAR", "IRI", "PNAME"):
                        self.var_or_iri()
                self.dataset_clauses()
                described = self.at("{") or (self.kind == "WORD" and self.word == "WHERE")
                if form != "DESCRIBE" or described:
                    self.where()
            self.modifiers()
            self.values()
        else:
            self.fail("SELECT, CONSTRUCT, DESCRIBE or ASK")
        if self.kind != "EOF":
            self.fail("the end of the query")
        datasets, services = tuple(self.datasets), tuple(self.services)
        return ParsedQuery(
            form,
            datasets,
            services,
            tuple(self.functions),
            self.triple_count,
            self.longest,
            self.largest_group,
        )

    def select(self, *, sub: bool) -> Scope:
        """A SELECT query or subquery: the variables it projects, and those of them bound
        by AS or VALUES. An aggregate query must group by what it selects."""
        first = self.start
        self.advance()
        if self.kind == "WORD" and self.word in ("DISTINCT", "REDUCED"):
            self.advance()
        outer = self.aggregated
        self.aggregated = False
        items: list[tuple[str, set[str] | None, int]] = []  # variable, what its AS reads
        star = self.accept("*")
        while not star:
            at = self.start
            if self.kind == "VAR":
                items.append((self.var(), None, at))
                continue
            if not self.accept("("):
                break
            self.aggregates_allowed, self.expr_vars = True, set()
            self.expression()
            used, self.aggregates_allowed, self.expr_vars = self.expr_vars, False, None
            self.expect_word("AS")
            items.append((self.var(), used, at))
            self.expect(")")
        if not star and not items:
            self.fail("a variable, '(' or '*'")
        if not sub:
            self.dataset_clauses()
        scope, defined = self.where()
        grouped, aliases = self.modifiers()
        values = self.values()
        aggregated, self.aggregated = grouped is not None or self.aggregated, outer
        if star:
            if aggregated:
                self.fail_at(first, "SELECT * cannot be used with GROUP BY or aggregates")
            return scope | values, defined | values
        visible = ((grouped or set()) if aggregated else scope) | values
        projected: set[str] = set()
        for name, reads, at in items:
            if reads is not None:
                if name in visible:
                    self.fail_at(at, f"(... AS ?{name}): ?{name} is already in scope")
                loose = sorted(reads - visible) if aggregated else []
                if loose:
                    self.fail_at(at, f"?{loose[0]} is neither grouped by nor aggregated")
                visible.add(name)
                defined.add(name)
            elif aggregated and name not in visible:
                self.fail_at(at, f"?{name} is selected but neither grouped by nor aggregated")
            if name in projected:
                self.fail_at(at, f"?{name} is selected twice")
            projected.add(name)
        return projected, (defined | aliases | values) & projected

    def dataset_clauses(self) -> None:
        while self.accept_word("FROM"):
            clause = "FROM NAMED" if self.accept_word("NAMED") else "FROM"
            self.datasets.append((clause, self.iri()))

    def where(self) -> Scope:
        self.accept_word("WHERE")
        return self.group()

    def modifiers(self) -> tuple[set[str] | None, set[str]]:
        """GROUP BY, HAVING, ORDER BY, LIMIT and OFFSET: the variables grouped by (None
        without GROUP BY) and those of them bound by AS."""
        grouped: set[str] | None = None
        aliases: set[str] = set()
        if self.accept_word("GROUP"):
            self.expect_word("BY")
            grouped, conditions = set(), 0
            while True:
                if self.kind == "VAR":
                    grouped.add(self.var())
                elif self.accept("("):
                    var, count = (self.val[1:] if self.kind == "VAR" else None), self.count
                    self.expression()
                    if self.accept_word("AS"):
                        var = self.var()
                        aliases.add(var)
                    elif self.count != count + 1:
                        var = None  # an expression, not (?x)
                    if var is not None:
                        grouped.add(var)
                    self.expect(")")
                elif not self.constraint():
                    break
                conditions += 1
            if not conditions:
                self.fail("a GROUP BY condition")
        saved, self.aggregates_allowed = self.aggregates_allowed, True
        if self.accept_word("HAVING"):
            if not self.constraint():
                self.fail("a HAVING condition")
            while self.constraint():
                pass
        if self.accept_word("ORDER"):
            self.expect_word("BY")
            conditions = 0
            while True:
                if self.kind == "WORD" and self.word in ("ASC", "DESC"):
                    self.advance()
                    self.expect("(")
                    self.expression()
                    self.expect(")")
                elif self.kind == "VAR":
                    self.advance()
                elif not self.constraint():
                    break
                conditions += 1
            if not conditions:
                self.fail("an ORDER BY condition")
        self.aggregates_allowed = saved
        for first, then in (("LIMIT", "OFFSET"), ("OFFSET", "LIMIT")):
            if self.accept_word(first):
                self.integer()
                if self.accept_word(then):
                    self.integer()
                break
        return grouped, aliases

    def values(self) -> set[str]:
        return self.data_block() if self.accept_word("VALUES") else set()

    # -- graph patterns -------------------------------------------------------------------
    def group(self) -> Scope:
        """'{' ... '}': a group of patterns or a subquery."""
        self.expect("{")
        saved = self.aggregates_allowed, self.expr_vars
        self.aggregates_allowed, self.expr_vars = False, None
        if self.bnodes:  # a group ends the basic graph pattern before it
            self.used_bnodes |= self.bnodes
            self.bnodes.clear()
        if self.kind == "WORD" and self.word == "SELECT":
            scope = self.select(sub=True)
        else:
            scope = self.group_body()
        if self.bnodes:
            self.used_bnodes |= self.bnodes
            self.bnodes.clear()
        self.expect("}")
        self.aggregates_allowed, self.expr_vars = saved
        return scope

    def group_body(self) -> Scope:
        scope: set[str] = set()
        defined: set[str] = set()
        last = ""  # what came before: "" (nothing), "triples", "." or "pattern"
        elements = 0
        while True:
            if self.kind == "P" and self.val in ("}", ".", "{"):
                if self.val == "}":
                    self.largest_group = max(self.largest_group, elements)
                    return scope, defined
                if self.val == ".":
                    if last not in ("triples", "pattern"):
                        self.fail("a triple pattern, a graph pattern or '}'")
                    self.advance()
                    last = "."
                    continue
                elements += 1
                branches = 0
                while True:
                    inner, bound = self.group()
                    scope |= inner
                    defined |= bound
                    branches += 1
                    if not self.accept_word("UNION"):
                        break
                self.chain(branches)
            elif self.kind == "WORD" and self.word in _PATTERNS:
                elements += 1
                self.pattern(scope, defined)
            elif last == "triples":
                self.fail("'.', '}' or a graph pattern")
            else:
                elements += last != "."  # a block of triples counts once, dots and all
                self.triples(scope, paths=True)
                last = "triples"
                continue
            last = "pattern"

    def pattern(self, scope: set[str], defined: set[str]) -> None:
        """OPTIONAL, MINUS, GRAPH, SERVICE, FILTER, BIND, VALUES or LATERAL."""
        word, at = self.word, self.start
        self.advance()
        if word == "FILTER":
            if not self.constraint():
                self.fail("a bracketed expression or a function call")
            return
        if word == "BIND":
            self.expect("(")
            self.expression()
            self.expect_word("AS")
            at = self.start
            name = self.var()
            self.expect(")")
            if name in scope:
                self.fail_at(at, f"BIND assigns ?{name}, which is already in scope")
            scope.add(name)
            defined.add(name)
            return
        if word == "VALUES":
            names = self.data_block()
            scope |= names
            defined |= names
            return
        var = None  # GRAPH ?g and SERVICE ?e put ?g and ?e in scope
        if word == "SERVICE":
            self.accept_word("SILENT")
            endpoint, var = self.var_or_iri()
            self.services.append(endpoint)
        elif word == "GRAPH":
            var = self.var_or_iri()[1]
        inner, bound = self.group()
        if word == "LATERAL" and bound & scope:
            rebound = min(bound & scope)
            self.fail_at(at, f"LATERAL binds ?{rebound}, which is already in scope before it")
        defined |= bound
        if word != "MINUS":
            scope |= inner
        if var is not None:
            scope.add(var)

    # -- expressions ----------------------------------------------------------------------
    def constraint(self) -> bool:
        """A bracketed expression, a built-in call or a function call; False (nothing
        read) if none starts here."""
        if self.accept("("):
            self.expression()
            self.expect(")")
        elif self.kind == "IRI" or self.kind == "PNAME":
            self.iri_or_call(call=True)
        elif self.kind == "WORD" and self.word in _BUILT_INS:
            self.built_in()
        else:
            return False
        return True

    def expression(self) -> None:
        """|| of && of comparisons, each a loop (the chain's length is no recursion)."""
        disjuncts = 0
        while True:
            conjuncts = 0
            while True:
                self.sum()
                if self.kind == "IRI":  # '<' where an operator is expected
                    self.less_than()
                kind = self.kind
                if kind == "P" and self.val in _COMPARISONS:
                    self.advance()
                    self.sum()
                elif kind == "WORD" and self.word in ("IN", "NOT"):
                    if self.word == "NOT":
                        self.advance()
                        if not (self.kind == "WORD" and self.word == "IN"):
                            self.fail("IN")
                    self.advance()
                    self.arguments(0, None, "IN")
                conjuncts += 1
                if not self.accept("&&"):
                    break
            self.chain(conjuncts)
            disjuncts += 1
            if not self.accept("||"):
                break
        self.chain(disjuncts)

    def sum(self) -> None:
        """Sums of products; a signed number after an operand is a sum's next term."""
        terms = 0
        signed = False  # the term is a signed number, read already
        while True:
            if not signed:
                self.primary()
            factors = 1
            while self.kind == "P" and (self.val == "*" or self.val == "/"):
                self.advance()
                self.primary()
                factors += 1
            self.chain(factors)
            terms += 1
            if self.kind == "P" and (self.val == "+" or self.val == "-"):
                self.advance()
                signed = False
            elif self.kind == "NUM" and self.val[0] in "+-":
                self.advance()
                signed = True
            else:
                break
        self.chain(terms)

    def primary(self) -> None:
        """An operand, with at most one '!', '+' or '-' before it."""
        if self.kind == "P" and self.val in ("!", "+", "-"):
            self.advance()
        kind = self.kind
        if kind == "VAR":
            if self.expr_vars is not None:
                self.expr_vars.add(self.val[1:])
            self.advance()
        elif kind == "P" and self.val == "(":
            self.advance()
            self.expression()
            self.expect(")")
        elif kind == "IRI" or kind == "PNAME":
            self.iri_or_call(call=False)
        elif kind == "STR":
            self.literal()
        elif kind == "NUM" or (kind == "WORD" and self.word in ("TRUE", "FALSE")):
            self.advance()
        elif kind == "WORD" and self.word in _BUILT_INS:
            self.built_in()
        else:
            self.fail("an expression")

    def built_in(self) -> None:
        word, at = self.word, self.start
        self.advance()
        if word in _CALLS:
            fewest, most = _CALLS[word]
            reads = self.expr_vars
            if word == "COALESCE":  # COALESCE may read what is unbound
                self.expr_vars = None
            self.arguments(fewest, most, word)
            self.expr_vars = reads
        elif word == "BOUND":
            self.expect("(")
            self.var()
            self.expect(")")
        elif word == "EXISTS" or word == "NOT":
            if word == "NOT":
                self.expect_word("EXISTS")
            self.group()
        else:
            outer = self.start_aggregate(at, word)
            self.expect("(")
            self.accept_word("DISTINCT")
            if not (word == "COUNT" and self.accept("*")):
                self.expression()
            if word == "GROUP_CONCAT" and self.accept(";"):
                self.expect_word("SEPARATOR")
                self.expect("=")
                if self.kind != "STR":
                    self.fail("a string")
                self.literal()
            self.expect(")")
            self.aggregates_allowed, self.expr_vars = outer

    def start_aggregate(self, at: int, name: str) -> tuple[bool, set[str] | None]:
        if not self.aggregates_allowed:
            self.fail_at(at, f"{name}: an aggregate, allowed in SELECT, HAVING and ORDER BY only")
        self.aggregated = True
        saved = self.aggregates_allowed, self.expr_vars
        self.aggregates_allowed, self.expr_vars = False, None
        return saved

    def iri_or_call(self, *, call: bool) -> None:
        """An IRI, or a call of the function it names (``call``: it must be one)."""
        at = self.start
        iri = self.iri()
        if self.kind == "NIL" or self.at("("):
            self.functions[iri] = None
            if self.kind == "P":
                self.advance()
                if self.kind == "WORD" and self.word == "DISTINCT":  # a custom aggregate
                    saved = self.start_aggregate(at, f"<{iri}>(DISTINCT ...)")
                    self.advance()
                    self.arguments(1, None, iri, opened=True)
                    self.aggregates_allowed, self.expr_vars = saved
                    return
                self.arguments(1, None, iri, opened=True)
            else:
                self.arguments(0, 0, iri)
        elif call:
            self.fail("an argument list")

    def arguments(self, fewest: int, most: int | None, name: str, *, opened: bool = False) -> None:
        """'(' expression, ... ')' or '()': between ``fewest`` and ``most`` of them."""
        at, count = self.start, 0
        if not opened and self.kind == "NIL":
            self.advance()
        else:
            if not opened:
                self.expect("(")
            while True:
                self.expression()
                count += 1
                if not self.accept(","):
                    break
            self.expect(")")
        if count < fewest or (most is not None and count > most):
            wanted = f"{fewest}" if fewest == most else f"{fewest} to {most or 'any number of'}"
            self.fail_at(at, f"{name} takes {wanted} arguments, not {count}")
        self.chain(count)
