"""MindSpore's high-level `Model`: train, evaluate and predict a network without writing the
loop. The training step is nn.TrainOneStepCell(nn.WithLossCell(network, loss_fn), optimizer),
compiled once with autograph.jit (forward, adjoint and the optimizer's update in one generated
function); evaluation compiles nn.WithEvalCell(network, loss_fn).

Both are compiled for any batch size: `dynamic_dims` on the first axis of every array of a batch,
so the last, smaller batch of an epoch (a dataset's `batch(..., drop_remainder=False)`) runs the
same code. A network whose code depends on the batch size (a reshape to a fixed batch, a
Python branch on it) falls back to a compilation per size, logged."""
import logging
from collections.abc import Iterable, Iterator
from types import SimpleNamespace
from typing import Any, Optional, Union

from ..api import jit
from ..errors import DynamicShapeError
from ..nn.wrap import TrainOneStepCell, WithEvalCell, WithLossCell
from .callbacks import Callback, RunContext
from .metrics import Loss, Metric, get_metric

__all__ = ['Model']


def _batches(dataset: Any) -> Iterator[tuple[Any, ...]]:
    """One epoch of (inputs...) tuples from an autograph dataset (its tuple iterator), or any
    iterable of tuples, lists or dicts (a dict's values, in order)."""
    iterator = dataset.create_tuple_iterator() if hasattr(dataset, 'create_tuple_iterator') else iter(dataset)
    for batch in iterator:
        if isinstance(batch, dict):
            batch = tuple(batch.values())
        elif not isinstance(batch, (tuple, list)):
            batch = (batch,)
        yield tuple(batch)


def _size(dataset: Any) -> Optional[int]:
    """Steps per epoch, or None when the dataset cannot say without being run."""
    if hasattr(dataset, 'get_dataset_size'):
        return dataset.get_dataset_size()
    try:
        return len(dataset)
    except TypeError:
        return None


def _callbacks(callbacks: Union[None, Callback, Iterable[Callback]]) -> list[Callback]:
    if callbacks is None:
        return []
    found: list[Any] = list(callbacks) if isinstance(callbacks, (list, tuple)) else [callbacks]
    for callback in found:
        if not isinstance(callback, Callback):
            raise TypeError(f"callbacks must be Callback objects, got a {type(callback).__name__}")
    return found


class Model:
    """Groups a network, its loss and its optimizer for training and evaluation.

    Args:
        network: the Cell (outputs from inputs).
        loss_fn: a loss Cell `loss_fn(outputs, label)`, or None when `network` computes its
            own loss (then a dataset's batch is all inputs of `network`).
        optimizer: an nn optimizer over the network's Parameters, or None when `network` already
            is a training step (a TrainOneStepCell, say) or only evaluation is wanted.
        metrics: names (a set: {'accuracy', 'loss', 'precision', 'recall', 'mae', 'mse'}) or a
            dict {name: Metric}, reported by `eval`.
        eval_network: the Cell to evaluate (default: nn.WithEvalCell(network, loss_fn)).
        eval_indexes: the positions of (loss, prediction, label) in eval_network's outputs.
        amp_level: accepted for MindSpore's signature; only 'O0' (no mixed precision) exists.

    A dataset is an autograph dataset (`autograph.dataset.NumpySlicesDataset(...).batch(32)`)
    or any iterable of batches: tuples `(x, y)` of arrays or Tensors.

    Example:
        >>> import numpy as np
        >>> from autograph import nn
        >>> from autograph.train import Model, LossMonitor
        >>> net = nn.Dense(4, 3)
        >>> model = Model(net, nn.CrossEntropyLoss(), nn.SGD(net.trainable_params(), 0.1),
        ...               metrics={'accuracy'})
        >>> x = np.random.randn(8, 4).astype(np.float32)
        >>> y = np.random.randint(0, 3, 8).astype(np.int32)
        >>> model.train(2, [(x, y)] * 5, callbacks=[LossMonitor(5)])   # doctest: +ELLIPSIS
        epoch: 1 step: 5, loss is ...
        epoch: 2 step: 5, loss is ...
        >>> sorted(model.eval([(x, y)]))
        ['accuracy']
    """

    def __init__(self, network: Any, loss_fn: Any = None, optimizer: Any = None,
                 metrics: Union[None, set[str], dict[str, Metric]] = None, eval_network: Any = None,
                 eval_indexes: Optional[list[int]] = None, amp_level: str = 'O0', **kwargs: Any) -> None:
        if amp_level != 'O0':
            raise ValueError(f"amp_level {amp_level!r}: autograph computes in the dtypes given; "
                             "only 'O0' is supported")
        if eval_indexes is not None and len(eval_indexes) != 3:
            raise ValueError("eval_indexes must hold 3 positions: loss, prediction, label")
        self._network = network
        self._loss_fn = loss_fn
        self._optimizer = optimizer
        self._metrics = self._build_metrics(metrics)
        self._eval_indexes = list(eval_indexes) if eval_indexes is not None else None
        self._train_network = self._build_train_network()
        self._eval_network = eval_network
        if eval_network is None and loss_fn is not None:
            self._eval_network = WithEvalCell(network, loss_fn)
            self._eval_indexes = [0, 1, 2]
        self._compiled: dict[str, Any] = {}

    @staticmethod
    def _build_metrics(metrics):
        if metrics is None:
            return {}
        if isinstance(metrics, dict):
            for name, metric in metrics.items():
                if not isinstance(metric, Metric):
                    raise TypeError(f"metric {name!r} is a {type(metric).__name__}, not a Metric")
            return dict(metrics)
        if isinstance(metrics, str):
            metrics = [metrics]
        return {name: get_metric(name) for name in sorted(metrics)}

    def _build_train_network(self):
        if self._optimizer is None:
            return self._network if self._loss_fn is None else None
        with_loss = self._network if self._loss_fn is None else WithLossCell(self._network, self._loss_fn)
        return TrainOneStepCell(with_loss, self._optimizer)

    @property
    def train_network(self):
        """The Cell one training step calls (a TrainOneStepCell, usually)."""
        return self._train_network

    @property
    def eval_network(self):
        """The Cell evaluation calls."""
        return self._eval_network

    @property
    def predict_network(self):
        """The network itself."""
        return self._network

    def _run(self, name, cell, any_batch=False):
        """`cell`, compiled once and kept; with `any_batch`, for any size of the batches' first
        axis (see the module's docstring)."""
        if not any_batch:
            if name not in self._compiled:
                self._compiled[name] = jit(cell)
            return self._compiled[name]
        return _AnyBatch(self._compiled, name, cell)

    def _train_step(self):
        """The compiled training step, or in data-parallel mode (set_auto_parallel_context) the
        step whose gradients the workers of a Dask cluster compute (autograph.distributed)."""
        from ..distributed import data_parallel, train_step_for
        if not data_parallel():
            return self._run('train', self._train_network, any_batch=True)
        if 'data_parallel' not in self._compiled:
            self._compiled['data_parallel'] = train_step_for(self._train_network)
        return self._compiled['data_parallel']

    def train(self, epoch: int, train_dataset: Any,
              callbacks: Union[None, Callback, Iterable[Callback]] = None, dataset_sink_mode: bool = False,
              sink_size: int = -1, initial_epoch: int = 0) -> None:
        """Train for epochs `initial_epoch + 1` to `epoch`, one compiled step per batch.

        Args:
            epoch: the last epoch (an int > 0).
            train_dataset: an autograph dataset or an iterable of batches `(x, y)`.
            callbacks: a Callback or a list of them (LossMonitor, TimeMonitor, ProgressBar...).
            dataset_sink_mode, sink_size: MindSpore's device-sinking options; there is no device
                here, so every step runs from the host whatever they say.
            initial_epoch: the epochs already trained (training resumes after them).

        Returns None, as MindSpore's does; the callbacks see each step's loss.

        Example:
            >>> import numpy as np
            >>> from autograph import nn
            >>> from autograph.train import Model
            >>> net = nn.Dense(2, 1)
            >>> model = Model(net, nn.MSELoss(), nn.SGD(net.trainable_params(), 0.1))
            >>> x = np.ones((4, 2), np.float32); y = np.zeros((4, 1), np.float32)
            >>> model.train(3, [(x, y)])
        """
        if self._train_network is None:
            raise ValueError("this Model has no optimizer: give Model(network, loss_fn, optimizer) "
                             "to train, or a network that is a training step")
        if not isinstance(epoch, int) or isinstance(epoch, bool) or epoch <= 0:
            raise ValueError(f"epoch must be an int > 0, got {epoch!r}")
        if not 0 <= initial_epoch < epoch:
            raise ValueError(f"initial_epoch must lie in [0, {epoch}), got {initial_epoch!r}")
        callbacks = _callbacks(callbacks)
        step = self._train_step()
        args = SimpleNamespace(
            epoch_num=epoch, cur_epoch_num=initial_epoch, cur_step_num=0, batch_num=_size(train_dataset),
            net_outputs=None, train_network=self._train_network, network=self._network,
            optimizer=self._optimizer, loss_fn=self._loss_fn, train_dataset=train_dataset,
            dataset_sink_mode=False, mode='train')
        context = RunContext(args)
        self._network.set_train(True)
        try:
            self._hooks(callbacks, 'on_train_begin', context)
            for epoch_number in range(initial_epoch + 1, epoch + 1):
                args.cur_epoch_num = epoch_number
                self._hooks(callbacks, 'on_train_epoch_begin', context)
                steps = 0
                for batch in _batches(train_dataset):
                    self._hooks(callbacks, 'on_train_step_begin', context)
                    args.train_dataset_element = batch
                    args.net_outputs = step(*batch)
                    args.cur_step_num += 1
                    steps += 1
                    self._hooks(callbacks, 'on_train_step_end', context)
                    if context.get_stop_requested():
                        break
                if args.batch_num is None:
                    args.batch_num = steps
                self._hooks(callbacks, 'on_train_epoch_end', context)
                if context.get_stop_requested():
                    break
            self._hooks(callbacks, 'on_train_end', context)
        finally:
            self._network.set_train(False)

    def eval(self, valid_dataset: Any, callbacks: Union[None, Callback, Iterable[Callback]] = None,
             dataset_sink_mode: bool = False) -> dict[str, Any]:
        """Evaluate the metrics over `valid_dataset`.

        Returns a dict {metric name: value}, as MindSpore's: `{'accuracy': 0.93}`.

        Example:
            >>> import numpy as np
            >>> from autograph import nn
            >>> from autograph.train import Model
            >>> net = nn.Dense(4, 3)
            >>> model = Model(net, nn.CrossEntropyLoss(), metrics={'accuracy', 'loss'})
            >>> x = np.random.randn(6, 4).astype(np.float32)
            >>> y = np.array([0, 1, 2, 0, 1, 2], np.int32)
            >>> sorted(model.eval([(x, y)]))
            ['accuracy', 'loss']
        """
        if not self._metrics:
            raise ValueError("Model has no metrics: give Model(..., metrics={'accuracy'}) to evaluate")
        if self._eval_network is None:
            raise ValueError("Model needs a loss_fn or an eval_network to evaluate")
        callbacks = _callbacks(callbacks)
        run = self._run('eval', self._eval_network, any_batch=True)
        for metric in self._metrics.values():
            metric.clear()
        args = SimpleNamespace(cur_epoch_num=1, epoch_num=1, cur_step_num=0, batch_num=_size(valid_dataset),
                               net_outputs=None, eval_network=self._eval_network, network=self._network,
                               valid_dataset=valid_dataset, metrics=None, mode='eval')
        context = RunContext(args)
        self._network.set_train(False)
        self._hooks(callbacks, 'on_eval_begin', context)
        self._hooks(callbacks, 'on_eval_epoch_begin', context)
        for batch in _batches(valid_dataset):
            self._hooks(callbacks, 'on_eval_step_begin', context)
            outputs = run(*batch)
            outputs = tuple(outputs) if isinstance(outputs, (tuple, list)) else (outputs,)
            args.net_outputs = outputs
            args.cur_step_num += 1
            for metric in self._metrics.values():
                metric.update(*self._metric_inputs(metric, outputs))
            self._hooks(callbacks, 'on_eval_step_end', context)
        results = {name: metric.eval() for name, metric in self._metrics.items()}
        args.metrics = results
        self._hooks(callbacks, 'on_eval_epoch_end', context)
        self._hooks(callbacks, 'on_eval_end', context)
        return results

    def _metric_inputs(self, metric, outputs):
        if metric.indexes is not None:
            return [outputs[i] for i in metric.indexes]
        if self._eval_indexes is None:
            return outputs
        loss, prediction, label = (outputs[i] for i in self._eval_indexes)
        return [loss] if isinstance(metric, Loss) else [prediction, label]

    def predict(self, *predict_data: Any) -> Any:
        """The network's outputs for these inputs, compiled.

        Example:
            >>> import numpy as np
            >>> from autograph import nn
            >>> from autograph.train import Model
            >>> Model(nn.Dense(4, 3)).predict(np.ones((2, 4), np.float32)).shape
            (2, 3)
        """
        self._network.set_train(False)
        return self._run('predict', self._network)(*predict_data)

    @staticmethod
    def _hooks(callbacks, name, context):
        for callback in callbacks:
            getattr(callback, name)(context)


class _AnyBatch:
    """Calls `cell` compiled for any batch size: at the first batch, jit with dynamic_dims on
    axis 0 of each argument that has one, kept in `compiled[name]`; a DynamicShapeError (the
    code depends on the batch size) replaces it with a plain jit, compiled per size."""

    def __init__(self, compiled, name, cell):
        self.compiled, self.name, self.cell = compiled, name, cell

    def __call__(self, *batch):
        step = self.compiled.get(self.name)
        if step is None:
            dims = {i: 0 for i, item in enumerate(batch) if getattr(item, 'ndim', 0) >= 1}
            step = self.compiled[self.name] = jit(self.cell, dynamic_dims=dims or None)
        try:
            return step(*batch)
        except DynamicShapeError as e:
            if step.dynamic is None:
                raise
            logging.getLogger('autograph').info('%s: compiling per batch size: %s', self.name, e)
            step = self.compiled[self.name] = jit(self.cell)
            return step(*batch)
