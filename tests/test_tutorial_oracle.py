"""The autodiff tutorial against what MindSpore 2.10 printed (tests/reference/seed_oracle.json):
every combination of grad/value_and_grad, positions, weights, has_aux, return_ids and jit, with
its return structure and values (float32, rtol 1e-5), and the errors MindSpore raises."""
import json
import pathlib

import numpy as np
import pytest

import autograph
from autograph import Tensor, ops
from tests.tutorial import (b, forward_fn, forward_fn_aux, function, function_3out, function_stop_gradient,
                            function_with_logits, model, w, x, y)

# A copy of MindSpore's output ships with the tests, so a clone runs them without MindSpore.
ORACLE_PATH = pathlib.Path(__file__).resolve().parent / 'reference' / 'seed_oracle.json'
ORACLE = json.loads(ORACLE_PATH.read_text())

params = model.trainable_params()
jit_value_and_grad = autograph.value_and_grad(forward_fn, None, weights=params)


@autograph.jit
def jit_cell_value_and_grad(x, y):
    return jit_value_and_grad(x, y)


@autograph.jit
def jit_trainable_params_inside(x, y):
    return autograph.value_and_grad(forward_fn, None, weights=model.trainable_params())(x, y)


G, VG = autograph.grad, autograph.value_and_grad
CASES = {
    'loss': lambda: function(x, y, w, b),
    'z': lambda: ops.matmul(x, w) + b,
    'jit_loss': lambda: autograph.jit(function)(x, y, w, b),
    'grad_function_pos23': lambda: G(function, (2, 3))(x, y, w, b),
    'grad_function_with_logits_pos23_noaux': lambda: G(function_with_logits, (2, 3))(x, y, w, b),
    'grad_function_with_logits_pos23_has_aux':
        lambda: G(function_with_logits, (2, 3), has_aux=True)(x, y, w, b),
    'grad_function_stop_gradient_pos23': lambda: G(function_stop_gradient, (2, 3))(x, y, w, b),
    'grad_function_3out_pos23_noaux': lambda: G(function_3out, (2, 3))(x, y, w, b),
    'grad_function_3out_pos23_has_aux': lambda: G(function_3out, (2, 3), has_aux=True)(x, y, w, b),
    'value_and_grad_function_pos23': lambda: VG(function, (2, 3))(x, y, w, b),
    'value_and_grad_function_with_logits_pos23_has_aux':
        lambda: VG(function_with_logits, (2, 3), has_aux=True)(x, y, w, b),
    'value_and_grad_function_with_logits_pos23_noaux':
        lambda: VG(function_with_logits, (2, 3))(x, y, w, b),
    'value_and_grad_function_3out_pos23_noaux': lambda: VG(function_3out, (2, 3))(x, y, w, b),
    'grad_function_pos_int0': lambda: G(function, 0)(x, y, w, b),
    'grad_function_pos_int2': lambda: G(function, 2)(x, y, w, b),
    'grad_function_pos_tuple_single_2': lambda: G(function, (2,))(x, y, w, b),
    'grad_function_default_position': lambda: G(function)(x, y, w, b),
    'value_and_grad_function_pos_int2': lambda: VG(function, 2)(x, y, w, b),
    'grad_function_pos_None_no_weights': lambda: G(function, None)(x, y, w, b),
    'grad_function_pos_out_of_range_5': lambda: G(function, (5,))(x, y, w, b),
    'grad_function_pos23_and_weights_wb': lambda: G(function, (2, 3), weights=(w, b))(x, y, w, b),
    'cell_value_and_grad_None_weights': lambda: VG(forward_fn, None, weights=params)(x, y),
    'cell_grad_None_weights': lambda: G(forward_fn, None, weights=params)(x, y),
    'cell_grad_pos0_and_weights': lambda: G(forward_fn, 0, weights=params)(x, y),
    'cell_grad_pos01_and_weights': lambda: G(forward_fn, (0, 1), weights=params)(x, y),
    'cell_value_and_grad_pos0_and_weights': lambda: VG(forward_fn, 0, weights=params)(x, y),
    'cell_value_and_grad_None_weights_has_aux':
        lambda: VG(forward_fn_aux, None, weights=params, has_aux=True)(x, y),
    'cell_grad_weights_return_ids': lambda: G(forward_fn, 0, weights=params, return_ids=True)(x, y),
    'jit_grad_of_jit_function_pos23': lambda: G(autograph.jit(function), (2, 3))(x, y, w, b),
    'jit_of_grad_pos23': lambda: autograph.jit(G(function, (2, 3)))(x, y, w, b),
    'jit_of_grad_with_logits_has_aux':
        lambda: autograph.jit(G(function_with_logits, (2, 3), has_aux=True))(x, y, w, b),
    'jit_cell_value_and_grad_None_weights': lambda: jit_cell_value_and_grad(x, y),
    'jit_cell_value_and_grad_trainable_params_inside_jit': lambda: jit_trainable_params_inside(x, y),
}


def structure(result):
    """The oracle's notation: tuple(Tensor(shape=(3,), dtype=Float32), int(0), str('w'))."""
    if isinstance(result, tuple):
        inner = ', '.join(structure(r) for r in result)
        return f'tuple({inner},)' if len(result) == 1 else f'tuple({inner})'
    if isinstance(result, Tensor):
        return f'Tensor(shape={result.shape}, dtype={result.dtype})'
    return f'{type(result).__name__}({result!r})'


def assert_values_close(result, expected):
    if isinstance(result, tuple):
        assert len(result) == len(expected)
        for r, e in zip(result, expected):
            assert_values_close(r, e)
    elif isinstance(result, Tensor):
        np.testing.assert_allclose(result.asnumpy(), np.array(expected, np.float32), rtol=1e-5, atol=1e-6)
    else:
        assert result == expected


def test_every_oracle_case_is_covered():
    recorded = {k for k, v in ORACLE.items() if isinstance(v, dict) and ('structure' in v or 'error' in v)}
    assert recorded - set(CASES) == set()


@pytest.mark.parametrize('key', [k for k in CASES if k in ORACLE and 'structure' in ORACLE[k]])
def test_values_and_structure(key):
    result = CASES[key]()
    assert structure(result) == ORACLE[key]['structure']
    assert_values_close(result, ORACLE[key]['values'])


# What our message must share with MindSpore's (ours adds the user's file, line and a caret).
ERROR_TEXT = {
    'grad_function_pos_None_no_weights': "`grad_position` and `weight` can not be None at the same time.",
    'grad_function_pos_out_of_range_5': "Position index 5 is exceed input size.",
    'jit_cell_value_and_grad_trainable_params_inside_jit':
        "'autograph.nn.cell.Cell.trainable_params' is not supported in 'construct' or function with @jit "
        "decorator. Try to use the method or function 'autograph.nn.cell.Cell.trainable_params' externally "
        "such as initialized in the method '__init__' before assigning.",
}


@pytest.mark.parametrize('key', [k for k in CASES if k in ORACLE and 'error' in ORACLE[k]])
def test_errors(key):
    kind = ORACLE[key]['error'].split(':')[0]
    with pytest.raises(Exception) as info:
        CASES[key]()
    assert kind in [c.__name__ for c in type(info.value).__mro__]
    assert ERROR_TEXT[key] in str(info.value)


def test_compile_error_points_at_the_call():
    with pytest.raises(autograph.CompileError) as info:
        jit_trainable_params_inside(x, y)
    assert info.value.loc.filename == __file__
    assert info.value.loc.lineno == jit_trainable_params_inside.fn.__code__.co_firstlineno + 2
    assert 'model.trainable_params()' in str(info.value)


def test_display_forms():
    shown = ORACLE['display']
    loss = function(x, y, w, b)
    z = ops.matmul(x, w) + b
    assert repr(loss) == shown['repr_loss_scalar']
    assert str(loss) == shown['str_loss_scalar']
    assert repr(w) == shown['repr_w_parameter'] and str(w) == shown['str_w_parameter']
    assert repr(x) == shown['repr_ones_5']
    assert repr(Tensor(np.array([0, 1, 2]), autograph.int32)) == shown['repr_int_tensor']
    assert repr(Tensor(np.array([1.5, 2.0]))) == shown['repr_float64_tensor']
    assert repr(Tensor(ORACLE['inputs']['w_float32'], autograph.float32)) == shown['repr_matrix_tensor']
    grads = G(function, (2, 3))(x, y, w, b)
    # MindSpore's last digits differ from NumPy's float32 summation order; compare the layout.
    assert repr(grads).count('\n') == shown['repr_grads_tuple'].count('\n')
    assert repr(grads)[:40] == shown['repr_grads_tuple'][:40]
    np.testing.assert_allclose(z.asnumpy(), ORACLE['z']['values'], rtol=1e-5)


def test_cell_parameters_and_repr():
    assert [f'Parameter(name={p.name}, shape={p.shape}, dtype={p.dtype})' for p in params] \
        == ORACLE['cell_trainable_params']
    assert repr(model) == ORACLE['cell_repr']


def test_inputs_match_the_seeded_weights():
    np.testing.assert_array_equal(w.asnumpy(), np.array(ORACLE['inputs']['w_float32'], np.float32))
    np.testing.assert_array_equal(b.asnumpy(), np.array(ORACLE['inputs']['b_float32'], np.float32))
