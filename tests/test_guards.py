"""No stale results: every Python value a compilation read as a constant is guarded, and a
changed one recompiles (with the failed guard as the logged reason). One test per kind of change;
each compares the compiled result with plain Python after the change."""
import logging
import types

import numpy as np
import autograph
from autograph import Parameter, Tensor, nn, ops

X = np.array([1.0, 2.0, 3.0])

FACTORS = (1.0, 2.0)
SIZES = [1.0, 2.0]
CONFIG = {'scale': 2.0, 'shift': [0.5]}
FLAGS = {'double'}
WEIGHT = Tensor(np.array([1.0, 1.0, 1.0]))
LIMIT = 3


def helper(x):
    return x * 2.0


def uses_tuple(x):
    return ops.sum(x * FACTORS[0] + FACTORS[1])


def uses_list(x):
    total = x * 0.0
    for s in SIZES:
        total = total + x * s
    return ops.sum(total)


def uses_dict(x):
    return ops.sum(x * CONFIG['scale'] + CONFIG['shift'][0])


def uses_set(x):
    return ops.sum(x * (2.0 if 'double' in FLAGS else 1.0))


def uses_helper(x):
    return ops.sum(helper(x))


def uses_tensor(x):
    return ops.sum(x * WEIGHT)


def uses_getattr(x):
    return ops.sum(x * getattr(SETTINGS, 'gain'))


def uses_default(x, scale=2.0):
    return ops.sum(x * scale)


def uses_while(x):
    i = 0
    while i < LIMIT:
        x = x * 1.5
        i += 1
    return ops.sum(x)


SETTINGS = types.SimpleNamespace(gain=2.0)


class Scaled(nn.Cell):
    offset = 1.0            # a class attribute

    def __init__(self):
        super().__init__()
        self.scale = 2.0
        self.powers = [1.0, 2.0]

    def construct(self, x):
        total = x * 0.0
        for p in self.powers:
            total = total + x ** p
        return ops.sum(total * self.scale + self.offset)

    def describe(self):
        return 'cell'


def check(fn, *args, change, undo=None, expect_reason=None, caplog=None):
    """Compile, change something, and check the compiled result follows plain Python."""
    compiled = autograph.jit(fn)
    before = float(compiled(*args))
    np.testing.assert_allclose(before, float(fn(*[Tensor(a) if isinstance(a, np.ndarray) else a for a in args])))
    try:
        with caplog.at_level(logging.INFO, logger='autograph') if caplog else _nothing():
            change()
            after = float(compiled(*args))
        want = float(fn(*[Tensor(a) if isinstance(a, np.ndarray) else a for a in args]))
        assert after != before, 'the change must change the result'
        np.testing.assert_allclose(after, want)
        assert compiled.cache_info().misses == 2
        assert float(compiled(*args)) == after and compiled.cache_info().misses == 2   # then cached again
    finally:
        if undo:
            undo()
    if expect_reason:
        assert any(expect_reason in r.getMessage() for r in caplog.records), \
            [r.getMessage() for r in caplog.records]


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_rebinding_a_tuple_global(caplog):
    def change():
        global FACTORS
        FACTORS = (3.0, 2.0)

    def undo():
        global FACTORS
        FACTORS = (1.0, 2.0)
    check(uses_tuple, X, change=change, undo=undo, caplog=caplog,
          expect_reason='global FACTORS changed from (1.0, 2.0) to (3.0, 2.0)')


def test_mutating_a_list_global_in_place(caplog):
    check(uses_list, X, change=lambda: SIZES.append(3.0), undo=lambda: SIZES.pop(), caplog=caplog,
          expect_reason='global SIZES changed its contents')


def test_mutating_a_nested_value_of_a_dict_global():
    check(uses_dict, X, change=lambda: CONFIG['shift'].__setitem__(0, 1.5),
          undo=lambda: CONFIG['shift'].__setitem__(0, 0.5))


def test_mutating_a_dict_global():
    check(uses_dict, X, change=lambda: CONFIG.__setitem__('scale', 5.0), undo=lambda: CONFIG.__setitem__('scale', 2.0))


def test_mutating_a_set_global():
    check(uses_set, X, change=lambda: FLAGS.discard('double'), undo=lambda: FLAGS.add('double'))


def test_redefining_a_helper_function(caplog):
    original = helper

    def change():
        global helper

        def helper(x):                      # noqa: F811 -- redefined, as a user would
            return x * 3.0

    def undo():
        global helper
        helper = original
    check(uses_helper, X, change=change, undo=undo, caplog=caplog, expect_reason='global helper changed')


def test_changing_a_helpers_code_or_defaults():
    def scaled(x, k=2.0):
        return x * k

    def f(x):
        return ops.sum(scaled(x))
    original = scaled.__defaults__
    check(f, X, change=lambda: setattr(scaled, '__defaults__', (5.0,)),
          undo=lambda: setattr(scaled, '__defaults__', original))


def test_changing_the_compiled_functions_own_defaults():
    check(uses_default, X, change=lambda: setattr(uses_default, '__defaults__', (4.0,)),
          undo=lambda: setattr(uses_default, '__defaults__', (2.0,)))


def test_rebinding_a_closure_variable(caplog):
    k = 2.0

    def f(x):
        return ops.sum(x * k)

    def change():
        nonlocal k
        k = 5.0
    check(f, X, change=change, caplog=caplog, expect_reason='closure variable k changed from 2.0 to 5.0')


def test_rebinding_a_global_tensor():
    def change():
        global WEIGHT
        WEIGHT = Tensor(np.array([2.0, 2.0, 2.0]))

    def undo():
        global WEIGHT
        WEIGHT = Tensor(np.array([1.0, 1.0, 1.0]))
    check(uses_tensor, X, change=change, undo=undo)


def test_changing_a_cell_attribute(caplog):
    net = Scaled()
    check(net, X, change=lambda: setattr(net, 'scale', 3.0), caplog=caplog,
          expect_reason='Scaled.scale changed from 2.0 to 3.0')


def test_mutating_a_list_held_by_a_cell():
    net = Scaled()
    check(net, X, change=lambda: net.powers.append(3.0))


def test_changing_a_class_attribute():
    net = Scaled()
    check(net, X, change=lambda: setattr(Scaled, 'offset', 4.0), undo=lambda: setattr(Scaled, 'offset', 1.0))


def test_replacing_construct_on_the_class():
    net = Scaled()
    original = Scaled.construct

    def construct(self, x):
        return ops.sum(x * 10.0)
    check(net, X, change=lambda: setattr(Scaled, 'construct', construct),
          undo=lambda: setattr(Scaled, 'construct', original))


def test_changing_an_attribute_read_by_getattr():
    check(uses_getattr, X, change=lambda: setattr(SETTINGS, 'gain', 7.0), undo=lambda: setattr(SETTINGS, 'gain', 2.0))


def test_changing_a_user_module_attribute(tmp_path, monkeypatch):
    (tmp_path / 'user_config.py').write_text('GAIN = 2.0\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    import user_config

    def f(x):
        return ops.sum(x * user_config.GAIN)
    check(f, X, change=lambda: setattr(user_config, 'GAIN', 6.0))


def test_changing_a_compile_time_loop_bound():
    def change():
        global LIMIT
        LIMIT = 5

    def undo():
        global LIMIT
        LIMIT = 3
    check(uses_while, X, change=change, undo=undo)


def test_a_builtin_hidden_by_a_new_global():
    fn = _module_function('def f(x):\n    return ops.sum(x) * abs(-2.0)\n', 'builtin_hidden')
    check(fn, X, change=lambda: setattr(_module_of(fn), 'abs', _five),
          undo=lambda: delattr(_module_of(fn), 'abs'))


def test_a_built_in_cells_flag_and_sub_cell():
    net = nn.SequentialCell(nn.Dense(3, 2), nn.Dropout(p=0.5))
    f = autograph.jit(net)
    x = Tensor(np.ones((1, 3)))
    np.testing.assert_allclose(f(x).asnumpy(), net(x).asnumpy())
    net[0].weight = Parameter(Tensor(np.full((2, 3), 0.5)), name='w2')
    np.testing.assert_allclose(f(x).asnumpy(), net(x).asnumpy())
    assert f.cache_info().misses == 2


def test_nothing_changed_means_no_recompile_and_cheap_checks():
    net = Scaled()
    f = autograph.jit(net)
    for _ in range(5):
        f(X)
    other = Scaled()          # assigning to another Cell bumps the version: a recheck, no recompile
    other.scale = 9.0
    f(X)
    assert f.cache_info().misses == 1 and f.cache_info().hits == 5


def _five(value):
    return 5.0


def _module_function(source, name):
    import importlib.util
    import pathlib
    import tempfile
    path = pathlib.Path(tempfile.mkdtemp()) / f'{name}.py'
    path.write_text('from autograph import ops\n' + source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    import sys
    sys.modules[name] = module
    return module.f


def _module_of(fn):
    import sys
    return sys.modules[fn.__module__]


def test_a_nan_constant_holds_and_a_changed_type_does_not():
    from autograph.guards import holds, snapshot
    assert holds(snapshot(float('nan')), float('nan'))
    assert not holds(snapshot(float('nan')), 1.0)
    assert not holds(snapshot(1), 1.0) and not holds(snapshot(True), 1)


def test_switching_between_train_and_eval_compiles_each_mode_once():
    net = nn.SequentialCell(nn.Dense(3, 4), nn.Dropout(p=0.5), nn.Dense(4, 1))
    step = autograph.jit(net)
    x = Tensor(np.ones((2, 3)))
    np.random.seed(0)
    for epoch in range(3):
        net.set_train(True)
        assert step(x).shape == (2, 1)
        net.set_train(False)
        np.testing.assert_allclose(step(x).asnumpy(), net(x).asnumpy())
    info = step.cache_info()
    assert (info.misses, info.hits, info.entries) == (2, 4, 1)


def test_a_variant_whose_guards_fail_is_not_used_again():
    net = Scaled()
    f = autograph.jit(net)
    results = {}
    for scale in (2.0, 3.0, 2.0, 3.0, 5.0):
        net.scale = scale
        results[scale] = float(f(X))
        assert results[scale] == float(net(Tensor(X)))
    assert f.cache_info().misses == 3
