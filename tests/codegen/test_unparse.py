"""Tests for autograph.codegen.unparse."""

import ast
import copy
import random
import warnings

import numpy as np
import pytest

from autograph.codegen.unparse import unparse

# Snippets already in canonical form: unparsing must give them back verbatim,
# which also pins down that no redundant parentheses are added.
MINIMAL = [
    # Arithmetic precedence and associativity.
    "a + b * c",
    "(a + b) * c",
    "a - (b - c)",
    "a - b - c",
    "a / b / c",
    "a / (b / c)",
    "a // b % c * d",
    "a * (b // c)",
    "x @ w + b",
    "x @ (w + b)",
    "a << b + c",
    "(a << b) + c",
    "a | b ^ c & d",
    "(a | b) & c",
    "a ^ (b | c)",
    "a >> b >> c",
    "a >> (b >> c)",
    # Power and unary operators.
    "-x ** 2",
    "(-x) ** 2",
    "2 ** -1",
    "x ** y ** z",
    "(x ** y) ** z",
    "a ** -b ** c",
    "(-1.5) ** 2",
    "-(a + b)",
    "-a * b",
    "-(a * b)",
    "~a & b",
    "--a",
    "-~+a",
    "not -a",
    "-(not a)",
    "(not a) + 1",
    "a + (not b)",
    # Boolean operators and comparisons.
    "not a and b",
    "not (a and b)",
    "a or b and c",
    "(a or b) and c",
    "a and (b and c)",
    "(a or b) or c",
    "not a == b",
    "(not a) == b",
    "a < b < c",
    "(a < b) < c",
    "a < (b < c)",
    "a == b != c <= d",
    "a is not None and b not in c",
    "a + 1 < b * 2 or c",
    "a & b == c | d",
    "(a == b) + 1",
    # Conditional expressions and lambdas.
    "(a if c else b) + 1",
    "a if c else b + 1",
    "x if y else z if w else v",
    "(x if y else z) if w else v",
    "a if (b if c else d) else e",
    "a or b if c and d else e",
    "(a or b if c else d) or e",
    "a if b else lambda: c",
    "lambda: 1",
    "lambda x, *args, y=2, **kw: x + y",
    "(lambda x: x)(1)",
    "(lambda: a) if b else c",
    "f(lambda: 1, a if b else c)",
    "lambda x=(3, 5): x",
    # Calls, attributes and subscripts.
    "(a + b).T",
    "(-a).b",
    "-a.b",
    "(1).real",
    "(-1).real",
    "1.5.real",
    "1j.imag",
    "'a'.join(x)",
    "f(x)[0]",
    "(a + b)[0]",
    "f(a)(b)[c].d(e)",
    "(a if b else c)(d)",
    "np.reshape(x, shape=(3, 5))",
    "f((3, 5))",
    "f((3,))",
    "f(g(x, y=h(z, k=1)), *args, key=lambda t: -t, **kwargs)",
    "f(*(a or b))",
    "x[1:2, None]",
    "x[..., ::2]",
    "x[:, 0]",
    "x[::-1]",
    "x[-1:]",
    "x[a:b:c]",
    "x[-2::-3, ..., None]",
    "x[1:-1, a + 1]",
    "x[...]",
    "x[()]",
    "x[*a,]",
    "x[lambda: 1:2]",
    # Displays and comprehensions.
    "[1, -2, *a]",
    "[*(a or b)]",
    "(*a, b)",
    "{'a': 1, **b}",
    "{1, 2, a + b}",
    "{}",
    "[x * 2 for x in y if x > 0]",
    "[x for x in (a if b else c) if (lambda: 1)]",
    "{k: v for (k, v) in d.items()}",
    "{x for x in y for z in x}",
    "(x for x in y)",
    "f((x for x in y))",
    "(y := 5) + 1",
    "...",
    "None",
    "b'x' + u'y'",
]

# Snippets whose formatting changes; the value is the exact expected output.
REWRITTEN = {
    "a+b": "a + b",
    "((a))": "a",
    "(a * b) + c": "a * b + c",
    "(-(x))": "-x",
    "(not a) and b": "not a and b",
    "(a + b)[(0)]": "(a + b)[0]",
    "x[(1, 2)]": "x[1, 2]",
    "x[1,]": "x[1,]",
    "a, b = b, a": "(a, b) = (b, a)",
    "a, *b = c": "(a, *b) = c",
    "lambda : (x)": "lambda: x",
    "(a if b else c)": "a if b else c",
    "f(**(a or b))": "f(**a or b)",
    "f(a=1, *b)": "f(*b, a=1)",
    "x ** (-1)": "x ** -1",
    "(a < b) and (c < d)": "a < b and c < d",
    "[(x) for (x) in (y)]": "[x for x in y]",
    "def f():\n    return a, b": "def f():\n    return (a, b)",
    '"a"': "'a'",
}

# Statements; the exact text is checked too (astunparse's own layout).
STATEMENTS = [
    "x = y = 1",
    "x += a * (b + c)",
    "x[i] -= 1",
    "x.y = -z ** 2",
    "x: int = 1",
    "del x[0], y.z",
    "assert x, 'm'",
    "raise E from e",
    "import os\nimport numpy as np\nfrom . import x as y",
    "from a.b import c",
    "global x",
    "for i in range(3):\n    x += i\nelse:\n    pass",
    "for (i, j) in zip(a, b):\n    continue",
    "while x > 0:\n    x -= 1\n    break",
    "if a:\n    pass\nelif b:\n    x = 1\nelse:\n    c",
    "with a as b, c:\n    pass",
    "try:\n    pass\nexcept E as e:\n    pass\nfinally:\n    pass",
    "def f(x=(3, 5), *, y):\n    return x",
    "def f(a, /, b=-1, *args, c, **kw) -> int:\n    return a ** b",
    "@dec(1)\ndef f(a):\n    'Doc.'\n    return a",
    "def f():\n    x = 1\n\n    def g():\n        nonlocal x\n        return x"
    "\n    return g",
    "def g():\n    (yield x)\n    y = [(yield)]\n    return (yield from z)",
    "async def f():\n    return await (-x) + await y ** 2 + (await z).a",
    "class A(B, metaclass=M):\n    x: int = 1",
]

ROUND_TRIP = MINIMAL + list(REWRITTEN) + STATEMENTS


@pytest.mark.parametrize("source", ROUND_TRIP)
def test_round_trip(source):
    output = unparse(ast.parse(source))
    compile(output, "<unparsed>", "exec")
    assert ast.dump(ast.parse(output)) == ast.dump(ast.parse(source))


@pytest.mark.parametrize("source", MINIMAL + STATEMENTS)
def test_canonical_source_is_unchanged(source):
    assert unparse(ast.parse(source)) == source


@pytest.mark.parametrize("source, expected", sorted(REWRITTEN.items()))
def test_rewritten_source(source, expected):
    assert unparse(ast.parse(source)) == expected


def test_accepts_statement_and_expression_nodes():
    module = ast.parse("def f(a):\n    return a\nx = f(1)")
    assert unparse(module.body[0]) == "def f(a):\n    return a"
    assert unparse(module.body[1]) == "x = f(1)"
    assert unparse(module.body[1].value) == "f(1)"
    assert unparse(ast.parse("a * (b + c)", mode="eval")) == "a * (b + c)"


def test_gast_pipeline():
    gast = pytest.importorskip("gast")
    source = "def f(x):\n    return (-x) ** 2 + x[1:2, None]"
    tree = gast.gast_to_ast(gast.parse(source))
    assert unparse(tree) == source


# --- Trees built directly, including shapes the parser never produces. ----

def _name(identifier):
    return ast.Name(identifier, ast.Load())


def _const(value):
    return ast.Constant(value)


def _subscript(*dims):
    return ast.Subscript(_name("x"), ast.Tuple(list(dims), ast.Load()),
                         ast.Load())


BUILT = [
    (ast.BinOp(_const(-1.5), ast.Pow(), _const(2)), "(-1.5) ** 2"),
    (ast.BinOp(_const(2), ast.Pow(), _const(-1)), "2 ** -1"),
    (ast.BinOp(_name("a"), ast.Sub(), _const(-2)), "a - -2"),
    (ast.UnaryOp(ast.USub(), _const(-1)), "--1"),
    (ast.BinOp(_const(-1), ast.Mult(), _name("a")), "-1 * a"),
    (_const(float("nan")), "float('nan')"),
    (_const(float("inf")), "float('inf')"),
    (_const(-float("inf")), "-float('inf')"),
    (ast.BinOp(_const(-float("inf")), ast.Pow(), _const(2)),
     "(-float('inf')) ** 2"),
    (ast.Attribute(_const(float("nan")), "real", ast.Load()),
     "float('nan').real"),
    (_const(complex(0, float("inf"))), "complex('infj')"),
    (_const((1, float("nan"))), "(1, float('nan'))"),
    (ast.Attribute(_const(-1), "real", ast.Load()), "(-1).real"),
    (ast.Attribute(_const(1), "imag", ast.Load()), "(1).imag"),
    (ast.Attribute(_const(-2.5), "real", ast.Load()), "(-2.5).real"),
    (ast.Attribute(_const(2.5), "real", ast.Load()), "2.5.real"),
    (_subscript(ast.Slice(_const(1), _const(3)), _const(None)),
     "x[1:3, None]"),
    (_subscript(_const(Ellipsis), ast.Slice(None, None, _const(2))),
     "x[..., ::2]"),
    (_subscript(ast.Slice(), _const(0)), "x[:, 0]"),
    (_subscript(ast.Slice(None, None, _const(-1)), _const(-1)),
     "x[::-1, -1]"),
    (ast.Subscript(ast.BinOp(_name("x"), ast.Add(), _const(1)),
                   _const(-1), ast.Load()), "(x + 1)[-1]"),
    (ast.Call(ast.Attribute(_name("np"), "reshape", ast.Load()), [_name("x")],
              [ast.keyword("shape", ast.Tuple([_const(6), _const(4)],
                                              ast.Load()))]),
     "np.reshape(x, shape=(6, 4))"),
    (ast.Tuple([_const(3)], ast.Load()), "(3,)"),
    (ast.Compare(_const(-1), [ast.Lt()], [_const(-0.5)]), "-1 < -0.5"),
]


def _same(a, b):
    if isinstance(a, np.ndarray):
        return (isinstance(b, np.ndarray) and a.shape == b.shape
                and np.array_equal(a, b, equal_nan=True))
    # Unlike ==, repr matches nan with nan, tells -0.0 from 0.0 and keeps
    # 1, 1.0 and True apart.
    return repr(a) == repr(b)


def _eval_tree(tree, env):
    expression = ast.fix_missing_locations(ast.Expression(tree))
    return eval(compile(expression, "<tree>", "eval"), dict(env))


@pytest.mark.parametrize("tree, expected", BUILT,
                         ids=[expected for _, expected in BUILT])
def test_built_tree(tree, expected):
    env = {"np": np, "a": 5, "x": np.arange(24.0).reshape(4, 6)}
    text = unparse(tree)
    assert text == expected
    assert _same(eval(text, dict(env)), _eval_tree(tree, env))


def test_numpy_scalar_constant_prints_as_builtin():
    # numpy 2 reprs scalars as `np.float64(1.5)`; compile() rejects them in
    # a Constant, so only the text is checked.
    assert unparse(_const(np.float64(1.5))) == "1.5"
    assert unparse(_const(np.complex128(1 + 2j))) == "(1+2j)"


# --- Generated trees: exact structure, no spare parentheses. -------------

class _SpellNegatives(ast.NodeTransformer):
    """Rewrites Constant(-k) as the parser reads `-k`: USub(Constant(k))."""

    def visit_Constant(self, node):
        if isinstance(node.value, (int, float)) and node.value < 0:
            return ast.UnaryOp(ast.USub(), ast.Constant(-node.value))
        return node


def _paren_pairs(text):
    stack, pairs = [], []
    for i, char in enumerate(text):
        if char == "(":
            stack.append(i)
        elif char == ")":
            pairs.append((stack.pop(), i))
    return pairs


def _check_exact_and_minimal(tree):
    """Unparses an expression holding no string constants and checks it."""
    text = unparse(tree)
    parsed = ast.dump(ast.parse(text, mode="eval").body)
    expected = ast.dump(_SpellNegatives().visit(copy.deepcopy(tree)))
    assert parsed == expected, text
    # Dropping any pair of parentheses must change the tree or break the
    # syntax (for call parentheses it always does).
    for start, end in _paren_pairs(text):
        stripped = text[:start] + text[start + 1:end] + text[end + 1:]
        try:
            changed = ast.dump(ast.parse(stripped, mode="eval").body)
        except SyntaxError:
            continue
        assert changed != parsed, (text, stripped)
    return text


_BINOPS = [ast.Add, ast.Sub, ast.Mult, ast.MatMult, ast.Div, ast.FloorDiv,
           ast.Mod, ast.Pow, ast.LShift, ast.RShift, ast.BitOr, ast.BitXor,
           ast.BitAnd]
_UNARYOPS = [ast.UAdd, ast.USub, ast.Invert, ast.Not]
# `is` is left out: int identity is an implementation detail.
_CMPOPS = [ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In,
           ast.NotIn]
_NO_ARGS = ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[],
                         kw_defaults=[], kwarg=None, defaults=[])
_LOAD = ast.Load()


def _children():
    """One of each kind of expression an operand slot can hold."""
    x, y = _name("x"), _name("y")
    nodes = [ast.BinOp(x, op(), y) for op in _BINOPS]
    nodes += [ast.UnaryOp(op(), x) for op in _UNARYOPS]
    nodes += [
        ast.Compare(x, [ast.Lt()], [y]),
        ast.BoolOp(ast.And(), [x, y]),
        ast.BoolOp(ast.Or(), [x, y]),
        ast.IfExp(x, y, _name("z")),
        ast.Lambda(_NO_ARGS, x),
        _const(-1), _const(-1.5), _const(1), _const(1.5), x,
        ast.Call(x, [], []),
        ast.Attribute(x, "a", _LOAD),
        ast.Subscript(x, y, _LOAD),
        ast.Tuple([x, y], _LOAD),
        ast.List([x], _LOAD),
    ]
    return nodes


def _parents(child):
    """Every operand slot of every operator, filled with child."""
    c = lambda: copy.deepcopy(child)  # noqa: E731
    p, q = _name("p"), _name("q")
    for op in _BINOPS:
        yield ast.BinOp(c(), op(), p)
        yield ast.BinOp(p, op(), c())
    for op in _UNARYOPS:
        yield ast.UnaryOp(op(), c())
    for op in _CMPOPS:
        yield ast.Compare(c(), [op()], [p])
    yield ast.Compare(p, [ast.Lt(), ast.Lt()], [c(), q])
    yield ast.Compare(p, [ast.Lt(), ast.Lt()], [q, c()])
    for op in (ast.And, ast.Or):
        yield ast.BoolOp(op(), [c(), p])
        yield ast.BoolOp(op(), [p, c()])
    yield ast.IfExp(c(), p, q)
    yield ast.IfExp(p, c(), q)
    yield ast.IfExp(p, q, c())
    yield ast.Lambda(_NO_ARGS, c())
    yield ast.Attribute(c(), "attr", _LOAD)
    yield ast.Subscript(c(), p, _LOAD)
    yield ast.Subscript(p, c(), _LOAD)
    yield ast.Subscript(p, ast.Tuple([c(), ast.Slice()], _LOAD), _LOAD)
    yield ast.Call(c(), [], [])
    yield ast.Call(p, [c()], [ast.keyword("k", c())])
    # A bare tuple's own parentheses would look spare at the top level.
    yield ast.Call(p, [ast.Tuple([c(), p], _LOAD)], [])
    yield ast.List([ast.Starred(c(), _LOAD)], _LOAD)
    target = ast.Name("t", ast.Store())
    yield ast.ListComp(p, [ast.comprehension(target, c(), [c()], 0)])


@pytest.mark.parametrize("child", _children(), ids=unparse)
def test_every_operand_slot(child):
    for tree in _parents(child):
        _check_exact_and_minimal(tree)


# --- Randomised: eval(unparse(tree)) must agree with evaluating tree. -----

_BINDINGS = [{"a": 2, "b": -3, "c": 1}, {"a": 0, "b": 5, "c": -1},
             {"a": 1.5, "b": -2, "c": 3}]


def _random_leaf(rng):
    if rng.random() < 0.5:
        return _name(rng.choice("abc"))
    return _const(rng.choice([-3, -2, -1, 0, 1, 2, 3, -1.5, 0.5]))


def _random_small(rng):
    # Exponents and shift counts stay tiny so every evaluation is cheap.
    shape = rng.randrange(3)
    if shape == 0:
        return _const(rng.randint(-2, 3))
    if shape == 1:
        op = rng.choice([ast.UAdd, ast.USub, ast.Invert])()
        return ast.UnaryOp(op, _const(rng.randint(0, 3)))
    return ast.BinOp(_const(rng.randint(0, 2)), ast.Pow(),
                     _const(rng.randint(0, 1)))


def _random_expr(rng, depth):
    if depth == 0 or rng.random() < 0.15:
        return _random_leaf(rng)
    kind = rng.choice("BBUCL")  # Binary operators are the most numerous.
    if kind == "B":
        op = rng.choice(_BINOPS)()
        if isinstance(op, (ast.Pow, ast.LShift, ast.RShift)):
            right = _random_small(rng)
        else:
            right = _random_expr(rng, depth - 1)
        return ast.BinOp(_random_expr(rng, depth - 1), op, right)
    if kind == "U":
        op = rng.choice(_UNARYOPS)()
        return ast.UnaryOp(op, _random_expr(rng, depth - 1))
    if kind == "C":
        count = rng.randint(1, 3)
        return ast.Compare(_random_expr(rng, depth - 1),
                           [rng.choice(_CMPOPS)() for _ in range(count)],
                           [_random_expr(rng, depth - 1)
                            for _ in range(count)])
    op = rng.choice([ast.And, ast.Or])()
    return ast.BoolOp(op, [_random_expr(rng, depth - 1)
                           for _ in range(rng.randint(2, 3))])


def _outcome(evaluate):
    try:
        return "value", repr(evaluate())
    except Exception as e:  # Both sides must fail the same way.
        return "error", type(e)


def test_random_expressions():
    rng = random.Random(20240611)
    for _ in range(500):
        tree = _random_expr(rng, rng.randint(1, 4))
        text = _check_exact_and_minimal(tree)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            code = compile(text, "<unparsed>", "eval")
        for env in _BINDINGS:
            assert (_outcome(lambda: eval(code, dict(env)))
                    == _outcome(lambda: _eval_tree(tree, env))), (text, env)
