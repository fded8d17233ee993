"""Random programs (tests/fuzz/programs.py), each compiled and differentiated by autograph and
checked against plain Python on Tensors and central differences (tests/fuzz/check.py).

A few hundred programs run by default (the same ones every time: derandomize); set
AUTOGRAPH_FUZZ=10000 to run ten thousand. Two tests draw them:
- `test_random_programs`: programs of random seeds (those of `python -m tests.fuzz.run`), as
  varied as the generator makes them. A failure prints the program, its arguments and its seed;
  `python -m tests.fuzz.reduce SEED` shrinks it.
- `test_shrinking_programs`: programs whose every choice hypothesis makes (st.randoms), smaller
  on the whole, and a failure shrinks by itself to a small program, printed with the report.
A refusal is fine only as a CompileError placed in the generated file. A failure's report says
when its cause is code generation (the optimised IR, evaluated op by op, is right). `python -m
tests.fuzz.run N` runs N programs without stopping at the first failure and prints a summary.
"""
import random
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from tests.fuzz.check import check
from tests.fuzz.programs import Program, generate

PROGRAMS = int(os.environ.get('AUTOGRAPH_FUZZ', '200'))


@pytest.fixture(scope='module')
def directory(tmp_path_factory):
    return tmp_path_factory.mktemp('fuzz')


def report(program, outcome):
    culprit = ' in code generation: the optimised IR is right' if outcome.culprit else ''
    return (f'{outcome.status} ({outcome.stage}){culprit}\n--- program\n{program.source}--- arguments\n'
            f'{program.args!r}\n--- positions {program.positions}\n--- details\n{outcome.detail}')


def run_one(program, directory):
    note(program.source)
    outcome = check(program, directory)
    event(outcome.status if outcome.status != 'refused' else outcome.key)
    assert not outcome.failed, report(program, outcome)


@settings(max_examples=PROGRAMS, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 2 ** 32 - 1))
def test_random_programs(directory, seed):
    note(f'seed {seed}: python -m tests.fuzz.run --show {seed}; python -m tests.fuzz.reduce {seed}')
    run_one(generate(random.Random(seed)), directory)


@settings(max_examples=max(50, PROGRAMS // 4), deadline=None, derandomize=True, database=None,
          print_blob=True, suppress_health_check=list(HealthCheck))
@given(rng=st.randoms(use_true_random=False))
def test_shrinking_programs(directory, rng):
    run_one(generate(rng), directory)


# ---------------------------------------------------------------- the oracle itself
HEADER = 'import numpy as np\nimport autograph\nfrom autograph import Tensor, float64, ops\n\n\n'

WRONG_RULE = HEADER + '''@autograph.custom_vjp
def g(x):
    return ops.sin(x)


def g_fwd(x):
    return g(x), x


def g_bwd(x, dy):
    return (dy * 2.0,)


g.defvjp(g_fwd, g_bwd)


def f(x0):
    return ops.sum(g(x0))
'''

BRANCH = HEADER + '''def f(x0):
    if ops.sum(x0) > 0.3:
        return ops.sum(x0 * 2.0)
    return ops.sum(x0 * 3.0)
'''

REFUSED = HEADER + '''def f(x0):
    try:
        y = x0 * 2.0
    except ValueError:
        y = x0
    return y
'''


def test_a_wrong_gradient_is_found(directory):
    outcome = check(Program(WRONG_RULE, [np.array([0.1, 0.2])], (0,), ((),)), directory)
    assert outcome.status == 'wrong_gradient', outcome


def test_a_branch_flipping_within_the_steps_is_skipped(directory):
    near = np.array([0.1, 0.2 + 2e-6])
    assert check(Program(BRANCH, [near], (0,), ((),)), directory).status == 'skipped_kink'
    assert check(Program(BRANCH, [near + 0.1], (0,), ((),)), directory).status == 'ok'


def test_a_located_refusal_is_not_a_failure(directory):
    outcome = check(Program(REFUSED, [np.array([0.1, 0.2])], (0,), ((2,),)), directory)
    assert outcome.status == 'refused' and not outcome.failed
    assert 'jit: try' in outcome.key and 'line 7' in outcome.detail
