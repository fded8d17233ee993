"""The simplifier reads what each primitive declares (identity elements, idempotence, named
rewrites), not lists of names: a primitive declared here, outside the registry, is simplified by
its facts alone."""
import numpy as np

import autograph
from autograph import Tensor, ops
from autograph.ir import Builder, Graph, Value
from autograph.passes import simplify
from runtime.primitive import Aval, Primitive
from runtime.primitives.batching import elementwise_batch
from runtime.primitives.elementwise import pointwise

x3 = Tensor(np.array([0.5, -1.0, 2.0]))


def compiled_ops(fn, *args):
    fn(*args)
    return [op.prim.name for op in fn.last.graph.ops]


def test_idempotent_primitives_applied_twice_are_applied_once():
    def f(x):
        return ops.relu(ops.relu(x)) + ops.abs(ops.abs(x)) + ops.maximum(x, x)
    names = compiled_ops(autograph.jit(f), x3)
    assert names.count('relu') == 1 and names.count('abs') == 1 and 'maximum' not in names


def test_a_primitive_outside_the_registry_is_simplified_by_what_it_declares():
    """log(exp(x) + exp(-inf)) is x: -inf is the identity of logaddexp."""
    logaddexp = Primitive('logaddexp_unregistered', np.logaddexp, pointwise(np.logaddexp), vjp=None, jvp=None,
                          batch=elementwise_batch, samples=[((np.ones(2), np.ones(2)), {})], identity=-np.inf)
    x = Value(Aval((3,), np.dtype(np.float64)), 'x')
    builder = Builder()
    with builder.active():
        with builder.region() as body:
            left, right = logaddexp.bind(x, -np.inf), logaddexp.bind(-np.inf, x)
    graph = simplify(Graph('f', [x], body, (left, right)))
    assert graph.ops == [] and all(v is x for v in graph.outputs)
