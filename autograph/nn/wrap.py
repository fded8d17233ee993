"""MindSpore's wrapper Cells for training: WithLossCell (network + loss), WithEvalCell (loss and
outputs for evaluation) and TrainOneStepCell (forward, gradients, optimizer update in one call).

They work called eagerly and compiled (`autograph.jit(train_net)`): in compiled code the network
they wrap is inlined from its source, and the gradient is the compiled adjoint."""
from runtime import ops
from ..api import value_and_grad
from ..cell import Cell


class WithLossCell(Cell):
    """`loss_fn(backbone(data), label)`. Parameters keep the backbone's names (no prefix).

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> net = nn.WithLossCell(nn.Dense(4, 2), nn.MSELoss())
        >>> loss = net(Tensor(np.ones((3, 4), np.float32)), Tensor(np.zeros((3, 2), np.float32)))
        >>> loss.shape
        ()
    """

    def __init__(self, backbone, loss_fn):
        super().__init__(auto_prefix=False)
        self._backbone = backbone
        self._loss_fn = loss_fn

    def construct(self, data, label):
        return self._loss_fn(self._backbone(data), label)

    @property
    def backbone_network(self):
        return self._backbone


class WithEvalCell(Cell):
    """`(loss, outputs, label)` for evaluation; `add_cast_fp32` casts outputs and label to
    float32 first, as MindSpore does for mixed precision.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> net = nn.WithEvalCell(nn.Dense(4, 2), nn.MSELoss())
        >>> loss, outputs, label = net(Tensor(np.ones((3, 4), np.float32)), Tensor(np.zeros((3, 2), np.float32)))
        >>> outputs.shape
        (3, 2)
    """

    def __init__(self, network, loss_fn, add_cast_fp32=False):
        super().__init__(auto_prefix=False)
        self._network = network
        self._loss_fn = loss_fn
        self.add_cast_fp32 = add_cast_fp32

    def construct(self, data, label):
        outputs = self._network(data)
        if self.add_cast_fp32:
            label = ops.cast(label, 'float32')
            outputs = ops.cast(outputs, 'float32')
        return self._loss_fn(outputs, label), outputs, label


class TrainOneStepCell(Cell):
    """One training step: the network's loss (a WithLossCell, usually), its gradients with respect
    to `optimizer.parameters`, and the optimizer's update. Returns the loss. `sens` scales the
    gradients (the loss's sensitivity, 1.0 by default), as for loss scaling in MindSpore.

    Example:
        >>> import numpy as np
        >>> import autograph
        >>> from autograph import nn, Tensor
        >>> net = nn.Dense(4, 2)
        >>> step = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()),
        ...                            nn.SGD(net.trainable_params(), 0.1))
        >>> train = autograph.jit(step)     # forward, gradients and update: one compiled function
        >>> x, y = Tensor(np.ones((3, 4), np.float32)), Tensor(np.zeros((3, 2), np.float32))
        >>> first, second = float(train(x, y)), float(train(x, y))
        >>> second < first
        True
    """

    def __init__(self, network, optimizer, sens=None, return_grad=False):
        super().__init__(auto_prefix=False)
        self.network = network
        self.optimizer = optimizer
        self.weights = optimizer.parameters
        self.sens = 1.0 if sens is None else float(sens)
        self.return_grad = return_grad
        self.grad_fn = value_and_grad(network, None, self.weights)

    def construct(self, *inputs):
        loss, grads = self.grad_fn(*inputs)
        if self.sens != 1.0:
            grads = tuple(g * self.sens for g in grads)
        self.optimizer(grads)
        return (loss, grads) if self.return_grad else loss

    def set_sens(self, value):
        self.sens = float(value)
