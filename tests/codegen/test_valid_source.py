"""Always valid source: blocks that would be empty (an adjoint loop or branch with nothing to do),
string constants of any text, constants without a literal, comments of any line."""
import ast

import numpy as np
import pytest

import autograph
from autograph import Tensor, ops
from autograph.codegen import nodes
from autograph.codegen.emit import comment_text
from autograph.codegen.unparse import unparse
from autograph.export import standalone
from tests.codegen.checks import check_source


# ---------------------------------------------------------------- empty blocks
def constant_range(y):
    s = ops.sum(y)
    for i in range(3):
        s = s + 1.0
    return s


def runtime_range(y, n):
    s = ops.sum(y)
    for i in range(n):
        s = s + 1.0
    return s


def runtime_while(y, limit):
    s = ops.sum(y)
    while s < limit:
        s = s + 1.0
    return s


def nested(y, n):
    s = ops.sum(y * y)
    for i in range(n):
        for j in range(2):
            s = s + 1.0
        s = s * 1.0
    return s


def shift_in_branch(y):
    s = ops.sum(ops.sin(y))
    if s > 0:
        s = s + 1.0
    else:
        s = s - 1.0
    return s


def shift_on_one_side(y):
    s = ops.sum(ops.sin(y))
    if s > 0:
        s = s + 1.0
    return s * s


Y = np.array([0.3, -0.7, 1.1])
N = np.array(4, np.int64)


def numeric_grad(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    for i in range(x.size):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        grad[i] = (float(f(up)) - float(f(down))) / (2 * eps)
    return grad


@pytest.mark.parametrize('fn, extra', [
    (constant_range, ()), (runtime_range, (N,)), (runtime_while, (np.array(7.5),)),
    (nested, (N,)), (shift_in_branch, ()), (shift_on_one_side, ()),
], ids=lambda v: getattr(v, '__name__', ''))
def test_adjoint_with_nothing_to_do_compiles(fn, extra):
    """`s = s + 1.0` in a loop or branch has a gradient that passes through unchanged: the
    adjoint's loop or branch body is empty, which must not leave a block without a statement."""
    for transform in (autograph.grad, autograph.value_and_grad):
        grad_fn = transform(fn)
        got = grad_fn(Tensor(Y), *[Tensor(e) for e in extra])
        got = got[1] if transform is autograph.value_and_grad else got
        want = numeric_grad(lambda v: fn(Tensor(v), *[Tensor(e) for e in extra]).asnumpy(), Y.copy())
        np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-6, atol=1e-8)
        compile(autograph.get_source(grad_fn), '<generated>', 'exec')
    second = autograph.grad(lambda_free_sum_of_grad(fn, extra))
    compile(autograph.get_source(second, Tensor(Y)), '<generated>', 'exec')


def lambda_free_sum_of_grad(fn, extra):
    first = autograph.grad(fn)
    extra = [Tensor(e) for e in extra]

    def slope(y):
        return ops.sum(first(y, *extra) * first(y, *extra))
    return slope


# ---------------------------------------------------------------- string constants
TEXTS = ['a\nb', "it's", 'say "hi"', "both ' and \"", 'back\\slash', 'tail\\', 'nul\x00',
         'cr\rlf\r\n', 'ff\x0cvt\x0b', 'fs\x1cgs\x1drs\x1e', 'nel\x85', 'ls\u2028ps\u2029',
         'lone\ud800surrogate', 'rtl\u202eoverride', 'e\u0301', 'x²ﬁ', 'emoji \U0001F600',
         '#not a comment', '"""', "'''", 'x' * 10000, '']


@pytest.mark.parametrize('text', TEXTS, ids=range(len(TEXTS)))
def test_string_constants_unparse_to_one_line_literals(text):
    for value in (text, text.encode('utf-8', 'surrogatepass')):
        source = unparse(ast.Constant(value=value))
        assert source.splitlines() == [source] and source.isprintable()
        assert ast.literal_eval(source) == value
        namespace = {}
        exec(compile(f'x = {source}  # after\n', '<constant>', 'exec'), namespace)
        assert namespace['x'] == value


class Str(str):
    def __repr__(self):
        return "__import__('os').system('true')"


class Int(int):
    def __repr__(self):
        return "__import__('os').system('true')"


@pytest.mark.parametrize('value', [object(), Str('a'), Int(1), [1, 2], {'a': 1}, 10 ** 5000,
                                   np.dtype(object), np.dtype('U3'), (1, object()), print],
                         ids=['object', 'str_subclass', 'int_subclass', 'list', 'dict', 'huge_int',
                              'object_dtype', 'str_dtype', 'tuple_of_object', 'function'])
def test_values_without_a_literal_are_refused(value):
    with pytest.raises(TypeError):
        nodes.literal(value)


@pytest.mark.parametrize('value, text', [
    (np.float32(1.5), '1.5'), (np.int64(3), '3'), (np.bool_(True), 'True'), (np.float32, 'np.float32'),
    (np.dtype('int8'), 'np.int8'), (float, 'np.float64'), ((1, 'a', None), "(1, 'a', None)"),
    (slice(1, None), 'np.s_[1:]'), (float('nan'), "float('nan')"),
])
def test_values_with_a_literal(value, text):
    assert unparse(nodes.literal(value)) == text


def test_small_arrays_of_numbers_are_written_out_others_are_refused():
    array = nodes.array_literal(np.arange(3))
    assert unparse(array) == 'np.array([0, 1, 2], dtype=np.int64)'
    for odd in (np.array(['a'], dtype=object), np.array(['a']), np.array(['2020-01-01'], dtype='M8[D]')):
        with pytest.raises(TypeError):
            nodes.array_literal(odd)


# ---------------------------------------------------------------- export
INDEX = [i % 3 for i in range(100)]


def gather_by_list(x):
    return ops.sum(ops.sin(x[INDEX]))


def gather_by_array(x):
    return ops.sum(ops.sin(x[np.array(INDEX)]))


@pytest.mark.parametrize('fn', [gather_by_list, gather_by_array], ids=lambda f: f.__name__)
def test_export_writes_the_namespace_arrays_as_bytes(fn):
    """A large index array made while compiling is read from the namespace; the exported module
    defines it from a bytes literal (and inlines index_add, whose code nests a comprehension)."""
    grad_fn = autograph.grad(fn)
    x = np.array([0.1, 0.2, 0.3])
    want = grad_fn(Tensor(x)).asnumpy()
    generated = grad_fn.last.generated
    exported = standalone(generated.source, generated.namespace)
    check_source(exported, function=generated.name)
    assert 'from runtime' not in exported and 'import autograph' not in exported
    namespace = {}
    exec(compile(exported, '<exported>', 'exec'), namespace)
    np.testing.assert_allclose(namespace[generated.name](x), want)


def test_export_refuses_objects_without_a_spelling():
    with pytest.raises(ValueError, match='cannot be exported'):
        standalone('import numpy as np\n\n\ndef f(x):\n    print(held)\n    return x\n', {'held': object()})


# ---------------------------------------------------------------- comments
@pytest.mark.parametrize('char', ['\n', '\r', '\x0b', '\x0c', '\x1c', '\x1d', '\x1e', '\x85',
                                  '\u2028', '\u2029', '\x00', '\u202e'])
def test_comment_text_cannot_end_its_line(char):
    text = comment_text(f"y = x{char}__import__('os')")
    assert text.isprintable() and len(text.splitlines()) == 1
    assert repr(char)[1:-1] in text
    compile(f'# {text}\nx = 1\n', '<comment>', 'exec')


def test_comment_text_keeps_ordinary_lines():
    for line in ['z = ops.matmul(x, w) + b', "s = 'ﬁ' + \"x²\"  # note", 'a\tb', 'שלום = 1']:
        assert comment_text(line) == line
