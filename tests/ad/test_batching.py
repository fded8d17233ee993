"""The batching transform (autograph.ad.batching), registry-wide: for every primitive with a
batching rule and each of its samples, the graph applying it is batched as an IR transform,
optimised, generated as source and run, and must equal a Python loop over the examples running
the kernel one example at a time. Each sample is batched in front, at the back, and with each
operand shared in turn (the layouts of tests/runtime/test_primitives.py, which checks the rules
eagerly).

Primitives whose kernel writes into its first operand (`consumes_first`: index_add_to) are left
out: only the in-place pass makes them, on arrays the code owns, after every transformation."""
import numpy as np
import pytest

from runtime.primitive import REGISTRY, Aval
from autograph.ad.batching import batch_graph
from autograph.codegen import generate, load
from autograph.errors import CompileError
from autograph.ir import Builder, Graph, Value, verify
from autograph.passes import optimize
from tests.runtime.test_primitives import BATCH, BATCHING, _layouts, _perturbed


def graph_of(prim, inputs, params):
    """The graph `f(*operands) = prim(*operands, **params)` over operands like `inputs`."""
    values = [Value(Aval(np.shape(x), np.asarray(x).dtype), f'x{k}') for k, x in enumerate(inputs)]
    builder = Builder()
    with builder.active():
        out = prim.bind(*values, **params)
    return Graph(prim.name, values, builder.ops, out)


def run(graph, args):
    verify(graph)
    fn = load(generate(optimize(graph)))
    return fn(*args)


@pytest.mark.parametrize('name,sample,layout', [case for case in BATCHING
                                                if not REGISTRY[case[0]].consumes_first])
def test_batched_graph_matches_a_loop_over_the_examples(name, sample, layout):
    prim = REGISTRY[name]
    inputs, params = prim.samples[sample]
    dims = dict(_layouts(inputs))[layout]
    rng = np.random.default_rng(sample)
    examples = [[x if d is None else _perturbed(x, b, rng) for x, d in zip(inputs, dims)] for b in range(BATCH)]
    args = [np.asarray(x) if d is None else np.stack([e[k] for e in examples], d)
            for k, (x, d) in enumerate(zip(inputs, dims))]
    expected = np.stack([np.asarray(prim.kernel(*[np.array(x) for x in e], **params)) for e in examples])
    batched = batch_graph(graph_of(prim, inputs, params), dims, BATCH)
    got = np.asarray(run(batched, [a.copy() for a in args]))
    assert got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_an_op_on_shared_operands_only_is_copied_not_batched():
    prim = REGISTRY['exp']
    graph = graph_of(prim, [np.ones(3)], {})
    batched = batch_graph(graph, [None], 4)
    assert [op.prim.name for op in batched.ops] == ['exp', 'reshape', 'broadcast_to']
    np.testing.assert_allclose(run(batched, [np.zeros(3)]), np.ones((4, 3)))


def test_a_primitive_without_a_rule_is_refused_by_name():
    from runtime.primitive import Primitive
    lonely = Primitive('lonely', np.negative, lambda x: Aval(x.shape, x.dtype), vjp=None, jvp=None,
                       batch='a test primitive without one', samples=[((np.ones(2),), {})])
    graph = graph_of(lonely, [np.ones(2)], {})
    with pytest.raises(CompileError, match='lonely has no batching rule: a test primitive without one'):
        batch_graph(graph, [0], 3)
