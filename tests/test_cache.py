"""Bounded caches: an LRU of call signatures per compiled function, cache_clear/cache_info,
generated modules freed with their function (or when dropped from the cache), and the log's
reason worked out only when the log is on."""
import gc
import linecache
import logging
import tracemalloc
import weakref

import numpy as np
import pytest

import autograph
from autograph import Tensor, ops
from autograph import cache as cache_module


def affine(x):
    return ops.sum(x * 2.0 + 1.0)


def test_the_cache_keeps_the_most_recently_used_signatures():
    f = autograph.jit(affine, cache_size=4)
    for n in range(1, 8):
        f(np.ones(n))
    info = f.cache_info()
    assert (info.entries, info.misses, info.evictions, info.size) == (4, 7, 3, 4)
    assert info.signatures == ['x: float64[4]', 'x: float64[5]', 'x: float64[6]', 'x: float64[7]']
    f(np.ones(4))                      # a hit makes it the most recent
    f(np.ones(1))                      # dropped before: compiled again, dropping x[5]
    info = f.cache_info()
    assert info.hits == 1 and info.misses == 8
    assert info.signatures == ['x: float64[6]', 'x: float64[7]', 'x: float64[4]', 'x: float64[1]']
    assert float(f(np.ones(3))) == 9.0


def test_the_default_size_is_64_and_configurable():
    assert autograph.jit(affine).cache_size == 64
    try:
        autograph.set_cache_size(3)
        f = autograph.grad(affine)
        assert f.cache_size == 3
    finally:
        autograph.set_cache_size(64)
    f.cache_size = 2
    for n in range(1, 5):
        f(np.ones(n))
    assert f.cache_info().entries == 2
    for bad in (0, -1, 2.5, True, '8'):
        with pytest.raises(ValueError, match='positive int'):
            f.cache_size = bad


def test_cache_clear_on_every_compiled_object():
    for compiled in (autograph.jit(affine), autograph.grad(affine), autograph.value_and_grad(affine),
                     autograph.jvp_function(affine)):
        args = (np.ones(3),) * (2 if isinstance(compiled, autograph.transforms.JvpFunction) else 1)
        compiled(*args)
        assert compiled.cache_info().entries == 1
        compiled.cache_clear()
        assert compiled.cache_info().entries == 0
        compiled(*args)
        assert compiled.cache_info().misses == 2


def _generated(compiled):
    fn = compiled.last.fn
    return weakref.ref(fn), fn.__code__.co_filename


def test_generated_modules_go_with_their_function():
    def local(x):
        return ops.sum(ops.exp(x))
    compiled = autograph.jit(local)
    compiled(np.ones(3))
    ref, filename = _generated(compiled)
    assert filename in linecache.cache
    del compiled, local
    gc.collect()
    assert ref() is None
    assert filename not in linecache.cache


def test_generated_modules_go_when_dropped_from_the_cache():
    compiled = autograph.jit(affine, cache_size=1)
    compiled(np.ones(2))
    ref, filename = _generated(compiled)
    compiled(np.ones(3))
    compiled.last = None
    gc.collect()
    assert ref() is None and filename not in linecache.cache


def test_a_jvp_function_goes_with_its_function():
    def local(x):
        return ops.sin(x)
    fn_ref = weakref.ref(local)
    out, tangent = autograph.jvp(local, Tensor(np.ones(2)), Tensor(np.ones(2)))
    np.testing.assert_allclose(tangent.asnumpy(), np.cos(np.ones(2)))
    del local
    gc.collect()
    assert fn_ref() is None


def test_memory_stays_bounded_over_many_signatures():
    compiled = autograph.jit(affine, cache_size=8)
    tracemalloc.start()
    try:
        for n in range(1, 151):
            compiled(np.ones(n))
        gc.collect()
        early, _ = tracemalloc.get_traced_memory()
        for n in range(151, 451):
            compiled(np.ones(n))
        gc.collect()
        late, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert compiled.cache_info().entries == 8
    assert late - early < 1_000_000, f'grew by {late - early} bytes over 300 more signatures'


def test_the_reason_is_worked_out_only_when_the_log_is_on(monkeypatch, caplog):
    calls = []
    real_reason = cache_module.reason
    monkeypatch.setattr(cache_module, 'reason', lambda *a: calls.append(a) or real_reason(*a))
    compiled = autograph.jit(affine)
    logging.getLogger('autograph').setLevel(logging.WARNING)
    compiled(np.ones(2))
    compiled(np.ones(3))
    assert calls == []
    with caplog.at_level(logging.INFO, logger='autograph'):
        compiled(np.ones(4))
    assert len(calls) == 1
    assert 'x.shape changed from (3,) to (4,)' in caplog.records[-1].getMessage()


def test_an_unknown_log_level_in_the_environment_warns_and_import_carries_on():
    import subprocess
    import sys
    result = subprocess.run([sys.executable, '-c', 'import autograph; print("imported")'],
                            env={'AUTOGRAPH_LOG': 'loud', 'PATH': ''}, capture_output=True, text=True)
    assert result.returncode == 0 and 'imported' in result.stdout
    assert "log level must be one of" in result.stderr and 'logging stays off' in result.stderr


def test_a_name_with_line_breaks_cannot_forge_a_log_line(caplog):
    def f(x):
        return ops.sum(x)
    f.__name__ = 'f\nautograph: FORGED\u2028line'
    with caplog.at_level(logging.INFO, logger='autograph'):
        autograph.jit(f)(np.ones(2))
    (message,) = [r.getMessage() for r in caplog.records]
    assert '\n' not in message and '\u2028' not in message and 'f\\nautograph: FORGED\\u2028line' in message
