"""How big and how readable autograph's generated gradient code is.

First, how big second-order code gets: for every control-flow corpus entry
(tests/frontend/control_corpus.py), the lines of the generated grad(grad(f)) (the gradient of a
weighted sum of f's gradient) over those of grad(f), counting every line of the generated module.

Then the yardstick of issue 14, on benchmarks/adjoint_corpus.py: twenty functions, each beside a
hand-written NumPy adjoint. For each, `autograph.grad(fn, positions)` is called once and its
module read with `autograph.get_source`. Measured:

  lines     code lines of the generated module against those of the hand-written adjoint. A code
            line is a physical line inside a function's body that is neither blank nor only a
            comment; the `def` line and a docstring are not counted. Both sides count everything
            they do: the generated function recomputes the forward values it needs, and so does
            the hand-written adjoint. Every function in the generated module counts (there is
            normally one). `ratio` is generated / hand-written.
  zeros     materialised zeros: calls of zeros or zeros_like (`np.zeros(...)`), or of full or
            full_like with a fill value equal to 0 (`np.full(s, 0.0)`), in code, not comments.
            Counted for the hand-written adjoints too: one of them needs one for a scatter.
  names     machine-made names: distinct names the generated code assigns (by `=`, `+=`, an
            annotated assignment or a `for` target) that do not come from a user's variable. A
            name comes from the user's variables when it is `U`, `dU`, `U_saved` or `dU_saved`,
            optionally followed by `_N` (N digits), for U a variable of the user's function (a
            parameter, a name it assigns, or a parameter of a def or lambda inside it; not a
            variable of another function it calls). Anything else (`add`, `mul_1`, `getitem`, `dt`,
            `transpose`, `cast`) is machine-made. So that a clash cannot hide one (the compiler's
            name for the gradient of an unnamed value may be `dt`, which is also the gradient of
            a user's `t`), the names are classified on a second compilation of the same function
            with each of its variables renamed `U` -> `U__user`: there a machine-made name carries
            no `__user`. The names shown are those of the first compilation, at the same places.
  dead      dead statements: assignments (`=`, `+=`, `x: T = v`) of the generated code whose
            target is not read afterwards, on any path, before being assigned again, nor
            returned. A loop's body reads on into its next iteration; an assignment to a
            subscript or attribute (`dx[i] = v`) is dead when its base (`dx`) is. A `for`
            target that the body never reads is not counted.
  comments  comment coverage: the fraction of the user function's statements (a compound
            statement by its header line, `if c:`; a docstring is not one) whose text is the text
            of a comment of the generated code, `# stmt` or `# grad of: stmt`, whitespace aside.

Last, the second-order ratio code lines(grad(grad f)) / code lines(grad f) on five named cases
(adjoint_corpus.SECOND_ORDER), by the same weighted sum as the first section.

Run:  python benchmarks/source_size.py [--json PATH]
"""
import argparse
import ast
import contextlib
import inspect
import io
import json
import linecache
import pathlib
import re
import sys
import textwrap
import tokenize

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))   # the tests package
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))       # adjoint_corpus

import autograph  # noqa: E402
from tests.frontend.control_corpus import CORPUS  # noqa: E402
from tests.frontend.test_control_flow import _weighted_first_derivative  # noqa: E402

import adjoint_corpus  # noqa: E402


def lines(grad_fn, args):
    with contextlib.redirect_stdout(io.StringIO()):    # some entries print as they run
        grad_fn(*args)
    return autograph.get_source(grad_fn).count('\n')


def control_corpus_ratios():
    """The first section: grad(grad f) / grad(f) module lines over the control-flow corpus."""
    ratios = []
    for name, (fn, args, positions) in sorted(CORPUS.items()):
        p = positions[0]
        weights = np.random.default_rng(len(name)).uniform(-1, 1, np.shape(args[p]))
        first = lines(autograph.grad(fn, p), args)
        second = lines(autograph.grad(_weighted_first_derivative(fn, p, weights), p), args)
        ratios.append((second / first, name, first, second))
    ratios.sort()
    return ratios


def print_control_corpus(ratios):
    values = np.array([r for r, *_ in ratios])
    print(f"{len(ratios)} corpus entries; lines of grad(grad(f)) / lines of grad(f): "
          f"median {np.median(values):.2f}, mean {values.mean():.2f}, max {values.max():.2f}")
    for ratio, name, first, second in ratios[-3:]:
        print(f"  largest: {name}: {first} -> {second} lines ({ratio:.2f})")


# ---------------------------------------------------------------- the measures, on source text
def _functions(tree):
    """The function definitions at the top of a module (or the one a function's source holds)."""
    return [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _body(fdef):
    """A function's statements, less a docstring."""
    body = fdef.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    return body


def code_lines(source):
    """Code lines of every top-level function in `source`: the physical lines of their bodies
    that are neither blank nor only a comment; `def` lines and docstrings are not counted."""
    source = textwrap.dedent(source)
    text = source.splitlines()
    count = 0
    for fdef in _functions(ast.parse(source)):
        body = _body(fdef)
        if not body:
            continue
        for line in text[body[0].lineno - 1:body[-1].end_lineno]:
            stripped = line.strip()
            if stripped and not stripped.startswith('#'):
                count += 1
    return count


_ZERO_FILLS = {'zeros', 'zeros_like'}
_FILLS = {'full', 'full_like'}


def _is_zero(node):
    """Whether an expression is a numeric literal equal to 0 (`0`, `0.0`, `-0.0`; not `False`)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _is_zero(node.operand)
    return isinstance(node, ast.Constant) and type(node.value) in (int, float, complex) and node.value == 0


def materialised_zeros(source):
    """Calls that build an array of zeros: zeros, zeros_like, or full / full_like with a fill
    value equal to 0 (`np.zeros(...)`, `numpy.full(s, 0.0)`, a bare `zeros(...)`)."""
    count = 0
    for node in ast.walk(ast.parse(textwrap.dedent(source))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if name in _ZERO_FILLS:
            count += 1
        elif name in _FILLS:
            fill = node.args[1] if len(node.args) > 1 else \
                next((k.value for k in node.keywords if k.arg == 'fill_value'), None)
            count += fill is not None and _is_zero(fill)
    return count


def _stored_names(target):
    """(the names an assignment's target binds, the base names of its subscript and attribute
    targets (`dx` of `dx[i] = v`), every other name such a target reads)."""
    stored, bases, reads = [], [], []
    for node in ast.walk(target):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            stored.append(node.id)
        elif isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(node.ctx, ast.Store):
            base = node.value
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            if isinstance(base, ast.Name):
                bases.append(base.id)
            reads.extend(_uses(node))
    return stored, bases, reads


def user_names(source):
    """The variables of the user's function in `source`: its parameters, the names it binds and
    the parameters of the defs and lambdas inside it."""
    fdef = _functions(ast.parse(textwrap.dedent(source)))[0]
    a = fdef.args
    names = {p.arg for p in a.posonlyargs + a.args + a.kwonlyargs}
    names |= {p.arg for p in (a.vararg, a.kwarg) if p is not None}
    for node in ast.walk(fdef):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.arg):     # a parameter of a def or lambda inside it
            names.add(node.arg)
    return names


def assigned_names(source):
    """Distinct names the functions of `source` bind by `=`, `+=`, `x: T = v` or a `for` target."""
    names = set()
    for fdef in _functions(ast.parse(textwrap.dedent(source))):
        for node in ast.walk(fdef):
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor)):
                targets = [node.target]
            else:
                continue
            for target in targets:
                names.update(_stored_names(target)[0])
    return names


_SUFFIX = re.compile(r'_\d+$')


def from_user(name, users):
    """Whether `name` is U, dU, U_saved or dU_saved, then an optional _N, for U in `users`."""
    name = _SUFFIX.sub('', name)
    if name.endswith('_saved'):
        name = name[:-len('_saved')]
    return name in users or name.startswith('d') and name[1:] in users


def machine_made(source, users):
    """The names `source` assigns that do not come from the user's variables `users`, sorted."""
    return sorted(n for n in assigned_names(source) if not from_user(n, users))


def _uses(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


class _Liveness:
    """Backward liveness over structured Python (if, for, while), marking dead assignments."""

    def __init__(self):
        self.dead = {}          # id(statement) -> (statement, dead?): the last pass decides

    def block(self, stmts, live):
        for stmt in reversed(stmts):
            live = self.stmt(stmt, set(live))
        return live

    def stmt(self, s, live):
        if isinstance(s, ast.Return):
            return _uses(s.value) if s.value is not None else set()
        if isinstance(s, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = s.targets if isinstance(s, ast.Assign) else [s.target]
            stored, bases, reads = set(), set(), set()
            for t in targets:
                st, ba, rd = _stored_names(t)
                stored.update(st)
                bases.update(ba)
                reads.update(rd)
            self.dead[id(s)] = (s, not (stored | bases) & live)
            if isinstance(s, ast.AugAssign):
                reads |= stored     # x += v reads x
            else:
                live -= stored
            return live | reads | (_uses(s.value) if s.value is not None else set())
        if isinstance(s, ast.If):
            return self.block(s.body, live) | self.block(s.orelse, live) | _uses(s.test)
        if isinstance(s, (ast.For, ast.AsyncFor)):
            stored, _, reads = _stored_names(s.target)
            after = self.block(s.orelse, live)
            head = set(after)
            while True:
                new = after | (self.block(s.body, head) - set(stored)) | set(reads)
                if new == head:
                    break
                head = new
            return head | _uses(s.iter)
        if isinstance(s, ast.While):
            after = self.block(s.orelse, live)
            head = after | _uses(s.test)
            while True:
                new = after | _uses(s.test) | self.block(s.body, head)
                if new == head:
                    break
                head = new
            return head
        # expressions, asserts, raises, nested defs, with, try: every name they mention is read
        return live | _uses(s)


def dead_statements(source):
    """The assignments of the functions of `source` whose target is not read afterwards before
    being assigned again, nor returned; as (line number, line text) pairs."""
    source = textwrap.dedent(source)
    text = source.splitlines()
    dead = []
    for fdef in _functions(ast.parse(source)):
        liveness = _Liveness()
        liveness.block(_body(fdef), set())
        dead += [(s.lineno, text[s.lineno - 1].strip()) for s, is_dead in liveness.dead.values() if is_dead]
    return sorted(dead)


def _normal(text):
    return ' '.join(text.split())


def _without_comment(line):
    try:
        for tok in tokenize.generate_tokens(io.StringIO(line + '\n').readline):
            if tok.type == tokenize.COMMENT:
                return line[:tok.start[1]]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return line


def user_statements(source):
    """The text of each statement of the user's function in `source`: a simple statement whole,
    a compound one by its header line; a docstring is not one."""
    source = textwrap.dedent(source)
    text = source.splitlines()
    fdef = _functions(ast.parse(source))[0]
    statements = []

    def visit(stmts):
        for s in stmts:
            if isinstance(s, (ast.If, ast.For, ast.While, ast.With, ast.Try, ast.FunctionDef)):
                statements.append(_normal(_without_comment(text[s.lineno - 1])))
                for field in ('body', 'orelse', 'finalbody'):
                    visit(getattr(s, field, []))
                for handler in getattr(s, 'handlers', []):
                    visit(handler.body)
            else:
                segment = '\n'.join(_without_comment(line) for line in ast.get_source_segment(source, s).splitlines())
                statements.append(_normal(segment))
    visit(_body(fdef))
    return statements


def comments(source):
    """The texts of the comments of `source`, `grad of: ` taken off, whitespace normalised."""
    found = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            body = tok.string[1:].strip()
            if body.startswith('grad of:'):
                body = body[len('grad of:'):]
            found.add(_normal(body))
    return found


def comment_coverage(user_source, generated_source):
    """(statements of the user's function whose text is a comment of the generated code, all
    of its statements)."""
    statements = user_statements(user_source)
    found = comments(generated_source)
    return sum(s in found for s in statements), len(statements)


# ---------------------------------------------------------------- the measures, on a function
MARK = '__user'


def renamed(fn):
    """fn with each of its variables U renamed U__user: the same function, compiled from source
    that linecache holds (as autograph reads it), in a copy of fn's globals."""
    source = textwrap.dedent(inspect.getsource(fn))
    tree = ast.parse(source)
    users = user_names(source)
    for node in ast.walk(tree.body[0]):
        if isinstance(node, ast.Name) and node.id in users:
            node.id += MARK
        elif isinstance(node, ast.arg) and node.arg in users:
            node.arg += MARK
    text = ast.unparse(tree) + '\n'
    filename = f'<adjoint corpus, renamed: {fn.__module__}.{fn.__qualname__}>'
    linecache.cache[filename] = (len(text), None, text.splitlines(keepends=True), filename)
    namespace = dict(fn.__globals__)
    exec(compile(text, filename, 'exec'), namespace)
    return namespace[fn.__name__], {u + MARK for u in users}


def _generated(fn, positions, args):
    grad_fn = autograph.grad(fn, positions)
    with contextlib.redirect_stdout(io.StringIO()):
        grad_fn(*args)
    return autograph.get_source(grad_fn)


def _same_places(original, other):
    """{name in `other`: name in `original`} for two modules alike but for names, else None."""
    a, b = list(ast.walk(ast.parse(original))), list(ast.walk(ast.parse(other)))
    if len(a) != len(b) or any(type(x) is not type(y) for x, y in zip(a, b)):
        return None
    return {y.id: x.id for x, y in zip(a, b) if isinstance(x, ast.Name)}


def machine_made_names(fn, positions, args, source=None):
    """The machine-made names of the generated gradient of fn (see the module's docstring),
    classified on a compilation of fn with its variables renamed, shown as `source` (fn's own
    generated module) names them. Where the renamed function does not compile, or its module
    differs from `source` in more than names, `source` is classified as it is."""
    if source is None:
        source = _generated(fn, positions, args)
    try:
        twin, users = renamed(fn)
        twin_source = _generated(twin, positions, args)
        places = _same_places(source, twin_source)
    except Exception:   # noqa: BLE001 (the renaming must never cost the measurement)
        places = None
    if places is None:
        return machine_made(source, user_names(textwrap.dedent(inspect.getsource(fn))))
    return sorted({places.get(n, n) for n in machine_made(twin_source, users)})


def measure(entry):
    """The numbers of one adjoint-corpus entry; {'name', 'error'} if its gradient does not
    compile or run."""
    try:
        source = _generated(entry.fn, entry.positions, entry.args)
    except Exception as e:   # noqa: BLE001 (a finding to report, not a reason to stop)
        return {'name': entry.name, 'error': f'{type(e).__name__}: {e}'}
    hand = textwrap.dedent(inspect.getsource(entry.adjoint))
    user = textwrap.dedent(inspect.getsource(entry.fn))
    generated_lines, hand_lines = code_lines(source), code_lines(hand)
    covered, statements = comment_coverage(user, source)
    return {
        'name': entry.name,
        'generated_lines': generated_lines,
        'hand_lines': hand_lines,
        'line_ratio': generated_lines / hand_lines,
        'zeros': materialised_zeros(source),
        'hand_zeros': materialised_zeros(hand),
        'machine_made_names': machine_made_names(entry.fn, entry.positions, entry.args, source),
        'dead_statements': [text for _, text in dead_statements(source)],
        'comments_covered': covered,
        'statements': statements,
        'comment_coverage': covered / statements,
        'source': source,
    }


def second_order(entry):
    """Code lines of grad(f) and of grad(grad f), the gradient of a weighted sum of f's gradient,
    with respect to f's first differentiated position."""
    p = entry.positions[0]
    weights = np.random.default_rng(len(entry.name)).uniform(-1, 1, np.shape(entry.args[p]))
    first = code_lines(_generated(entry.fn, p, entry.args))
    second = code_lines(_generated(_weighted_first_derivative(entry.fn, p, weights), p, entry.args))
    return {'name': entry.name, 'first_lines': first, 'second_lines': second, 'ratio': second / first}


def measure_corpus():
    """(a row per entry, a row per second-order case, the summary over the entries measured)."""
    measured = [measure(entry) for entry in adjoint_corpus.CORPUS.values()]
    failed = [r for r in measured if 'error' in r]
    rows = [r for r in measured if 'error' not in r]
    orders = []
    for name in adjoint_corpus.SECOND_ORDER:
        try:
            orders.append(second_order(adjoint_corpus.CORPUS[name]))
        except Exception as e:   # noqa: BLE001
            failed.append({'name': f'{name} (second order)', 'error': f'{type(e).__name__}: {e}'})
    ratios = np.array([r['line_ratio'] for r in rows])
    worst = max(rows, key=lambda r: r['line_ratio'])
    summary = {
        'entries': len(rows),
        'median_line_ratio': float(np.median(ratios)),
        'mean_line_ratio': float(ratios.mean()),
        'max_line_ratio': float(ratios.max()),
        'max_line_ratio_entry': worst['name'],
        'zeros': sum(r['zeros'] for r in rows),
        'hand_zeros': sum(r['hand_zeros'] for r in rows),
        'machine_made_names': sum(len(r['machine_made_names']) for r in rows),
        'dead_statements': sum(len(r['dead_statements']) for r in rows),
        'mean_comment_coverage': float(np.mean([r['comment_coverage'] for r in rows])),
        'comments_covered': sum(r['comments_covered'] for r in rows),
        'statements': sum(r['statements'] for r in rows),
        'second_order_ratios': {o['name']: o['ratio'] for o in orders},
        'failed': failed,
    }
    return rows, orders, summary


def print_adjoint_corpus(rows, orders, summary):
    print()
    print(f"Adjoint corpus ({summary['entries']} functions with hand-written adjoints): generated "
          f"gradient against hand-written")
    print(f"{'entry':24} {'lines':>9} {'ratio':>5} {'zeros':>5} {'dead':>4} {'comments':>8}  machine-made names")
    for r in rows:
        print(f"{r['name']:24} {r['generated_lines']:>4}/{r['hand_lines']:<4} {r['line_ratio']:5.2f} "
              f"{r['zeros']:>5} {len(r['dead_statements']):>4} "
              f"{r['comments_covered']:>4}/{r['statements']:<3}  {', '.join(r['machine_made_names'])}")
    s = summary
    print(f"line ratio (generated / hand-written code lines): median {s['median_line_ratio']:.2f}, "
          f"mean {s['mean_line_ratio']:.2f}, max {s['max_line_ratio']:.2f} ({s['max_line_ratio_entry']})")
    print(f"materialised zeros: {s['zeros']} (the hand-written adjoints: {s['hand_zeros']})")
    print(f"machine-made names: {s['machine_made_names']}")
    print(f"dead statements: {s['dead_statements']}")
    for r in rows:
        for text in r['dead_statements']:
            print(f"  {r['name']}: {text}")
    print(f"comment coverage: mean {s['mean_comment_coverage']:.2f} "
          f"({s['comments_covered']}/{s['statements']} statements)")
    for f in s['failed']:
        print(f"failed: {f['name']}: {f['error']}")
    print("second order, code lines of grad(grad f) / grad f: " + ', '.join(
        f"{o['name']} {o['first_lines']} -> {o['second_lines']} ({o['ratio']:.2f})" for o in orders))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--json', metavar='PATH', help='also write the numbers to PATH as JSON')
    options = parser.parse_args(argv)
    control = control_corpus_ratios()
    print_control_corpus(control)
    rows, orders, summary = measure_corpus()
    print_adjoint_corpus(rows, orders, summary)
    if options.json:
        values = np.array([r for r, *_ in control])
        numbers = {
            'control_corpus': {
                'entries': len(control), 'median_ratio': float(np.median(values)),
                'mean_ratio': float(values.mean()), 'max_ratio': float(values.max()),
                'ratios': {name: {'first_lines': first, 'second_lines': second, 'ratio': ratio}
                           for ratio, name, first, second in control}},
            'adjoint_corpus': {'summary': summary, 'entries': rows, 'second_order': orders},
        }
        pathlib.Path(options.json).write_text(json.dumps(numbers, indent=1) + '\n')


if __name__ == '__main__':
    main()
