"""Programs the fuzzer found wrong, minimised: each compiled against plain Python on Tensors, and
its gradient against central differences (tests/numerics.py), at inputs that take the branch
or exit in question. The comment above each says what went wrong before the fix."""
import numpy as np
import pytest

import autograph
from autograph import Parameter, Tensor, float64, ops
from tests.numerics import central_difference_at

A = np.array([[1.0, -2.0], [3.0, 4.0]])
B = np.array([[1.0, 2.0], [-3.0, 4.0]])
V = np.array([0.3, -0.7])
M34 = np.array([[0.5, -0.2, 0.9, 0.1], [-0.4, 0.8, 0.3, -0.6], [0.2, 0.1, -0.7, 0.4]])


# An update broadcast into the accumulator: `dv * row + index_add(d, [:, None])` adds a (3,)
# gradient to every row of a (3, 3) one, and in-place accumulation wrote it as
# `index_add_to(acc, d, [:, None])`, which addressed acc[:, None] (a crash).
def broadcast_index_add(x):
    v = ops.sum(x, axis=0)[:, None] * x
    return v[0, -1]


# A non-scalar `return` under an if inside a run-time loop: the returned value started as the
# number 0.0 and was never widened to the return's shape ('#value@5:4' is float64 of shape (4,)
# in one branch and float64 of shape () in the other).
def returns_a_row(x):
    for row in x:
        head = x[0] * 2.0
        if ops.sum(row) > 0.5:
            return head + row
    return x[-1]


# The same with a tuple: '#value@...' holds a tuple in one branch and a Tensor in the other.
def returns_a_tuple(x, y):
    for row in x:
        if ops.sum(row) > 0.5:
            return row * 2.0, y[0]
    return y[1], x[0]


# A return from the inner of two run-time loops: the outer loop's `if #returned: return` was
# lost when the inner loop's first lowering was redone, and the function fell through (wrong
# value).
def returns_from_inner_loop(x, y):
    for row in x:
        for col in y:
            if ops.sum(col) > 0:
                return col * row
    return x[0]


# A tuple rebound in a branch of an if on a Tensor: 'the truth value of a Tensor is known only
# when the code runs' (the branches' tuples were compared with ==).
def swaps_a_tuple(x, y):
    pair = (x, y)
    if ops.sum(x) > 0:
        pair = (y * 2.0, x)
    return ops.sum(pair[0] * pair[1])


# A number that grows into a Tensor inside a branch of a run-time loop: 'total' is float64 of
# shape (2,) in one branch and float64 of shape () in the other.
def sums_positive_rows(x):
    total = 0.0
    for row in x:
        if ops.sum(row) > 0:
            total = total + row * row
    return total


# A dict or list changed in a branch of an if on a Tensor: the change was made whichever way
# the condition went (wrong values).
def updates_dict_in_branch(x, y):
    d = {'a': x, 'b': y}
    if ops.sum(x) > 100.0:
        d['a'] = y * 3.0
    return d['a'] * d['b']


def updates_list_in_branch(x, y):
    items = [x, y]
    if ops.sum(x) < 100.0:
        items[1] = x * y
    else:
        items[0] = y
    return items[0] + items[1]


# Any dict in scope of a run-time loop: 'a loop over run-time values cannot change a Python list
# or dict' (a dict's items are new tuples each time, and they were compared by identity).
def dict_beside_a_loop(x, y):
    d = {'a': x[0]}
    for row in x:
        y = y + row * d['a']
    return y


# A dict updated in a run-time loop: 'd' holds a dict and changes in a loop over run-time values.
def updates_dict_in_loop(x):
    d = {'a': x[0], 'b': x[1]}
    for row in x:
        if ops.sum(row) > 0:
            d['a'] = d['a'] * row
        d['b'] = d['b'] + row
    return d['a'] + d['b']


# A name first assigned after an exit, or in the branch that does not exit: 'name v may be
# undefined here: it is assigned in only one branch of the if' (the exits' flags guard what
# follows them, and the guard's other branch did not define it).
def defines_after_continue(x, y):
    for row in x:
        if ops.sum(row) > -100.0:
            if ops.sum(row) < 0:
                continue
            scaled = row * 2.0
        else:
            scaled = row
        y = y + scaled
    return y


def defines_in_branch_that_stays(x, y):
    for row in x:
        if ops.sum(row) > 100.0:
            return row
        else:
            kept = row * y
        y = y + kept
    return y


# A name assigned after an if whose branches all leave (dead code, never lowered), in a branch
# of a bigger if: 'name v may be undefined here' after the bigger if.
def defines_after_dead_code(x, y):
    for row in x:
        if ops.sum(row) > 100.0:
            v = row
        elif ops.sum(row) > 50.0:
            if ops.sum(row) > 75.0:
                break
            else:
                return row
            v = row * 2.0
        else:
            v = row * 3.0
        y = y + v
    return y


# Every branch leaves the iteration, one under a condition known when compiling: what follows
# is dead code, reading a name no path defines ('name v is not defined').
def reads_after_all_branches_leave(x, y):
    for row in x:
        if ops.sum(row) > -100.0:
            if x.shape[0] > 1:
                continue
            v = row * 2.0
        else:
            return row
        y = y + v
    return y * 2.0


# A run-time loop whose only return sits under a condition known at compile time to be false:
# its returned value stayed the number 0.0 ('returned value 0' is float64 of shape () in one
# branch and float64 of shape (2, 2) in the other).
def return_never_compiled(x):
    k = ops.sum(x) * 0.0
    while k < 2.0:
        k = k + 1.0
        x = x * 0.5 + 0.25
        if x.shape[0] > 3:
            return x[0]
    return x * x


# A list made in an iteration and grown after an exit: the growing sits in the exit's guard, a
# branch of an if; merging containers changed in branches must not refuse it ('items' holds a
# list of 3 in one branch and a list of 2 in the other).
def appends_after_break(x, y):
    for row in x:
        items = [row, y]
        if ops.sum(row) > 5.0:
            break
        items.append(row * 2.0)
        y = y + items[-1] * items[0]
    return y


# break, continue and return under a Tensor condition in loops the compiler unrolls (over a
# tuple, a list, dict items): 'break/continue inside an if on Tensor values is not supported
# yet', the fuzzer's most common refusal. Now the unrolled iterations carry the exit flags.
def breaks_out_of_tuple_loop(x):
    for s in (0.5, 1.5, 2.5):
        x = x * s
        if ops.sum(x) > 3.0:
            break
    return x


def continues_in_list_loop(x):
    y = x
    for w in [x, x * 2.0, x * 3.0]:
        if ops.sum(w * w) > 5.0:
            continue
        y = y + w * w
    else:
        y = y * 0.5
    return y


def returns_from_tuple_loop(x):
    for s in (0.5, 1.5, 2.5):
        if ops.sum(x * s) > 3.0:
            return x * s, x[0] * s
    return x, x[1]


def returns_from_loop_in_tuple_loop(x):
    total = x * 1.0
    for s in (1.0, 2.0):
        for row in x:
            if ops.sum(total) > 3.0:
                return total * row
            total = total * s + row
    return total


# A loop whose return is never compiled, inside a loop unrolled with exit flags: the inner
# loop's flags made a new constant False, and `if returned:` after the outer loop no longer
# knew it false ('the branches of the if return different structures').
def dead_return_in_nested_loops(x, z):
    for c in (0.7, 1.3):
        for i in range(3):
            if z.shape[0] > 5:
                return z[0, -4], x[0] + 1.0
            if ops.amax(x * c) > 0.5:
                break
    return z[0, 0] * 0.25 + x[0], x[1]


# A list grown after a loop that may return, in the compiled function itself: the rest of the
# function joins the branch where the loop did not return, and the list differs between the
# branches; nothing sees it after the function returns ('l' holds a list of 2 in one branch of
# the if and a list of 1 in the other). And each branch starts from the list as it was.
def grows_a_list_after_a_returning_loop(x):
    items = [x]
    for row in x:
        if ops.sum(row) > 100.0:
            return row * items[-1][0]
    items.append(x * 2.0)
    return (items[-1] + items[0])[1]


def grows_a_list_in_a_returning_branch(x):
    items = [x]
    if ops.sum(x) > 0:
        items.append(x * 2.0)
        return items[-1]
    return items[-1] * 3.0


# A global Tensor first read in both branches of an if became two inputs, merged by the if; in
# a function whose if returns, the other branch then read the merged one, which only the first
# branch defines ('G_2' not associated with a value, when the generated code ran).
G = Tensor(np.array([[0.1, 0.2], [0.4, 0.5]]))


def reads_a_global_in_branches(x):
    if ops.sum(x) > 0.1:
        if ops.sum(x) > 0.2:
            x = x * G[0]
        else:
            x = x * G[1]
    elif ops.sum(x) > 100.0:
        return x
    return x + G[0]


# A container an inlined function changes in one branch of an if that returns: the change was
# made whichever way it went (NameError when the generated code ran).
def sets_in_a_returning_branch(d, x):
    if ops.sum(x) > 0:
        d['a'] = x * 2.0
        return x
    return x * 3.0


def calls_a_returning_setter(x):
    d = {'a': x}
    y = sets_in_a_returning_branch(d, x)
    return y + d['a']


# ---------------------------------------------------------------- code generation's
# The optimised IR of these was right (tests/fuzz/ireval.py evaluates it to Python's values) and
# the generated code was not: fixed in autograph/codegen/emit.py (_coalesced/_clobbers).

# A loop nested in another iterates over a variable it rebinds: the inner loop's initial value
# shares the variable its carried value is written to, and the body reads the new value where
# Python reads the one the loop started with.
def iterates_what_it_rebinds(x):
    for _ in range(2):
        for row in x:
            x = x * row
    return x


# A returned value's cotangent: the adjoint writes `dvalue = 0` before `drow = dvalue` reads it.
def returns_under_nested_if(x, y):
    for row in x:
        if ops.sum(row) > 50.0:
            if ops.sum(row) > 75.0:
                break
            else:
                return row
        y = y + row
    return y


# KeyError in _clobbers: a loop's initial value defined by a multi-result op outside the branch
# the loop sits in.
def loop_after_returning_loop(x, z):
    w = x
    for row in x:
        w = x * 2.0
        x = w + 1.0
        return x[0]
    for row in z:
        x = w
    return x[1]


# A value defined before a loop initialises a loop nested in it: the nested loop's carried value
# shared that value's variable and overwrote it, so the next iteration of the outer loop started
# from the overwritten value (wrong values).
def restarts_from_an_outer_value(x):
    z = x * 0.0
    for i in range(3):
        acc = z
        k = ops.sum(x)
        while k < 100.0:
            acc = acc + 1.0
            k = k + 50.0
        x = x + acc
    return x


# A loop-carried value whose next value is another carried value's current one (`prev = x`
# then `x = step(x)`): the generated body wrote `x` first and then copied the new `x` into
# `prev` (wrong values; the IR was right).
def keeps_the_previous_value(x):
    prev = x
    for i in range(3):
        prev = x
        x = x * 0.5 + 1.0
    return x - prev


def shifts_two_values(x):
    v = x
    for i in range(1):
        x = v
        v = v + 2.0
    return x * v



# Seed 41067: a branch's result took its yielded product's variable (`dx1 = dx1 * s`), and
# then the loop after the branch joined that result to the carried gradient, whose old value
# the branch still read (`dt = dx1 * x1`, after dx1 changed). Joins made inside the branch
# earlier are now checked again when its result joins a variable.
def scales_what_it_iterates(x0, x1):
    for r0 in x1[:, 1:3]:
        for r1 in r0:
            x0 *= x0
            if x1[1][2]:
                pass
        if x0[1][1]:
            x1 *= ops.sigmoid(x0.T)
    return x1[0][1]



# Seed 50536: a nested branch freed the name of a value it alone used (getitem_1), the outer if's
# result then took that name, and the outer branch freed it again when it ended, though the
# result still held it: a later value took it too and the adjoint read the wrong array (a crash;
# elsewhere wrong gradients). A freed name is now never one a living value holds.
def reuses_a_freed_name(x0):
    k0 = ops.sum(x0)
    for c0 in (0.16, 1.63):
        for r1 in ops.outer(x0, x0[1]):
            if not r1[0]:
                return ops.sigmoid(ops.cos(x0[0, 1]) / (1.5 + (x0[0][3] - r1[3]) * (x0[0][3] - r1[3])))
    v18 = x0.T
    return (ops.ones((2,), float64) * k0 - ops.ones((2,), float64) * k0) @ (x0[::2] @ v18[:, 0])



# Seed 71901 (wrong since before issue 14's work): a loop in one branch of an if started from a
# sum made before the if (dx0 + dv0). Its variable was taken to be free, as the emitter placed
# the sum at the loop's statement inside the branch, where nothing read dx0 after it; the other
# branch read dx0 and got the sum. A value from an enclosing block now never shares a variable
# from inside a branch.
def returns_from_a_run_time_loop_in_a_branch(x0, n):
    v0 = ops.outer(x0[:, -2], ops.matmul(ops.ones((2, 3), float64), ops.ones(3, float64)))
    j0 = 0
    while j0 < 2:
        j0 += 1
        if v0[3][1] > 1.39:
            v0 = x0
            for i0 in range(n):
                return (x0[0][1], x0)
        else:
            x0 = x0 * x0
    return (x0[2][0] + v0[1, 1], ops.matmul(-1.36 - v0, v0[::2] / (1.5 + v0[:2] * v0[:2])) * 0.5 - 1)


CODEGEN = {
    'keeps_the_previous_value': (keeps_the_previous_value, [V], (0,)),
    'shifts_two_values': (shifts_two_values, [V], (0,)),
    'restarts_from_an_outer_value': (restarts_from_an_outer_value, [V], (0,)),
    'iterates_what_it_rebinds': (iterates_what_it_rebinds, [A * 0.5], (0,)),
    'returns_under_nested_if': (returns_under_nested_if, [np.array([[1.0, 2.0], [30.0, 30.0]]), V], (0, 1)),
    'loop_after_returning_loop': (loop_after_returning_loop, [np.eye(3) * 0.5, np.ones((2, 3))], (0,)),
    'reuses_a_freed_name': (reuses_a_freed_name, [np.array([[0.75, 0.38, -0.53, 0.33], [0.6, -1.04, -0.27, 0.55],
                                                             [0.06, 1.2, -0.42, -0.91]])], (0,)),
    'returns_from_a_run_time_loop_in_a_branch': (
        returns_from_a_run_time_loop_in_a_branch,
        [np.array([[-0.52, 0.6], [0.82, 0.5], [0.21, -0.26], [0.14, -0.75]]), np.array(1)], (0,)),
    'scales_what_it_iterates': (scales_what_it_iterates, [np.array([[0.56, -0.47], [-0.3, -0.67], [-0.55, -0.36], [0.2, -0.36]]),
                                                          np.array([[-0.05, -0.5, -0.82, 0.07], [-0.63, -0.79, 0.79, 0.32]])], (0, 1)),
}


CASES = {
    'broadcast_index_add': (broadcast_index_add, [M34[:, :3]], (0,)),
    'returns_a_row': (returns_a_row, [M34], (0,)),
    'returns_a_row_falls_through': (returns_a_row, [-M34], (0,)),
    'returns_a_tuple': (returns_a_tuple, [A, B], (0, 1)),
    'returns_a_tuple_falls_through': (returns_a_tuple, [-A, B], (0, 1)),
    'returns_from_inner_loop': (returns_from_inner_loop, [A, B], (0, 1)),
    'returns_from_inner_loop_later': (returns_from_inner_loop, [A, -B[::-1]], (0, 1)),
    'swaps_a_tuple': (swaps_a_tuple, [V, V[::-1] * 2.0], (0, 1)),
    'swaps_a_tuple_keeps': (swaps_a_tuple, [-V[::-1], V], (0, 1)),
    'sums_positive_rows': (sums_positive_rows, [A], (0,)),
    'updates_dict_in_branch': (updates_dict_in_branch, [V, V * 3.0], (0, 1)),
    'updates_list_in_branch': (updates_list_in_branch, [V, V * 3.0], (0, 1)),
    'dict_beside_a_loop': (dict_beside_a_loop, [A, V], (0, 1)),
    'updates_dict_in_loop': (updates_dict_in_loop, [A], (0,)),
    'defines_after_continue': (defines_after_continue, [B, V], (0, 1)),
    'defines_in_branch_that_stays': (defines_in_branch_that_stays, [A, V], (0, 1)),
    'return_never_compiled': (return_never_compiled, [A], (0,)),
    'defines_after_dead_code': (defines_after_dead_code, [A, V], (0, 1)),
    'defines_after_dead_code_breaks': (defines_after_dead_code, [np.array([[1.0, 2.0], [40.0, 45.0]]), V], (0, 1)),
    'reads_after_all_branches_leave': (reads_after_all_branches_leave, [A, V], (0, 1)),
    'appends_after_break': (appends_after_break, [A, V], (0, 1)),
    'appends_after_break_never': (appends_after_break, [B, V], (0, 1)),
    'breaks_out_of_tuple_loop': (breaks_out_of_tuple_loop, [V + 1.0], (0,)),
    'breaks_out_of_tuple_loop_never': (breaks_out_of_tuple_loop, [V], (0,)),
    'continues_in_list_loop': (continues_in_list_loop, [V + 1.0], (0,)),
    'continues_in_list_loop_never': (continues_in_list_loop, [V * 0.1], (0,)),
    'returns_from_tuple_loop': (returns_from_tuple_loop, [np.array([1.0, 1.5])], (0,)),
    'returns_from_tuple_loop_late': (returns_from_tuple_loop, [np.array([0.5, 0.9])], (0,)),
    'returns_from_tuple_loop_never': (returns_from_tuple_loop, [V], (0,)),
    'returns_from_loop_in_tuple_loop': (returns_from_loop_in_tuple_loop, [np.array([[0.5, 0.2], [0.3, 0.4]])], (0,)),
    'returns_from_loop_in_tuple_loop_never': (returns_from_loop_in_tuple_loop, [-A], (0,)),
    'dead_return_in_nested_loops': (dead_return_in_nested_loops, [np.array([0.3, 0.9]), np.ones((3, 4))], (0, 1)),
    'grows_a_list_after_a_returning_loop': (grows_a_list_after_a_returning_loop, [A], (0,)),
    'grows_a_list_after_a_returning_loop_returns': (grows_a_list_after_a_returning_loop, [A * 50.0], (0,)),
    'grows_a_list_in_a_returning_branch': (grows_a_list_in_a_returning_branch, [V + 1.0], (0,)),
    'grows_a_list_in_a_returning_branch_else': (grows_a_list_in_a_returning_branch, [V - 1.0], (0,)),
    'reads_a_global_in_branches': (reads_a_global_in_branches, [np.array([1.0, 2.0])], (0,)),
    'reads_a_global_in_branches_else': (reads_a_global_in_branches, [np.array([-1.0, -2.0])], (0,)),
    'calls_a_returning_setter': (calls_a_returning_setter, [np.array([1.0, 2.0])], (0,)),
    'calls_a_returning_setter_else': (calls_a_returning_setter, [np.array([-1.0, -2.0])], (0,)),
}


def eager(fn, args):
    out = fn(*[Tensor(a) for a in args])
    return [np.asarray(o.asnumpy()) for o in (out if isinstance(out, tuple) else (out,))]


ALL = {**CASES, **CODEGEN}
NAMES = sorted(ALL)


@pytest.mark.parametrize('name', NAMES)
def test_compiled_equals_python(name):
    fn, args, _ = ALL[name]
    got = autograph.jit(fn)(*[Tensor(a) for a in args])
    got = got if isinstance(got, tuple) else (got,)
    want = eager(fn, args)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.asnumpy(), w, rtol=1e-12)


@pytest.mark.parametrize('name', NAMES)
def test_gradient_equals_finite_differences(name):
    fn, args, positions = ALL[name]
    grads = autograph.grad(fn, positions)(*[Tensor(a) for a in args])
    grads = grads if len(positions) > 1 else (grads,)
    total = lambda *xs: float(sum(np.sum(o) for o in eager(fn, xs)))  # noqa: E731
    for g, want in zip(grads, central_difference_at(total, args, positions)):
        np.testing.assert_allclose(g.asnumpy(), want, rtol=1e-6, atol=1e-8)


def test_float64_is_what_the_fuzzer_uses():
    assert ops.zeros((2,), float64).dtype == float64


# A Parameter assigned in a branch of an if that returns, in an inlined function: the other
# branch read the assigned value ('assign_1' not associated with a value, when it ran).
P = Parameter(Tensor(np.array([1.0, 2.0])), name='p')


def assigns_and_returns(x):
    if ops.sum(x) > 0:
        ops.assign(P, P * 2.0)
        return x * P
    return x + P


def calls_assigns_and_returns(x):
    return assigns_and_returns(x) + P


@pytest.mark.parametrize('x, want, after', [([-1.0, -2.0], [1.0, 2.0], [1.0, 2.0]),
                                            ([1.0, 2.0], [4.0, 12.0], [2.0, 4.0])])
def test_parameter_assigned_in_a_returning_branch(x, want, after):
    P.set_data(Tensor(np.array([1.0, 2.0])))
    got = autograph.jit(calls_assigns_and_returns)(Tensor(np.array(x)))
    np.testing.assert_allclose(got.asnumpy(), want)
    np.testing.assert_allclose(P.asnumpy(), after)
