"""Generated source and IR against checked-in golden files (AUTOGRAPH_REGEN_GOLDEN=1 rewrites
them). Every golden module is also imported and run, compared with the compiled function, and
handed back to the compiler: generated code is valid input to autograph."""
import importlib.util
import os
import pathlib

import numpy as np
import pytest

import autograph
from autograph import Tensor
from autograph.ir import verify
from tests.codegen.corpus import CASES

GOLDEN = pathlib.Path(__file__).parent / 'golden'
REGEN = os.environ.get('AUTOGRAPH_REGEN_GOLDEN') == '1'


def check_golden(path, text):
    if REGEN:
        path.write_text(text)
    assert path.exists(), f'{path} is missing; run with AUTOGRAPH_REGEN_GOLDEN=1'
    assert text == path.read_text()


def import_file(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def leaves(tree):
    if isinstance(tree, tuple):
        return [leaf for t in tree for leaf in leaves(t)]
    return [np.asarray(tree)]


def arrays_of(fn, args):
    """The generated function's arguments: array arguments, then the Parameters it reads."""
    entry = fn.last
    return [np.asarray(a) for a in args if isinstance(a, (Tensor, np.ndarray))] + \
        [np.asarray(p) for p in entry.implicit]


@pytest.mark.parametrize('name', sorted(CASES))
def test_generated_source(name):
    fn, args = CASES[name]
    expected = fn(*args)
    check_golden(GOLDEN / f'{name}.py', autograph.get_source(fn))
    check_golden(GOLDEN / f'{name}.ir', autograph.get_ir(fn) + '\n')
    verify(fn.last.graph)

    module = import_file(GOLDEN / f'{name}.py')
    generated = getattr(module, fn.last.generated.name)
    inputs = arrays_of(fn, args)
    for got, want in zip(leaves(generated(*inputs)), leaves(expected)):
        np.testing.assert_array_equal(got, want)

    recompiled = autograph.jit(generated)(*inputs)
    for got, want in zip(leaves(recompiled), leaves(expected)):
        np.testing.assert_allclose(got, want, rtol=1e-6)
