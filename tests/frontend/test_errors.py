"""Refused constructs and where their errors point.

Every construct the compiler does not support raises `autograph.CompileError` (a RuntimeError)
located at the user's offending line: `.loc` names this file and the exact line, and the rendered
message shows 'File "...", line N', the line itself and a caret. Each offending line below is
marked with a `# HERE` comment, and the tests find its number from the source, so editing this
file never breaks them. Errors raised while compiled code runs name the user's line too.
"""
import functools
import inspect
import math
import re
import sys

import numpy as np
import pytest

try:
    import scipy.special
except ImportError:     # SciPy comes with scikit-learn, a test dependency; without it, skip
    scipy = None

import autograph
from autograph import Parameter, Tensor, nn, ops

MARK = '# HERE'


def line_of(fn):
    """The line number, in this file, of the one line of `fn` marked `# HERE`."""
    lines, first = inspect.getsourcelines(fn)
    hits = [first + i for i, text in enumerate(lines) if MARK in text]
    assert len(hits) == 1, f'{fn.__qualname__} must have exactly one {MARK} line'
    return hits[0]


def source_line(lineno):
    with open(__file__) as f:
        return f.read().splitlines()[lineno - 1]


def vec(n=3):
    return Tensor(np.arange(1.0, n + 1.0))


def compile_error(call):
    with pytest.raises(autograph.CompileError) as info:
        call()
    assert isinstance(info.value, RuntimeError)
    return info.value


def assert_points_at(err, lineno):
    assert err.loc is not None, f'no location on: {err}'
    assert err.loc.filename == __file__
    assert err.loc.lineno == lineno, str(err)


# ---------------------------------------------------------------- refused statements

def endless_compile_time_while(x):
    while x.shape[0] > 0:  # HERE
        pass
    return x


def try_except(x):
    try:  # HERE
        y = x + 1
    except ValueError:
        y = x
    return y


def with_block(x):
    with np.errstate(all='ignore'):  # HERE
        y = ops.log(x)
    return y





COUNTER = 0


def global_statement(x):
    global COUNTER  # HERE
    return x


def import_inside(x):
    import math  # HERE
    return x * math.pi


class Box:
    pass


box = Box()
rng = np.random.default_rng(0)


def attribute_assignment(x):
    box.a = 1  # HERE
    return x


class SettingNet(nn.Cell):
    def __init__(self):
        super().__init__()
        self.w = Parameter(Tensor(np.ones(3)), name='w')

    def construct(self, x):
        self.last = x  # HERE
        return x * self.w



def boolean_mask_indexing(x):
    positive = x[x > 0]
    return positive  # HERE


def undefined_name(x):
    return x + not_defined_anywhere  # HERE  # noqa: F821



def calls_open(x):
    open('data.txt')  # HERE
    return x


def calls_method_of_library_object(x):
    return x + rng.normal(size=3)  # HERE



def comprehension(x):
    return ops.sum(x * x for _ in range(2))  # HERE


def and_on_tensors(x):
    return x and x * 2  # HERE


def or_on_tensors(x):
    return x or x * 2  # HERE


def not_on_tensor(x):
    return not x  # HERE


def matmul_mismatch(x):
    w = ops.ones((4, 3), autograph.float64)
    return ops.matmul(x, w)  # HERE


def reshape_mismatch(x):
    return ops.reshape(x, (4, 4))  # HERE


def broadcast_mismatch(x):
    y = ops.ones(3, autograph.float64)
    return x + y  # HERE


def helper_with_bad_line(v):
    return ops.exp(v[v > 0])  # HERE


def calls_bad_helper(x):
    y = helper_with_bad_line(x)
    return y


model = SettingNet()


def trainable_params_inside(x):
    params = model.trainable_params()  # HERE
    return x


def grows_a_list_in_a_runtime_loop(x):
    rows = []
    for i in range(ops.sum(x > 0)):
        rows.append(x * i)  # HERE
    return ops.sum(x)


def creates_a_cell_from_tensor_values(x):
    return nn.Dense(3, ops.sum(x))(x)  # HERE


# ---------------------------------------------------------------- calls the compiler cannot make
# NumPy, SciPy, math and Python builtins given Tensors, and Tensor attributes that do not exist:
# each is refused at its line, naming the call as the user wrote it and what to use instead.

def numpy_fft(x):
    return np.fft.fft(x).real.sum()  # HERE


def numpy_svd(x):
    return np.linalg.svd(ops.reshape(x, (1, 3)))[1].sum()  # HERE


def numpy_random_draw(x):
    return x + np.random.normal(size=3)  # HERE


def scipy_expit(x):
    return scipy.special.expit(x).sum()  # HERE


def int_of_tensor(x):
    n = int(x.sum())  # HERE
    return x * n


def float_of_tensor(x):
    return x * float(x[0])  # HERE


def bool_of_tensor(x):
    return x * bool(x.sum())  # HERE


def item_of_tensor(x):
    return x * x.sum().item()  # HERE


def asnumpy_of_tensor(x):
    return np.exp(x.asnumpy())  # HERE


def size_of_tensor(x):
    return x / x.size  # HERE


def missing_tensor_attribute(x):
    return x.foo  # HERE


def str_of_tensor(x):
    print('value: ' + str(x))  # HERE
    return x


def fstring_with_tensor(x):
    print(f"x = {x}")  # HERE
    return x


def percent_format_of_tensor(x):
    print('x = %s' % x)  # HERE
    return x


def str_format_of_tensor(x):
    print('x = {}'.format(x))  # HERE
    return x


def assert_message_with_tensor(x):
    assert x.sum() > 0, x  # HERE
    return x


def sorted_tensor(x):
    return sorted(x)  # HERE


def max_of_two_tensors(x):
    return max(x, x * 2)  # HERE


def sum_of_tensor(x):
    return sum(x)  # HERE


def calls_a_tensor(x):
    return x(2)  # HERE


def len_of_0d_tensor(x):
    return x * len(x.sum())  # HERE


def math_of_tensor(x):
    return math.exp(x.sum())  # HERE


def numpy_vectorize(x):
    return np.vectorize(lambda v: v * 2)(x)  # HERE


def ufunc_method(x):
    return np.maximum.reduce(x)  # HERE


def print_to_a_file(x):
    print(x, file=sys.stderr)  # HERE
    return x


def range_of_tensor_outside_for(x):
    steps = range(ops.cast(x.sum(), autograph.int64))  # HERE
    return x


def numpy_call_missing_an_argument(x):
    return np.dot(x)  # HERE


def list_operand(x):
    return np.dot(x, [1.0, 2.0, 3.0])  # HERE


def shape_from_a_tensor(x):
    return ops.ones(x.sum())  # HERE


def index_with_a_string(x):
    return x['a']  # HERE


def array_mixing_tensors_and_numbers(x):
    return np.array([x.sum(), 1.0])  # HERE


def keywords_from_a_tensor(x):
    return ops.sum(**x)  # HERE


def calls_none(x):
    handler = None
    return handler(x)  # HERE


def prints_a_list_of_tensors(x):
    print([x, x * 2])  # HERE
    return x


def axis_from_a_tensor(x):
    return x.sum(axis=ops.argmax(x))  # HERE


class Case:
    def __init__(self, fn, words, arg=vec, where=None):
        self.fn = fn                        # what is compiled
        self.where = where or fn            # the function holding the `# HERE` line
        self.words = words                  # the message names the construct with these
        self.arg = arg

    def __repr__(self):
        return self.where.__qualname__


CASES = [
    Case(endless_compile_time_while, ['while loop', 'without ending', 'reads nothing the loop changes']),
    Case(try_except, ['try/except']),
    Case(with_block, ['with block']),
    Case(global_statement, ['global']),
    Case(import_inside, ['import']),
    Case(attribute_assignment, ['assigning to an attribute']),
    Case(model, ['assigning to an attribute'], where=SettingNet.construct),
    Case(boolean_mask_indexing, ['boolean mask', 'ops.where']),
    Case(undefined_name, ['not_defined_anywhere', 'not defined']),
    Case(calls_open, ['open', 'not supported']),
    Case(calls_method_of_library_object, ['method', 'not supported']),
    Case(comprehension, ['generator expression']),
    Case(and_on_tensors, ['truth value', 'ambiguous']),
    Case(or_on_tensors, ['truth value', 'ambiguous']),
    Case(not_on_tensor, ['truth value', 'ambiguous']),
    Case(matmul_mismatch, ['matmul', '(5,)', '(4, 3)'], arg=lambda: vec(5)),
    Case(reshape_mismatch, ['reshape', '(5,)', '(4, 4)'], arg=lambda: vec(5)),
    Case(broadcast_mismatch, ['(5,)', '(3,)', 'broadcast'], arg=lambda: vec(5)),
    Case(calls_bad_helper, ['boolean mask'], where=helper_with_bad_line),
    Case(trainable_params_inside, ['trainable_params', 'not supported']),
    Case(creates_a_cell_from_tensor_values, ['creating a Dense from Tensor values', 'create it outside']),
    Case(grows_a_list_in_a_runtime_loop, ['cannot change a Python list']),
    # calls the compiler cannot make
    Case(numpy_fft, ['np.fft.fft', 'not supported', 'FFT']),
    Case(numpy_svd, ['np.linalg.svd', 'np.linalg.solve']),
    Case(numpy_random_draw, ['np.random.normal', 'while compiling', 'ops.normal']),
    Case(int_of_tensor, ['int() of a Tensor', 'when the code runs', 'ops.cast']),
    Case(float_of_tensor, ['float() of a Tensor', 'ops.cast']),
    Case(bool_of_tensor, ['bool() of a Tensor', 'ops.where']),
    Case(item_of_tensor, ["'item'", 'keep it a Tensor']),
    Case(asnumpy_of_tensor, ["'asnumpy'", 'use it directly']),
    Case(size_of_tensor, ["'size'", 'np.size(x)']),
    Case(missing_tensor_attribute, ['a Tensor', "no attribute 'foo'"]),
    Case(str_of_tensor, ['str() of a Tensor', 'print']),
    Case(fstring_with_tensor, ['f-string', 'print']),
    Case(percent_format_of_tensor, ['formatting a Tensor', 'print']),
    Case(str_format_of_tensor, ['str.format()', 'print']),
    Case(assert_message_with_tensor, ['assert message', 'print']),
    Case(sorted_tensor, ['sorted()', 'sort']),
    Case(max_of_two_tensors, ['max()', 'ops.maximum']),
    Case(sum_of_tensor, ['sum() of a Tensor', 'x.sum(0)']),
    Case(calls_a_tensor, ['Tensor is not callable']),
    Case(len_of_0d_tensor, ['len() of a 0-d Tensor', 'x.shape']),
    Case(math_of_tensor, ['math.exp()', 'ops.exp(x)']),
    Case(numpy_vectorize, ['np.vectorize', 'array operations']),
    Case(ufunc_method, ['np.maximum.reduce', 'axis']),
    Case(print_to_a_file, ['print(file=...)', 'standard output']),
    Case(range_of_tensor_outside_for, ['range()', 'for loop']),
    Case(numpy_call_missing_an_argument, ['np.dot()', "'b'"]),
    Case(list_operand, ['list', 'array operand']),
    Case(shape_from_a_tensor, ['shape', 'Python ints']),
    Case(index_with_a_string, ['index', 'str']),
    Case(array_mixing_tensors_and_numbers, ['np.array()', 'ops.stack']),
    Case(keywords_from_a_tensor, ['**', 'dict']),
    Case(calls_none, ['None is not callable']),
    Case(prints_a_list_of_tensors, ['print() of a list', 'argument of its own']),
    Case(axis_from_a_tensor, ['axis must be', 'not a Tensor']),
]
if scipy is not None:
    CASES.append(Case(scipy_expit, ['scipy.special.expit', 'ops.sigmoid']))

# Names of the compiler's own making that no message may show (nor a private function's name).
INTERNAL = re.compile(r"\bValue\b|\bAval\b|_ArrayFunctionDispatcher|_cast_rule|_or_method|"
                      r"frontend|lower\.py|\bFrame\b|Lowering|LocalFunction|kernel|runtime_print|"
                      r"object of type type|(?<![\w.])_[a-z]\w*\(")

TRANSFORMS = {'jit': autograph.jit, 'grad': autograph.grad, 'value_and_grad': autograph.value_and_grad}


@pytest.mark.parametrize('transform', TRANSFORMS.values(), ids=TRANSFORMS.keys())
@pytest.mark.parametrize('case', CASES, ids=repr)
def test_refused_construct_points_at_its_line(case, transform):
    err = compile_error(lambda: transform(case.fn)(case.arg()))
    assert_points_at(err, line_of(case.where))
    for word in case.words:
        assert word in err.message, f'{word!r} not in {err.message!r}'


@pytest.mark.parametrize('transform', TRANSFORMS.values(), ids=TRANSFORMS.keys())
@pytest.mark.parametrize('case', CASES, ids=repr)
def test_message_names_no_internals(case, transform):
    err = compile_error(lambda: transform(case.fn)(case.arg()))
    shown = str(err).replace(__file__, 'FILE')      # (this file's own path holds 'frontend')
    assert not INTERNAL.search(shown), shown


@pytest.mark.parametrize('case', CASES, ids=repr)
def test_rendered_message_shows_file_line_text_and_caret(case):
    err = compile_error(lambda: autograph.jit(case.fn)(case.arg()))
    lineno = line_of(case.where)
    text = str(err)
    assert f'File "{__file__}", line {lineno}' in text
    assert err.message in text
    shown = text.splitlines()
    assert source_line(lineno).strip() in [s.strip() for s in shown]
    carets = [s for s in shown if s.strip() == '^']
    assert len(carets) == 1


def test_caret_points_at_the_offending_call_inside_a_line():
    err = compile_error(lambda: autograph.jit(calls_method_of_library_object)(vec()))
    shown = str(err).splitlines()
    code_line = next(i for i, s in enumerate(shown) if 'rng.normal(size=3)' in s)
    assert shown[code_line + 1].index('^') == shown[code_line].index('rng.normal')


def test_shape_error_under_grad_of_an_inner_call_points_at_the_user_line():
    def loss(x):
        return ops.matmul(x, ops.ones((4, 3), autograph.float64)).sum()  # HERE
    err = compile_error(lambda: autograph.grad(loss)(vec(5)))
    assert_points_at(err, line_of(loss))
    assert '(5,)' in err.message and '(4, 3)' in err.message


def test_unsupported_method_is_named():
    err = compile_error(lambda: autograph.jit(calls_method_of_library_object)(vec()))
    assert 'normal' in err.message


def calls_numpy_creation(x):
    return x + np.polyval([1.0, 2.0], x)  # HERE


def test_numpy_function_without_a_primitive_points_at_the_user_line():
    err = compile_error(lambda: autograph.jit(calls_numpy_creation)(vec()))
    assert_points_at(err, line_of(calls_numpy_creation))
    assert 'polyval' in err.message


# ---------------------------------------------------------------- functions without source
double_lambda = lambda v: v * 2  # noqa: E731


def test_a_lambda_compiles():
    np.testing.assert_allclose(autograph.jit(double_lambda)(vec()).asnumpy(), vec().asnumpy() * 2)


def test_a_lambda_without_source_is_refused_saying_where_it_was_made():
    made_by_eval = eval('lambda x: x * 2')
    err = compile_error(lambda: autograph.jit(made_by_eval)(vec()))
    assert 'cannot read the source of this lambda' in err.message and '<string>' in str(err)
    assert 'define it in a .py file' in err.message


def _defined_by_exec():
    namespace = {}
    exec('def made_by_exec(x):\n    return x * 2\n', {}, namespace)
    return namespace['made_by_exec']


made_by_exec = _defined_by_exec()


def calls_exec_function(x):
    return made_by_exec(x)  # HERE


def assert_cannot_read_source(err):
    assert 'cannot read the source' in err.message
    assert 'made_by_exec' in err.message
    assert '.py file' in err.message     # the suggestion: define it in a file


def test_function_without_source_is_refused():
    err = compile_error(lambda: autograph.jit(made_by_exec)(vec()))
    assert_cannot_read_source(err)


def test_call_of_a_function_without_source_points_at_the_call():
    err = compile_error(lambda: autograph.grad(calls_exec_function)(vec()))
    assert_cannot_read_source(err)
    assert_points_at(err, line_of(calls_exec_function))


# ---------------------------------------------------------------- errors at run time
def log_of(x):
    y = ops.log(x)  # HERE
    return y.sum()


@pytest.mark.parametrize('transform', [autograph.jit, autograph.grad,
                                       lambda f: autograph.jit(autograph.grad(f))],
                         ids=['jit', 'grad', 'jit_of_grad'])
def test_run_time_error_names_the_user_line(transform):
    compiled = transform(log_of)
    x = Tensor(np.array([0.0, 1.0]))
    with np.errstate(divide='raise'):
        with pytest.raises(FloatingPointError) as info:
            compiled(x)
    message = str(info.value)
    assert 'divide by zero' in message
    assert f'File "{__file__}", line {line_of(log_of)}' in message
    assert 'y = ops.log(x)' in message


def test_the_same_call_without_the_error_state_runs():
    with np.errstate(divide='ignore'):
        out = autograph.jit(log_of)(Tensor(np.array([0.0, 1.0])))
    assert out.asnumpy() == -np.inf


# ---------------------------------------------------------------- calls that compile instead
# Where a call on a Tensor has one clear meaning it is compiled, not refused.

class Doubler:
    def __call__(self, v):
        return v * 2


def scale(v, factor):
    return v * factor


doubler = Doubler()
triple = functools.partial(scale, factor=3.0)


def converts(x):
    a = np.asarray(x) + np.array(x, np.float64) + np.copy(x) + np.float64(x)
    return a + np.array([x, x]).sum(0) + np.asarray(x, dtype=np.float64) + np.asarray(x, np.float64)


def unpacks_rows(x):
    first, second, third = x
    head, *tail = x
    rows = list(x) + list(tuple(x))
    pairs = list(zip(x, reversed(x)))
    return first * second + third + ops.stack(rows).sum() + ops.add(*x[:2]) + pairs[0][1] + tail[1] * head


def python_builtins(x):
    q, r = divmod(x, 2.0)
    return abs(-x) + round(x * 1.26, 1) + pow(x, 2) + q + r + (1.0 if callable(x) else 0.0)


def static_facts(x):
    assert type(x) is Tensor and np.shape(x) == (3,), f"x has shape {x.shape}, not {(3,)}"
    return x * (np.ndim(x) + np.size(x) + math.log(math.e) + getattr(x, 'shape')[0])


def calls_functions_through_builtins(x):
    doubled = list(map(lambda v: v * 2, [x, x + 1]))
    picked = list(filter(lambda v: v is not None, [x, None]))
    largest = max([x * 1, x * 3], key=lambda v: v.shape[0])
    return doubled[1] + picked[0] + largest + doubler(x) + triple(x)


SUPPORTED = {
    converts: lambda a: 5 * a + 2 * a + a,
    unpacks_rows: lambda a: a[0] * a[1] + a[2] + 2 * a.sum() + a[0] + a[1] + a[2] + a[2] * a[0],
    python_builtins: lambda a: a + np.round(a * 1.26, 1) + a ** 2 + a // 2 + a % 2,
    static_facts: lambda a: a * 8,
    calls_functions_through_builtins: lambda a: 2 * (a + 1) + a + a + 2 * a + 3 * a,
}


@pytest.mark.parametrize('fn', SUPPORTED, ids=lambda fn: fn.__name__)
def test_calls_with_one_meaning_on_tensors_compile(fn):
    x = Tensor(np.array([1.1, 2.3, 3.7]))    # away from the steps of round and //
    np.testing.assert_allclose(autograph.jit(fn)(x).asnumpy(), SUPPORTED[fn](x.asnumpy()))

    def total(v):
        return fn(v).sum()
    autograph.check_grad(total, x)      # the gradient, against central differences


# ---------------------------------------------------------------- outside compiled code
@pytest.mark.parametrize('convert', [int, float])
def test_python_number_of_a_tensor_with_many_elements_says_what_converts(convert):
    with pytest.raises(TypeError, match=r"of a Tensor of shape \[3\]: only a 0-d Tensor"):
        convert(vec())
    assert convert(Tensor(np.array(2.0))) == 2


def test_truth_value_of_a_tensor_with_many_elements_suggests_what_exists():
    with pytest.raises(ValueError, match=r"shape \[3\] is ambiguous.*\(x != 0\).sum\(\) > 0"):
        bool(vec())
