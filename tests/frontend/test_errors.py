"""Refused constructs and where their errors point.

Every construct the compiler does not support raises `autograph.CompileError` (a RuntimeError)
located at the user's offending line: `.loc` names this file and the exact line, and the rendered
message shows 'File "...", line N', the line itself and a caret. Each offending line below is
marked with a `# HERE` comment, and the tests find its number from the source, so editing this
file never breaks them. Errors raised while compiled code runs name the user's line too.
"""
import inspect

import numpy as np
import pytest

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
    positive = x[x > 0]  # HERE
    return positive


def undefined_name(x):
    return x + not_defined_anywhere  # HERE  # noqa: F821



def calls_open(x):
    open('data.txt')  # HERE
    return x


def calls_method_of_library_object(x):
    return x + rng.normal(size=3)  # HERE



def comprehension(x):
    return ops.sum(x * x for _ in range(2))  # HERE


def return_in_runtime_loop(x):
    total = x.sum()
    for scale in (1.0, 2.0):   # unrolled: the run-time loop in it is not at the top level
        for j in range(ops.sum(x > 1)):  # HERE
            if total > 3:
                return total
            total = total * scale
    return total


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
    return v[v > 0]  # HERE


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


def creates_a_cell_inside(x):
    return nn.Dense(3, 3)(x)  # HERE


class Case:
    def __init__(self, fn, words, arg=vec, where=None):
        self.fn = fn                        # what is compiled
        self.where = where or fn            # the function holding the `# HERE` line
        self.words = words                  # the message names the construct with these
        self.arg = arg

    def __repr__(self):
        return self.where.__qualname__


CASES = [
    Case(endless_compile_time_while, ['while loop', 'does not end']),
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
    Case(return_in_runtime_loop, ['return', 'top level']),
    Case(and_on_tensors, ['truth value', 'ambiguous']),
    Case(or_on_tensors, ['truth value', 'ambiguous']),
    Case(not_on_tensor, ['truth value', 'ambiguous']),
    Case(matmul_mismatch, ['matmul', '(5,)', '(4, 3)'], arg=lambda: vec(5)),
    Case(reshape_mismatch, ['reshape', '(5,)', '(4, 4)'], arg=lambda: vec(5)),
    Case(broadcast_mismatch, ['(5,)', '(3,)', 'broadcast'], arg=lambda: vec(5)),
    Case(calls_bad_helper, ['boolean mask'], where=helper_with_bad_line),
    Case(trainable_params_inside, ['trainable_params', 'not supported']),
    Case(creates_a_cell_inside, ['creating a Dense', 'create it outside']),
    Case(grows_a_list_in_a_runtime_loop, ['cannot change a Python list']),
]

TRANSFORMS = {'jit': autograph.jit, 'grad': autograph.grad, 'value_and_grad': autograph.value_and_grad}


@pytest.mark.parametrize('transform', TRANSFORMS.values(), ids=TRANSFORMS.keys())
@pytest.mark.parametrize('case', CASES, ids=repr)
def test_refused_construct_points_at_its_line(case, transform):
    err = compile_error(lambda: transform(case.fn)(case.arg()))
    assert_points_at(err, line_of(case.where))
    for word in case.words:
        assert word in err.message, f'{word!r} not in {err.message!r}'


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
double_lambda = lambda v: v * 2  # HERE  # noqa: E731
DOUBLE_LAMBDA_LINE = double_lambda.__code__.co_firstlineno


def test_lambda_passed_to_jit_is_refused_naming_its_file_and_line():
    err = compile_error(lambda: autograph.jit(double_lambda)(vec()))
    assert 'lambda' in err.message
    assert __file__ in str(err) and f'line {DOUBLE_LAMBDA_LINE}' in str(err)
    assert 'def' in err.message          # the hint: write it as a def


def test_lambda_passed_to_jit_has_a_location():
    err = compile_error(lambda: autograph.jit(double_lambda)(vec()))
    assert_points_at(err, DOUBLE_LAMBDA_LINE)


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
