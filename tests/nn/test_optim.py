"""Optimizers (`autograph.nn.optim`) and learning-rate schedules
(`autograph.nn.learning_rate_schedule`).

Each optimizer's updates over several steps are checked, state included, against its published
update equations written out below in NumPy. The same steps run eagerly, through
`autograph.jit(optimizer)` and inside one jitted training step, and must agree bit for bit."""
import math

import numpy as np
import pytest

import autograph
from autograph import Parameter, Tensor, nn, ops
from autograph.nn import learning_rate_schedule as lrs
from autograph.nn import optim

STEPS = 4
W0 = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])
B0 = np.array([0.1, -0.2, 0.3])
GRADS = [(np.random.RandomState(k).randn(2, 3), np.random.RandomState(10 + k).randn(3)) for k in range(STEPS)]


def parameters(dtype=np.float64):
    return [Parameter(Tensor(W0.astype(dtype)), name='w'), Parameter(Tensor(B0.astype(dtype)), name='b')]


def as_tensors(grads, dtype=np.float64):
    return tuple(Tensor(np.asarray(g, dtype)) for g in grads)


def state_of(opt):
    """Every Parameter of the optimizer, by name (moment1.w, global_step, ...)."""
    return {name: p.asnumpy().copy() for name, p in opt.parameters_and_names()}


# ---------------------------------------------------------------- the published equations
def ref_sgd(lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    def step(t, p, g, s):
        g = g + weight_decay * p
        if momentum > 0:
            s['accum'] = g if t == 0 else momentum * s['accum'] + (1 - dampening) * g
            s['stat'] = np.zeros_like(p)
            g = g + momentum * s['accum'] if nesterov else s['accum']
        return p - lr * g
    return step, {'accum': 0.0, 'stat': 1.0}


def ref_momentum(lr, momentum, weight_decay=0.0, use_nesterov=False):
    def step(t, p, g, s):
        g = g + weight_decay * p
        s['moments'] = momentum * s['moments'] + g
        return p - (lr * g + lr * momentum * s['moments'] if use_nesterov else lr * s['moments'])
    return step, {'moments': 0.0}


def ref_adam(lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, use_amsgrad=False, use_nesterov=False):
    """Kingma & Ba's efficient form (MindSpore's ApplyAdam): lr_t = lr sqrt(1-b2^t)/(1-b1^t)."""
    def step(t, p, g, s):
        g = g + weight_decay * p
        s['moment1'] = beta1 * s['moment1'] + (1 - beta1) * g
        s['moment2'] = beta2 * s['moment2'] + (1 - beta2) * g * g
        v = s['moment2']
        if use_amsgrad:
            v = s['vhat'] = np.maximum(s['vhat'], v)
        m = beta1 * s['moment1'] + (1 - beta1) * g if use_nesterov else s['moment1']
        lr_t = lr * math.sqrt(1 - beta2 ** (t + 1)) / (1 - beta1 ** (t + 1))
        return p - lr_t * m / (np.sqrt(v) + eps)
    return step, {'moment1': 0.0, 'moment2': 0.0, 'vhat': 0.0}


def ref_adamw(lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2, use_amsgrad=False):
    """Loshchilov & Hutter: decoupled decay, bias-corrected moments."""
    def step(t, p, g, s):
        p = p - lr * weight_decay * p
        s['moment1'] = beta1 * s['moment1'] + (1 - beta1) * g
        s['moment2'] = beta2 * s['moment2'] + (1 - beta2) * g * g
        m_hat = s['moment1'] / (1 - beta1 ** (t + 1))
        v_hat = s['moment2'] / (1 - beta2 ** (t + 1))
        if use_amsgrad:
            v_hat = s['vhat'] = np.maximum(s['vhat'], v_hat)
        return p - lr * m_hat / (np.sqrt(v_hat) + eps)
    return step, {'moment1': 0.0, 'moment2': 0.0, 'vhat': 0.0}


def ref_adam_weight_decay(lr, beta1=0.9, beta2=0.999, eps=1e-6, weight_decay=0.0):
    def step(t, p, g, s):
        s['adam_m'] = beta1 * s['adam_m'] + (1 - beta1) * g
        s['adam_v'] = beta2 * s['adam_v'] + (1 - beta2) * g * g
        return p - lr * (s['adam_m'] / (np.sqrt(s['adam_v']) + eps) + weight_decay * p)
    return step, {'adam_m': 0.0, 'adam_v': 0.0}


def ref_rmsprop(lr, decay=0.9, momentum=0.0, epsilon=1e-10, centered=False, weight_decay=0.0):
    def step(t, p, g, s):
        g = g + weight_decay * p
        s['mean_square'] = decay * s['mean_square'] + (1 - decay) * g * g
        denominator = s['mean_square'] + epsilon
        if centered:
            s['mean_grad'] = decay * s['mean_grad'] + (1 - decay) * g
            denominator = denominator - s['mean_grad'] ** 2
        s['moment'] = momentum * s['moment'] + lr * g / np.sqrt(denominator)
        return p - s['moment']
    return step, {'mean_square': 1.0, 'moment': 0.0, 'mean_grad': 0.0}


def ref_adagrad(lr, accum=0.1, update_slots=True, weight_decay=0.0):
    def step(t, p, g, s):
        g = g + weight_decay * p
        if update_slots:
            s['accum'] = s['accum'] + g * g
        return p - lr * g / np.sqrt(s['accum'])
    return step, {'accum': accum}


def reference(ref, steps=STEPS):
    """Run a reference on W0, B0 with GRADS: per step, the params and the state by name."""
    step, init = ref
    params = {'w': W0.copy(), 'b': B0.copy()}
    states = {name: {k: np.full_like(p, v) for k, v in init.items()} for name, p in params.items()}
    history = []
    for t in range(steps):
        for name, g in zip(('w', 'b'), GRADS[t]):
            params[name] = step(t, params[name], g, states[name])
        state = {f'{k}.{name}': v.copy() for name, s in states.items() for k, v in s.items()}
        history.append(({k: v.copy() for k, v in params.items()}, state))
    return history


# Learning rates are powers of two (exact in float32, as the `learning_rate` Parameter holds it).
CASES = {
    'SGD': (lambda p: optim.SGD(p, 0.25, weight_decay=0.125), ref_sgd(0.25, weight_decay=0.125)),
    'SGD-momentum': (lambda p: optim.SGD(p, 0.25, momentum=0.9, dampening=0.25),
                     ref_sgd(0.25, momentum=0.9, dampening=0.25)),
    'SGD-nesterov': (lambda p: optim.SGD(p, 0.25, momentum=0.5, weight_decay=0.0625, nesterov=True),
                     ref_sgd(0.25, momentum=0.5, weight_decay=0.0625, nesterov=True)),
    'Momentum': (lambda p: optim.Momentum(p, 0.125, 0.9), ref_momentum(0.125, 0.9)),
    'Momentum-nesterov': (lambda p: optim.Momentum(p, 0.125, 0.8, weight_decay=0.25, use_nesterov=True),
                          ref_momentum(0.125, 0.8, weight_decay=0.25, use_nesterov=True)),
    'Adam': (lambda p: optim.Adam(p, 0.0625), ref_adam(0.0625)),
    'Adam-decay-amsgrad': (lambda p: optim.Adam(p, 0.0625, beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=0.5,
                                                use_amsgrad=True),
                           ref_adam(0.0625, 0.8, 0.99, 1e-6, weight_decay=0.5, use_amsgrad=True)),
    'Adam-nesterov': (lambda p: optim.Adam(p, 0.0625, use_nesterov=True), ref_adam(0.0625, use_nesterov=True)),
    'AdamW': (lambda p: optim.AdamW(p, 0.0625, weight_decay=0.5), ref_adamw(0.0625, weight_decay=0.5)),
    'AdamW-amsgrad': (lambda p: optim.AdamW(p, 0.0625, beta2=0.9, use_amsgrad=True),
                      ref_adamw(0.0625, beta2=0.9, use_amsgrad=True)),
    'AdamWeightDecay': (lambda p: optim.AdamWeightDecay(p, 0.0625, weight_decay=0.25),
                        ref_adam_weight_decay(0.0625, weight_decay=0.25)),
    'RMSProp': (lambda p: optim.RMSProp(p, 0.0625), ref_rmsprop(0.0625)),
    'RMSProp-centered-momentum': (lambda p: optim.RMSProp(p, 0.0625, decay=0.8, momentum=0.5, epsilon=1e-6,
                                                          centered=True, weight_decay=0.125),
                                  ref_rmsprop(0.0625, 0.8, 0.5, 1e-6, centered=True, weight_decay=0.125)),
    'Adagrad': (lambda p: optim.Adagrad(p, accum=0.5, learning_rate=0.25), ref_adagrad(0.25, accum=0.5)),
    'Adagrad-frozen-slots': (lambda p: optim.Adagrad(p, learning_rate=0.25, update_slots=False, weight_decay=0.5),
                             ref_adagrad(0.25, update_slots=False, weight_decay=0.5)),
}


# ---------------------------------------------------------------- updates against the equations
@pytest.mark.parametrize('case', CASES)
def test_updates_and_state_follow_the_published_equations(case):
    make, ref = CASES[case]
    params = parameters()
    opt = make(params)
    for t, (expected_params, expected_state) in enumerate(reference(ref)):
        assert opt(as_tensors(GRADS[t])) is True
        for p in params:
            np.testing.assert_allclose(p.asnumpy(), expected_params[p.name], rtol=1e-6, atol=1e-9)
        state = state_of(opt)
        for name, value in state.items():
            if name in expected_state:
                np.testing.assert_allclose(value, expected_state[name], rtol=1e-6, atol=1e-9, err_msg=name)
        assert state['global_step'].tolist() == [t + 1]
    names = {name.split('.')[0] for name in state if '.' in name}
    assert names and names <= set(ref[1]), names


def test_state_parameters_are_named_as_mindspore_names_them_and_not_trainable():
    net = nn.Dense(3, 2)
    opt = optim.Adam(net.trainable_params(), use_amsgrad=True)
    names = [name for name, _ in opt.parameters_and_names()]
    assert names == ['global_step', 'learning_rate', 'moment1.weight', 'moment1.bias', 'moment2.weight',
                     'moment2.bias', 'vhat.weight', 'vhat.bias', 'beta1_power', 'beta2_power']
    assert opt.trainable_params() == []
    assert opt.moment1[0].shape == (2, 3) and opt.moment1[0].dtype == autograph.float32
    assert [p.name for p in optim.Momentum(net.trainable_params(), 0.1, 0.9).moments] == \
        ['moments.weight', 'moments.bias']
    assert [name for name, _ in optim.RMSProp(net.trainable_params(), centered=True).parameters_and_names()][2:] == \
        ['mean_square.weight', 'mean_square.bias', 'moment.weight', 'moment.bias', 'mean_grad.weight', 'mean_grad.bias']


# ---------------------------------------------------------------- groups and weight decay
def test_groups_set_learning_rate_and_weight_decay_per_parameter():
    w, b = parameters()
    opt = optim.SGD([{'params': [w], 'lr': 0.5, 'weight_decay': 0.25}, {'params': [b]}], learning_rate=0.125)
    gw, gb = GRADS[0]
    opt(as_tensors(GRADS[0]))
    np.testing.assert_allclose(w.asnumpy(), W0 - 0.5 * (gw + 0.25 * W0))
    np.testing.assert_allclose(b.asnumpy(), B0 - 0.125 * gb)
    lrs_now = opt.get_lr()
    assert isinstance(lrs_now, tuple) and [float(lr) for lr in lrs_now] == [0.5, 0.125]
    assert opt.get_lr_parameter(w).name == 'learning_rate_group_0'
    assert [p.name for p in opt.get_lr_parameter([b, w])] == ['learning_rate', 'learning_rate_group_0']


def test_order_params_fixes_the_order_of_the_gradients():
    w, b = parameters()
    opt = optim.Momentum([{'params': [b], 'lr': 0.5}, {'params': [w]}, {'order_params': [w, b]}], 0.25, 0.0)
    assert [p.name for p in opt.parameters] == ['w', 'b']
    opt(as_tensors(GRADS[0]))
    np.testing.assert_allclose(w.asnumpy(), W0 - 0.25 * GRADS[0][0])
    np.testing.assert_allclose(b.asnumpy(), B0 - 0.5 * GRADS[0][1])


def test_ungrouped_weight_decay_skips_beta_and_gamma_except_in_sgd():
    def run(cls, *args):
        gamma = Parameter(Tensor(np.ones(2)), name='norm.gamma')
        weight = Parameter(Tensor(np.ones(2)), name='dense.weight')
        cls([gamma, weight], *args, weight_decay=0.5)((Tensor(np.zeros(2)), Tensor(np.zeros(2))))
        return gamma.asnumpy(), weight.asnumpy()

    gamma, weight = run(optim.Momentum, 0.25, 0.0)
    np.testing.assert_allclose(gamma, [1.0, 1.0])                 # no decay
    np.testing.assert_allclose(weight, [1 - 0.25 * 0.5] * 2)     # p -= lr * wd * p
    gamma, weight = run(optim.SGD, 0.25)                           # SGD's kernel decays every Parameter
    np.testing.assert_allclose(gamma, weight)


def test_parameters_may_come_from_a_generator_and_learning_rate_from_a_parameter():
    net = nn.Dense(3, 2)
    lr = Parameter(Tensor(np.float32(0.5)), name='my_lr')
    opt = optim.Momentum(net.get_parameters(), lr, 0.0, weight_decay=0.25)
    assert [p.name for p in opt.parameters] == ['weight', 'bias'] and opt.weight_decay == 0.25
    assert opt.learning_rate is lr and opt.get_lr_parameter(net.weight) is lr
    grouped = optim.SGD([{'params': (p for p in net.get_parameters()), 'weight_decay': 0.5}])
    assert len(grouped.parameters) == 2 and grouped.weight_decay == (0.5, 0.5)


def test_rmsprop_takes_rho_for_decay():
    a, b = parameters(), parameters()
    optim.RMSProp(a, 0.0625, rho=0.5)(as_tensors(GRADS[0]))
    optim.RMSProp(b, 0.0625, decay=0.5)(as_tensors(GRADS[0]))
    np.testing.assert_array_equal(a[0].asnumpy(), b[0].asnumpy())
    with pytest.raises(TypeError, match="not both"):
        optim.RMSProp(parameters(), decay=0.5, rho=0.5)


def test_loss_scale_divides_the_gradients():
    w, b = parameters()
    optim.SGD([w, b], 0.5, loss_scale=4.0)(as_tensors(GRADS[0]))
    np.testing.assert_allclose(w.asnumpy(), W0 - 0.5 * GRADS[0][0] / 4)


# ---------------------------------------------------------------- learning-rate schedules
def sched(cell, step):
    return float(cell(Tensor(np.array([step], np.int32))).asnumpy()[0])


SCHEDULES = [
    (lrs.ExponentialDecayLR(0.1, 0.9, 4), lambda s: 0.1 * 0.9 ** (s / 4)),
    (lrs.ExponentialDecayLR(0.1, 0.9, 4, is_stair=True), lambda s: 0.1 * 0.9 ** (s // 4)),
    (lrs.InverseDecayLR(0.1, 0.5, 2), lambda s: 0.1 / (1 + 0.5 * s / 2)),
    (lrs.InverseDecayLR(0.1, 0.5, 2, True), lambda s: 0.1 / (1 + 0.5 * (s // 2))),
    (lrs.CosineDecayLR(0.01, 0.1, 4), lambda s: 0.01 + 0.045 * (1 + math.cos(math.pi * min(s, 4) / 4))),
    (lrs.PolynomialDecayLR(0.1, 0.01, 4, 0.5), lambda s: 0.09 * (1 - min(s, 4) / 4) ** 0.5 + 0.01),
    (lrs.PolynomialDecayLR(0.1, 0.01, 4, 2.0, update_decay_steps=True),
     lambda s: 0.09 * (1 - s / (4 * max(math.ceil(s / 4), 1))) ** 2 + 0.01),
    (lrs.WarmUpLR(0.1, 3), lambda s: 0.1 * min(s, 3) / 3),
]


@pytest.mark.parametrize('cell, formula', SCHEDULES, ids=lambda v: type(v).__name__ if isinstance(v, nn.Cell) else '')
def test_schedule_cells_follow_their_formulas(cell, formula):
    for step in range(10):
        assert sched(cell, step) == pytest.approx(formula(step), rel=1e-6)


def test_list_builders_give_mindspore_documented_values():
    assert lrs.piecewise_constant_lr([2, 5, 10], [0.1, 0.05, 0.01]) == [0.1] * 2 + [0.05] * 3 + [0.01] * 5
    np.testing.assert_allclose(lrs.exponential_decay_lr(0.1, 0.9, 6, 2, 1), [0.1, 0.1, 0.09, 0.09, 0.081, 0.081])
    np.testing.assert_allclose(lrs.exponential_decay_lr(0.1, 0.9, 6, 1, 2, is_stair=True),
                               [0.1, 0.1, 0.09, 0.09, 0.081, 0.081])
    np.testing.assert_allclose(lrs.inverse_decay_lr(0.1, 0.5, 6, 1, 1, True),
                               [0.1, 0.1 / 1.5, 0.05, 0.04, 0.1 / 3, 0.1 / 3.5])
    np.testing.assert_allclose(lrs.cosine_decay_lr(0.01, 0.1, 6, 2, 2), [0.1, 0.1, 0.055, 0.055, 0.01, 0.01])
    np.testing.assert_allclose(lrs.polynomial_decay_lr(0.1, 0.01, 6, 2, 2, 0.5),
                               [0.1, 0.1, 0.07363961030678928, 0.07363961030678928, 0.01, 0.01])
    np.testing.assert_allclose(lrs.polynomial_decay_lr(0.1, 0.01, 4, 1, 2, 1.0, update_decay_epoch=True),
                               [0.1, 0.055, 0.01, 0.0325])
    np.testing.assert_allclose(lrs.warmup_lr(0.1, 6, 2, 2), [0.0, 0.0, 0.05, 0.05, 0.1, 0.1])


def lr_used_per_step(make_opt, steps, jit):
    """The learning rate the optimizer applies at each step: SGD with gradient 1 on a zero."""
    p = Parameter(Tensor(np.zeros(1, np.float32)), name='p')
    opt = make_opt([p])
    run = autograph.jit(opt) if jit else opt
    used = []
    for _ in range(steps):
        before = p.asnumpy().copy()
        run((Tensor(np.ones(1, np.float32)),))
        used.append(float((before - p.asnumpy())[0]))
    return used, run


class HalvingLR(lrs.LearningRateSchedule):
    """A user's schedule: called on the step Tensor eagerly and on its symbolic value compiled."""

    def construct(self, global_step):
        return 0.5 * ops.pow(0.5, ops.cast(global_step, autograph.float32))


LR_SOURCES = {
    'list': ([0.5, 0.25, 0.125], [0.5, 0.25, 0.125, 0.125, 0.125]),   # past the end: the last value
    'array': (np.array([0.25, 0.5]), [0.25, 0.5, 0.5, 0.5, 0.5]),
    'tensor': (Tensor(np.array([0.125, 0.0625], np.float32)), [0.125, 0.0625, 0.0625, 0.0625, 0.0625]),
    'builder': (lrs.piecewise_constant_lr([2, 3], [0.5, 0.25]), [0.5, 0.5, 0.25, 0.25, 0.25]),
    'cell': (lrs.ExponentialDecayLR(0.5, 0.5, 1), [0.5, 0.25, 0.125, 0.0625, 0.03125]),
    'user-cell': (HalvingLR(), [0.5, 0.25, 0.125, 0.0625, 0.03125]),
    'callable': (lambda step: 0.5 / (1.0 + ops.cast(step, autograph.float32)), [0.5, 0.25, 0.5 / 3, 0.125, 0.1]),
    'float': (0.25, [0.25] * 5),
}


@pytest.mark.parametrize('jit', [False, True], ids=['eager', 'compiled'])
@pytest.mark.parametrize('source', LR_SOURCES)
def test_learning_rate_of_each_step_is_read_from_global_step(source, jit):
    lr, expected = LR_SOURCES[source]
    used, run = lr_used_per_step(lambda ps: optim.SGD(ps, lr), 5, jit)
    np.testing.assert_allclose(used, expected, rtol=1e-6)
    if jit:
        assert run.cache_info().entries == 1     # the step is an input, never a recompile


def test_changing_a_hyperparameter_recompiles():
    p = Parameter(Tensor(np.zeros(2)), name='p')
    opt = optim.SGD([p], 0.5, momentum=0.5)
    run = autograph.jit(opt)
    run((Tensor(np.ones(2)),))
    opt.momentum = 0.0          # a compile-time constant of the generated code
    run((Tensor(np.ones(2)),))
    np.testing.assert_allclose(p.asnumpy(), [-1.0, -1.0])
    assert run.cache_info().entries == 1 and run.cache_info().misses == 2


def test_a_new_learning_rate_value_takes_effect_without_recompiling():
    p = Parameter(Tensor(np.zeros(2, np.float32)), name='p')
    opt = optim.Momentum([p], 0.5, 0.0)
    run = autograph.jit(opt)
    run((Tensor(np.ones(2, np.float32)),))
    opt.learning_rate.set_data(Tensor(np.float32(0.25)))
    run((Tensor(np.ones(2, np.float32)),))
    np.testing.assert_allclose(p.asnumpy(), [-0.75, -0.75])
    assert run.cache_info().entries == 1


# ---------------------------------------------------------------- eager and compiled agree
def dense_net():
    np.random.seed(7)
    return nn.SequentialCell(nn.Dense(3, 4, activation='tanh'), nn.Dense(4, 2))


X = Tensor(np.random.RandomState(1).randn(5, 3).astype(np.float32))
Y = Tensor(np.random.RandomState(2).randn(5, 2).astype(np.float32))

COMPILED_CASES = dict(CASES, **{
    'SGD-schedule': (lambda p: optim.SGD(p, lrs.CosineDecayLR(0.01, 0.1, 3)), None),
    'Momentum-polynomial': (lambda p: optim.Momentum(p, lrs.PolynomialDecayLR(0.1, 0.01, 3, 0.5, True), 0.9), None),
    'Adam-list': (lambda p: optim.Adam(p, lrs.exponential_decay_lr(0.1, 0.5, 3, 1, 1)), None),
    'Adam-groups': (lambda p: optim.Adam([{'params': p[:2], 'lr': 0.05, 'weight_decay': 0.1},
                                          {'params': p[2:], 'lr': lrs.ExponentialDecayLR(0.1, 0.9, 2, True)}], 0.01),
                    None),
})


def training_run(make_opt, mode, steps=STEPS):
    """Losses, Parameters and optimizer state after `steps` steps of `mode`: 'eager', 'jit-step'
    (one jitted function: gradients and update) or 'jit-optimizer' (autograph.jit(optimizer))."""
    net = dense_net()
    opt = make_opt(net.trainable_params())

    def forward(x, y):
        return ((net(x) - y) ** 2).mean()
    grad_fn = autograph.value_and_grad(forward, None, weights=net.trainable_params())
    update = autograph.jit(opt) if mode == 'jit-optimizer' else opt

    def train_step(x, y):
        loss, grads = grad_fn(x, y)
        update(grads)
        return loss
    step = autograph.jit(train_step) if mode == 'jit-step' else train_step
    losses = [float(step(X, Y)) for _ in range(steps)]
    arrays = [p.asnumpy().copy() for p in net.trainable_params()] + list(state_of(opt).values())
    return losses, arrays, step


@pytest.mark.parametrize('mode', ['jit-step', 'jit-optimizer'])
@pytest.mark.parametrize('case', COMPILED_CASES)
def test_compiled_updates_equal_eager_updates_exactly(case, mode):
    make = COMPILED_CASES[case][0]
    eager_losses, eager_arrays, _ = training_run(make, 'eager')
    losses, arrays, step = training_run(make, mode)
    assert losses == eager_losses
    assert len(arrays) == len(eager_arrays)
    for a, b in zip(arrays, eager_arrays):
        np.testing.assert_array_equal(a, b)
    if mode == 'jit-step':
        assert step.cache_info().entries == 1


def test_jitted_optimizer_returns_true_and_keeps_state_across_calls_and_modes():
    eager = parameters(np.float32)
    opt_eager = optim.Adam(eager, 0.0625)
    mixed = parameters(np.float32)
    opt_mixed = optim.Adam(mixed, 0.0625)
    compiled = autograph.jit(opt_mixed)
    for t in range(STEPS):
        grads = as_tensors(GRADS[t], np.float32)
        assert opt_eager(grads) is True
        assert (compiled(grads) if t % 2 else opt_mixed(grads)) is True
    for a, b in zip(eager, mixed):
        np.testing.assert_array_equal(a.asnumpy(), b.asnumpy())
    assert opt_mixed.global_step.asnumpy().tolist() == [STEPS]
    np.testing.assert_allclose(float(opt_mixed.beta1_power.asnumpy()), 0.9 ** STEPS, rtol=1e-6)


def test_a_run_time_loop_of_updates_in_one_compiled_function_equals_eager_steps():
    def run(jit):
        params = parameters()
        opt = optim.RMSProp(params, 0.0625, momentum=0.5)

        def steps(gw, gb, n):
            for _ in range(n):
                opt((gw * params[0], gb))
            return ops.sum(params[0])
        fn = autograph.jit(steps) if jit else steps
        out = fn(Tensor(GRADS[0][0]), Tensor(GRADS[0][1]), Tensor(np.array(3)))
        return float(out), [p.asnumpy() for p in params], opt.global_step.asnumpy().tolist()
    eager, compiled = run(False), run(True)
    assert compiled[0] == eager[0] and compiled[2] == eager[2] == [3]
    for a, b in zip(compiled[1], eager[1]):
        np.testing.assert_array_equal(a, b)


def test_two_updates_and_a_read_after_them_in_one_compiled_function_equal_eager_steps():
    def run(jit):
        net = dense_net()
        opt = optim.Adam(net.trainable_params(), 0.0625, use_amsgrad=True)

        def forward(x, y):
            return ((net(x) - y) ** 2).mean()
        grad_fn = autograph.value_and_grad(forward, None, weights=net.trainable_params())

        def two_steps(x, y):
            loss, grads = grad_fn(x, y)
            opt(grads)
            second, grads = grad_fn(x, y)     # reads the updated Parameters
            opt(grads)
            return loss, second, forward(x, y)
        fn = autograph.jit(two_steps) if jit else two_steps
        losses = [float(v) for v in fn(X, Y)]
        return losses, [p.asnumpy().copy() for p in net.trainable_params()] + list(state_of(opt).values())
    (eager_losses, eager_arrays), (losses, arrays) = run(False), run(True)
    assert losses == eager_losses and losses[0] > losses[1] > losses[2]
    for a, b in zip(arrays, eager_arrays):
        np.testing.assert_array_equal(a, b)


def test_generated_training_step_contains_the_update_arithmetic():
    _, _, step = training_run(lambda p: optim.Adam(p, 0.01, use_amsgrad=True), 'jit-step', steps=1)
    source = autograph.get_source(step)
    for text in ('assign(weight_0, ', 'assign(moment1_0_weight, ', 'assign(vhat_1_bias, ', 'assign(global_step, ',
                 'global_step + 1', 'beta1_power * 0.9', 'np.sqrt(1.0 - ', 'moment1_0_weight * 0.9 + 0.1 * dweight_0',
                 'np.square(dweight_0)', 'np.maximum(vhat_0_weight, ', '+ 1e-08', 'learning_rate * '):
        assert text in source, text
    rms = training_run(lambda p: optim.RMSProp(p, 0.01, momentum=0.5, centered=True), 'jit-step', steps=1)[2]
    source = autograph.get_source(rms)
    assert 'assign(mean_grad_0_weight, ' in source and 'np.square(' in source


# ---------------------------------------------------------------- a problem to solve
LEAST_SQUARES = {
    'SGD': lambda p: optim.SGD(p, 0.1),
    'SGD-momentum': lambda p: optim.SGD(p, 0.05, momentum=0.9),
    'Momentum': lambda p: optim.Momentum(p, 0.05, 0.9),
    'Adam': lambda p: optim.Adam(p, 0.1),
    'AdamW': lambda p: optim.AdamW(p, 0.1),
    'AdamWeightDecay': lambda p: optim.AdamWeightDecay(p, 0.1),
    'RMSProp': lambda p: optim.RMSProp(p, 0.05),
    'Adagrad': lambda p: optim.Adagrad(p, learning_rate=0.5),
    'SGD-warmup': lambda p: optim.SGD(p, lrs.WarmUpLR(0.1, 5)),
}


@pytest.mark.parametrize('case', LEAST_SQUARES)
def test_least_squares_loss_decreases(case):
    rng = np.random.RandomState(0)
    x = rng.randn(32, 3).astype(np.float32)
    y = x @ np.array([[1.5, -2.0, 0.5]], np.float32).T + 0.3
    net = nn.Dense(3, 1, weight_init=0.0, bias_init=0.0)
    opt = LEAST_SQUARES[case](net.trainable_params())

    def forward(x, y):
        return ((net(x) - y) ** 2).mean()
    grad_fn = autograph.value_and_grad(forward, None, weights=net.trainable_params())

    @autograph.jit
    def train_step(x, y):
        loss, grads = grad_fn(x, y)
        opt(grads)
        return loss
    losses = [float(train_step(Tensor(x), Tensor(y))) for _ in range(60)]
    assert losses[-1] < 0.01 * losses[0]
    assert losses[-1] < min(losses[:10])


# ---------------------------------------------------------------- bad arguments
BAD_CONSTRUCTION = [
    (lambda: optim.SGD([Parameter(Tensor(np.ones(2)), name='p'), Tensor(np.ones(2))]), TypeError,
     r"'params' must hold only Parameters .* item 1 is Tensor"),
    (lambda: optim.SGD(Parameter(Tensor(np.ones(2)))), TypeError, "'params' must be a list"),
    (lambda: optim.SGD([]), ValueError, "'params' is empty"),
    (lambda: optim.SGD(parameters(), learning_rate=-0.1), ValueError, r"'learning_rate' must be >= 0, got -0.1"),
    (lambda: optim.SGD(parameters(), learning_rate=[0.1, -0.1]), ValueError, "'learning_rate' must be >= 0"),
    (lambda: optim.SGD(parameters(), learning_rate='fast'), ValueError, "'learning_rate' must be a number"),
    (lambda: optim.SGD(parameters(), learning_rate=np.ones((2, 2))), ValueError, "1-D sequence"),
    (lambda: optim.SGD(parameters(), learning_rate=None), TypeError, "'learning_rate' must be a float"),
    (lambda: optim.SGD(parameters(), momentum=-0.5), ValueError, r"SGD: 'momentum' must be >= 0.0, got -0.5"),
    (lambda: optim.SGD(parameters(), nesterov=True), ValueError, "nesterov=True needs 'momentum' > 0"),
    (lambda: optim.SGD(parameters(), weight_decay=-1.0), ValueError, "'weight_decay' must be >= 0.0"),
    (lambda: optim.SGD(parameters(), loss_scale=0.0), ValueError, "'loss_scale' must be > 0.0"),
    (lambda: optim.Momentum(parameters(), 0.1, momentum='0.9'), TypeError, "'momentum' must be a float, got str"),
    (lambda: optim.Momentum(parameters(), 0.1, 0.9, use_nesterov=1), TypeError, "'use_nesterov' must be a bool"),
    (lambda: optim.Adam(parameters(), beta1=1.0), ValueError, r"'beta1' must be in \(0.0, 1.0\), got 1.0"),
    (lambda: optim.Adam(parameters(), eps=0.0), ValueError, "'eps' must be > 0.0"),
    (lambda: optim.RMSProp(parameters(), epsilon=-1e-8), ValueError, "'epsilon' must be > 0.0"),
    (lambda: optim.Adagrad(parameters(), accum=-0.1), ValueError, "'accum' must be >= 0.0"),
    (lambda: optim.SGD([{'params': parameters(), 'momentum': 0.9}]), KeyError, "group keys must be among"),
    (lambda: optim.SGD([{'params': [Tensor(np.ones(2))]}]), TypeError, "a group's 'params' must hold only Parameters"),
    (lambda: optim.SGD([{'params': parameters(), 'lr': -1.0}]), ValueError, "'learning_rate' must be >= 0"),
    (lambda: optim.SGD(parameters() * 2), ValueError, "Parameter 'w' is listed more than once"),
    (lambda: lrs.ExponentialDecayLR(0.1, 0.9, 0), ValueError, "'decay_steps' must be >= 1"),
    (lambda: lrs.CosineDecayLR(0.1, 0.01, 4), ValueError, "'max_lr' must be greater than 'min_lr'"),
    (lambda: lrs.piecewise_constant_lr([2, 1], [0.1, 0.2]), ValueError, "'milestone' must increase"),
    (lambda: lrs.piecewise_constant_lr([2], [0.1, 0.2]), ValueError, "'milestone' has 1 items"),
    (lambda: lrs.warmup_lr(0.1, 0, 1, 1), ValueError, "'total_step' must be >= 1"),
]


@pytest.mark.parametrize('build, error, message', BAD_CONSTRUCTION)
def test_bad_arguments_raise_clear_errors(build, error, message):
    with pytest.raises(error, match=message):
        build()


@pytest.mark.parametrize('jit', [False, True], ids=['eager', 'compiled'])
@pytest.mark.parametrize('grads, error, message', [
    (lambda: as_tensors(GRADS[0])[:1], ValueError,
     "got 1 gradients for 2 Parameters; pass the tuple that grad_fn returns for weights=optimizer.parameters"),
    (lambda: as_tensors(GRADS[0]) * 2, ValueError, "got 4 gradients for 2 Parameters"),
    (lambda: (Tensor(np.ones((3, 2))), Tensor(np.ones(3))), ValueError,
     r"gradient for Parameter 'w' has shape \(3, 2\), but the Parameter has shape \(2, 3\)"),
    (lambda: {'w': Tensor(np.ones((2, 3)))}, TypeError, "'gradients' must be a tuple"),
])
def test_bad_gradients_raise_clear_errors(grads, error, message, jit):
    params = parameters()
    opt = optim.Adam(params)
    run = autograph.jit(opt) if jit else opt
    with pytest.raises(error, match=message):
        run(grads())
    np.testing.assert_array_equal(params[0].asnumpy(), W0)     # nothing was updated
    assert opt.global_step.asnumpy().tolist() == [0]
