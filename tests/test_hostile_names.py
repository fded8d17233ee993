"""User data never becomes code (issue 9).

Names and strings that reach generated source come from users: Parameter names, Cell attribute
names, dict keys, keyword names, function and class names, string arguments, assert messages,
printed values, the user's source lines (comments). Each test below feeds one of them hostile or
odd text (code payloads with newlines, quotes, backslashes, '#', ')', ':', NUL, line
separators; unicode that NFKC changes or merges; keywords, very long names, names of imports
and kernels), and checks that:

- the compiled function gives eager Python's values (and gradients the right values, checked
  against central differences where the function is not linear);
- no payload ran: an audit hook refuses any process start or open of the marker file while a
  test runs, and the marker file does not exist afterwards;
- get_source, export.standalone and get_ir show the text only inside string literals and
  comments, every name in them is a plain identifier, the modules compile and run, and the
  generated module is valid input to autograph.jit again.
"""
import builtins
import contextlib
import importlib.util
import io
import os
import sys
import tempfile
import tokenize
import types

import numpy as np
import pytest

import autograph
from autograph import Parameter, Tensor, nn, ops
from autograph.export import standalone
from autograph.tree import flatten
from autograph.ir.printer import Namer, identifier, is_identifier
from tests.codegen.checks import check_source

MARKER = os.path.join(tempfile.gettempdir(), f'autograph-hostile-{os.getpid()}')

# Text that would run if pasted into source: after a `def f(` line, an argument list, a
# string literal, a comment, an expression.
PAYLOADS = {
    'newline_def': f"x):\n    __import__('os').system('touch {MARKER}')\ndef _(x",
    'comment': f"x): __import__('os').system('touch {MARKER}') #",
    'quote': f"y'] + open({MARKER!r}, 'w') #",
    'double_quote': f'y"] + open("{MARKER}", "w") #',
    'backslash': f"a\\' + open({MARKER!r}, 'w') + '\\",
    'carriage_return': f"a\r__import__('os').system('touch {MARKER}')",
    'line_separators': f"a\x0c\x0b\x1c\x1d\x1e\x85\u2028\u2029open({MARKER!r}, 'w')",
    'nul': f"a\x00open({MARKER!r}, 'w')",
    'colon_paren_hash': 'a): #: b',
}
# Text that is only odd: it must work, with a readable name where there is one.
ODD = {
    'space': 'a b',
    'superscript': 'x²',
    'ligature': 'ﬁ',
    'rtl_override': '\u202eevil\u202c',
    'combining': 'e\u0301',
    'hebrew': 'שלום',
    'leading_digit': '2x',
    'empty': '',
    'very_long': 'n' * 5000,
    'keyword': 'class',
    'soft_keyword': 'match',
    'import': 'np',
    'kernel': 'relu',
    'builtin': 'print',
    'dunder': '__builtins__',
}
NAMES = {**PAYLOADS, **ODD}


# ---------------------------------------------------------------- no payload runs
_watching = []     # non-empty while a test runs: what the audit hook saw


def _audit(event, args):
    if not _watching:
        return
    started = event in ('os.system', 'subprocess.Popen', 'os.posix_spawn', 'os.spawn', 'os.exec',
                        'os.fork', 'os.forkpty', 'pty.spawn')
    if started or (event == 'open' and args and MARKER in str(args[0])):
        _watching.append(event)
        raise RuntimeError(f'a payload ran: {event} {args!r}')


_hook = []


@pytest.fixture(autouse=True)
def no_payload_runs():
    if not _hook:       # audit hooks cannot be removed: one, inert outside these tests
        sys.addaudithook(_audit)
        _hook.append(True)
    _watching[:] = ['watching']
    yield
    seen = _watching[1:]
    _watching[:] = []
    assert not seen, f'a payload ran: {seen}'
    assert not os.path.exists(MARKER), 'a payload wrote the marker file'


# ---------------------------------------------------------------- checks of what comes out
def t(values, dtype=np.float64):
    return Tensor(np.array(values, dtype))


def close(got, want, **kw):
    for g, w in zip(flatten(got), flatten(want), strict=True):
        if isinstance(w, (Tensor, np.ndarray, float)):
            np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-6, **kw)
        else:
            assert g == w and type(g) is type(w)


def numeric_grad(f, x, eps=1e-6):
    """Central differences of a scalar function of one float64 array."""
    x = np.array(x, np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        grad[i] = (float(np.asarray(f(up))) - float(np.asarray(f(down)))) / (2 * eps)
    return grad


def code_only(source):
    """The source's tokens other than strings and comments, joined."""
    return ' '.join(tok.string for tok in tokenize.generate_tokens(io.StringIO(source).readline)
                    if tok.type not in (tokenize.STRING, tokenize.COMMENT))


def check_texts(fn, payload):
    """get_source, export and get_ir of fn's last compilation hold `payload` only as data.
    Returns the exported module's text."""
    entry = fn.last
    source = autograph.get_source(fn)
    namespace = entry.generated.namespace
    check_source(source, namespace)
    code = code_only(source)
    for name in ('__import__', 'system', 'open', 'exec', 'eval'):
        assert f' {name} ' not in f' {code} ', name
    if not payload.isidentifier() and len(payload) > 2:
        assert payload not in code
    ir = autograph.get_ir(fn)
    assert ir.splitlines() == ir.split('\n')
    if not payload.isidentifier() and len(payload) > 2:
        assert payload not in ir.replace(repr(payload), '')
    if any(not isinstance(v, np.ndarray) for v in namespace.values()):
        with pytest.raises(ValueError, match='cannot be exported'):
            standalone(source, namespace)
        return None
    exported = standalone(source, namespace)
    check_source(exported, function=entry.generated.name)
    return exported


def run_again(fn, args, tmp_path, want):
    """The exported module runs without autograph and gives `want`; autograph compiles it again."""
    exported = check_texts(fn, '')
    if exported is None:
        return
    path = tmp_path / f'exported_{len(list(tmp_path.iterdir()))}.py'
    path.write_text(exported, encoding='utf-8')
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    generated = getattr(module, fn.last.generated.name)
    arrays = [np.asarray(leaf) for leaf in flatten(list(args)) if isinstance(leaf, (Tensor, np.ndarray))]
    arrays += [np.asarray(p) for p in fn.last.implicit]
    close(generated(*arrays), want)
    close(autograph.jit(generated)(*arrays), want)


# ---------------------------------------------------------------- the functions compiled
def by_key(batch, key):
    return ops.sum(ops.sin(batch[key]) * batch['other'])


def by_keyword(x, key, **kw):
    return ops.sum(ops.sin(x) * kw[key])


PARAMS = {}


def reads_param(x, key):
    return ops.sum(ops.sin(x) * PARAMS[key])


ligature = Parameter(Tensor(np.array([1.0, 2.0])), name='ﬁ')
plain = Parameter(Tensor(np.array([3.0, 5.0])), name='fi')


def reads_fi_twice(x):
    return ops.sum(ops.sin(x) * ligature + x * plain)


class Holder(nn.Cell):
    """A Parameter set under an odd attribute name (so also named after it)."""

    def __init__(self, key):
        super().__init__()
        self.key = key
        setattr(self, key, Parameter(Tensor(np.array([0.5, -1.0]))))

    def construct(self, x):
        return ops.sum(ops.sin(x) * getattr(self, self.key))


class Inner(nn.Cell):
    def __init__(self):
        super().__init__()
        self.w = Parameter(Tensor(np.array([0.5, -1.0])))

    def construct(self, x):
        return ops.sin(x) * self.w


class Outer(nn.Cell):
    """A sub-Cell under an odd attribute name (its Parameter is 'odd name.w')."""

    def __init__(self, key):
        super().__init__()
        self.key = key
        setattr(self, key, Inner())

    def construct(self, x):
        return ops.sum(getattr(self, self.key)(x))


def base(x):
    return ops.sum(ops.sin(x) * x)


def tagged(x, tag):
    return x * 2.0, tag, {tag: x * 3.0}


def checked(x, message):
    assert ops.sum(x) > 0, message
    return x * 2.0


def printing(x, label):
    print(label, x, SHOUTY, 1.5, sep=label, end=label)
    return x * 2.0


def contract(a, b, equation):
    return ops.sum(ops.einsum(equation, a, b))


def scaled(x, n):
    return x * n


class Shouty:
    """An object whose repr is code: print must call its str() at run time, never paste it."""

    def __repr__(self):
        return f"__import__('os').system('touch {MARKER}')"

    def __str__(self):
        return 'shouty'


class SneakyStr(str):
    def __repr__(self):
        return f"open({MARKER!r}, 'w')"


class SneakyInt(int):
    def __repr__(self):
        return f"__import__('os').system('touch {MARKER}')"


SHOUTY = Shouty()
X = [0.3, -1.2]


# ---------------------------------------------------------------- dict keys and keywords
@pytest.mark.parametrize('key', NAMES.values(), ids=NAMES.keys())
def test_dict_keys(key, tmp_path):
    batch = {key: t(X), 'other': t([2.0, 0.5])}
    want = by_key(batch, key)
    jitted = autograph.jit(by_key)
    close(jitted(batch, key), want)
    check_texts(jitted, key)
    run_again(jitted, (batch, key), tmp_path, want)

    grad_fn = autograph.grad(by_key)
    grads = grad_fn(batch, key)
    assert list(grads) == [key, 'other']
    close(grads[key], numeric_grad(lambda v: by_key({key: t(v), 'other': batch['other']}, key), X))
    close(grads['other'], np.sin(X))
    check_texts(grad_fn, key)


@pytest.mark.parametrize('key', NAMES.values(), ids=NAMES.keys())
def test_keyword_names(key, tmp_path):
    if key in ('x', 'key'):
        pytest.skip('a keyword cannot repeat a parameter')
    kwargs = {key: t([2.0, 0.5])}
    want = by_keyword(t(X), key, **kwargs)
    jitted = autograph.jit(by_keyword)
    close(jitted(t(X), key, **kwargs), want)
    check_texts(jitted, key)
    run_again(jitted, (t(X), key, kwargs), tmp_path, want)

    grad_fn = autograph.grad(by_keyword)
    close(grad_fn(t(X), key, **kwargs), numeric_grad(lambda v: by_keyword(t(v), key, **kwargs), X))
    check_texts(grad_fn, key)


# ---------------------------------------------------------------- Parameters and Cells
@pytest.mark.parametrize('key', NAMES.values(), ids=NAMES.keys())
def test_parameter_names(key, tmp_path):
    PARAMS[key] = Parameter(t([3.0, -4.0]), name=key or None)
    want = reads_param(t(X), key)
    jitted = autograph.jit(reads_param)
    close(jitted(t(X), key), want)
    check_texts(jitted, key)
    run_again(jitted, (t(X), key), tmp_path, want)

    grad_fn = autograph.grad(reads_param, 0, weights=PARAMS[key])
    dx, dw = grad_fn(t(X), key)
    close(dx, numeric_grad(lambda v: reads_param(t(v), key), X))
    close(dw, np.sin(X))
    check_texts(grad_fn, key)


def test_parameters_that_nfkc_merges_stay_apart(tmp_path):
    """'ﬁ' and 'fi' are one identifier to Python (NFKC): as two variables they must not merge."""
    x = t(X)
    want = reads_fi_twice(x)
    jitted = autograph.jit(reads_fi_twice)
    close(jitted(x), want)
    run_again(jitted, (x,), tmp_path, want)
    d_ligature, d_plain = autograph.grad(reads_fi_twice, None, weights=[ligature, plain])(x)
    close(d_ligature, np.sin(X))
    close(d_plain, np.array(X))


@pytest.mark.parametrize('key', [k for k in NAMES.values() if k], ids=[i for i, k in NAMES.items() if k])
def test_cell_attribute_names(key, tmp_path):
    for cell in (Holder(key), Outer(key)):
        x = t(X)
        want = cell(x)
        jitted = autograph.jit(cell)
        close(jitted(x), want)
        check_texts(jitted, key)
        run_again(jitted, (x,), tmp_path, want)
        weights = cell.trainable_params()
        grad_fn = autograph.grad(cell, 0, weights=weights)
        dx, (dw,) = grad_fn(x)
        close(dx, numeric_grad(lambda v: cell(t(v)), X))
        close(dw, np.sin(X))
        check_texts(grad_fn, key)


# ---------------------------------------------------------------- function and class names
@pytest.mark.parametrize('key', NAMES.values(), ids=NAMES.keys())
def test_function_names(key, tmp_path):
    fn = types.FunctionType(base.__code__, base.__globals__, key)
    fn.__qualname__ = key
    x = t(X)
    jitted = autograph.jit(fn)
    close(jitted(x), base(x))
    check_texts(jitted, key)
    run_again(jitted, (x,), tmp_path, base(x))
    grad_fn = autograph.grad(fn)
    close(grad_fn(x), numeric_grad(lambda v: base(t(v)), X))
    check_texts(grad_fn, key)


@pytest.mark.parametrize('key', [k for k in NAMES.values() if k and '\x00' not in k],
                         ids=[i for i, k in NAMES.items() if k and '\x00' not in k])
def test_cell_class_names(key, tmp_path):
    cls = type(key, (Holder,), {'__qualname__': key})
    cell = cls('w')
    x = t(X)
    jitted = autograph.jit(cell)
    close(jitted(x), cell(x))
    check_texts(jitted, key)
    run_again(jitted, (x,), tmp_path, cell(x))


# ---------------------------------------------------------------- strings and objects as constants
@pytest.mark.parametrize('key', NAMES.values(), ids=NAMES.keys())
def test_string_arguments_and_outputs(key, tmp_path):
    for tag in (key, SneakyStr(key)):
        x = t(X)
        want = tagged(x, tag)
        jitted = autograph.jit(tagged)
        got = jitted(x, tag)
        close(got[0], want[0])
        assert got[1] == tag and str(got[1]) == str(tag)
        assert list(got[2]) == [tag]
        close(got[2][tag], want[2][tag])
        check_texts(jitted, key)


def test_an_int_subclass_is_held_not_pasted():
    x = t(X)
    jitted = autograph.jit(scaled)
    close(jitted(x, SneakyInt(3)), x * 3)
    check_texts(jitted, repr(SneakyInt(3)))


@pytest.mark.parametrize('key', NAMES.values(), ids=NAMES.keys())
def test_assert_messages(key):
    jitted = autograph.jit(checked)
    close(jitted(t([1.0, 2.0]), key), t([2.0, 4.0]))
    with pytest.raises(AssertionError) as info:
        jitted(t(X), key)                   # sum(X) < 0
    assert str(info.value).startswith(key)
    check_texts(jitted, key)


@pytest.mark.parametrize('key', NAMES.values(), ids=NAMES.keys())
def test_print(key, capsys):
    x = t(X)
    for label in (key, SneakyStr(key)):
        printing(x, label)
        eager = capsys.readouterr().out
        jitted = autograph.jit(printing)
        close(jitted(x, label), x * 2.0)
        assert capsys.readouterr().out == eager
        assert SHOUTY in jitted.last.generated.namespace.values()
        check_texts(jitted, key)


def test_einsum_equation():
    a, b = t([[1.0, 2.0], [3.0, 4.0]]), t([[0.5, -1.0], [2.0, 1.0]])
    jitted = autograph.jit(contract)
    close(jitted(a, b, 'ij,jk->ik'), contract(a, b, 'ij,jk->ik'))
    check_texts(jitted, 'ij,jk->ik')
    for equation in PAYLOADS.values():
        with pytest.raises(Exception):       # no valid equation: refused while compiling
            jitted(a, b, equation)


# ---------------------------------------------------------------- the user's source lines
ODD_LINES = '''\
import numpy as np
from autograph import ops


def odd_lines(x):
    y = x * 2.0  # a\x0cb\x0bc\x1cd\x1de\x1ef\x85g\u2028h\u2029__import__('os').system('touch MARKER')
    z = y + len('\u2028\x0c\u202e')  # \u202e right to left
    return ops.sum(z * z)
'''.replace('MARKER', MARKER)


def test_source_lines_with_line_separators_stay_comments(tmp_path):
    """Comments hold the user's lines; a character that splitlines (linecache, inspect) or the
    tokenizer would take as a line break must not let the rest of the line out as code."""
    path = tmp_path / 'odd_lines.py'
    path.write_text(ODD_LINES, encoding='utf-8')
    spec = importlib.util.spec_from_file_location('odd_lines', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    x = t(X)
    grad_fn = autograph.grad(module.odd_lines)
    close(grad_fn(x), numeric_grad(lambda v: module.odd_lines(t(v)), X, eps=1e-5))
    source = autograph.get_source(grad_fn)
    check_source(source)
    assert '\\x0c' in source and '\\u2028' in source and '\\u202e' in source
    for line in source.split('\n'):
        assert line.isprintable() or not line
    run_again(grad_fn, (x,), tmp_path, grad_fn(x))


# ---------------------------------------------------------------- identifier and Namer
@pytest.mark.parametrize('text, expected', [
    ('x', 'x'), ('dz', 'dz'), ('z_1', 'z_1'), ('_', '_'), ('weight_0', 'weight_0'),
    ('x y', 'x_y'), ('x²', 'x2'), ('ﬁ', 'fi'), ('class', 'class_'), ('match', 'match_'),
    ('2x', '_2x'), (')', 't'), ('', 't'), ('inner.a', 'inner_a'), ('e\u0301', 'é'),
    ('\u202eevil\u202c', 'evil'), ('a\x00b', 'a_b'), ('𝐱', 'x'), ('n' * 5000, 'n' * 64),
])
def test_identifier(text, expected):
    assert identifier(text) == expected
    assert is_identifier(expected)


def test_namer_keeps_names_unique_after_normalisation():
    namer = Namer(taken={'np', 'print'})
    names = [namer.fresh(h) for h in ['ﬁ', 'fi', 'np', 'print', 'x²', 'x2', '', 'class', 'class_']]
    assert names == ['fi', 'fi_1', 'np_1', 'print_1', 'x2', 'x2_1', 't', 'class_', 'class__1']
    assert all(is_identifier(n) for n in names)


def test_identifier_of_any_text():
    hypothesis = pytest.importorskip('hypothesis')
    from hypothesis import strategies as st

    @hypothesis.settings(max_examples=200, deadline=None)
    @hypothesis.given(st.lists(st.text(), max_size=6))
    def check(texts):
        namer = Namer(taken=set(dir(builtins)))
        names = [namer.fresh(text) for text in texts]
        assert all(is_identifier(n) for n in names)
        assert len(set(names)) == len(names)
        compile(f"def f({', '.join(names)}):\n    return 0\n", '<names>', 'exec')
    check()


def test_the_suite_checks_every_generated_module():
    from autograph.codegen.load import CHECKS
    assert CHECKS, 'tests/conftest.py registers check_generated'
    with pytest.raises(AssertionError):
        check_source('import numpy as np\n\n\ndef f(x):\n    return x * Tensor(1.0)\n')
    with pytest.raises(AssertionError):
        check_source('import numpy as np\n\n\ndef f(x):\n    return x * np.float32(1.0)\n')
    with pytest.raises(AssertionError):
        check_source('def f(x):\n    # a\x0cb\n    return x\n')
    with pytest.raises(AssertionError):
        check_source('def f(ﬁ):\n    return ﬁ\n')


def test_without_a_payload_nothing_is_reported():
    assert not os.path.exists(MARKER)
    with contextlib.suppress(RuntimeError):
        os.system(f'touch {MARKER}')   # the hook refuses it ...
    assert not os.path.exists(MARKER)
    _watching[1:] = []                 # ... and would fail this test; forget it
