"""MindSpore's training callbacks: `Callback` (the hooks Model calls), `RunContext` (what they
see), `LossMonitor`, `TimeMonitor`, and `ProgressBar` (a tqdm bar per epoch when tqdm is
installed; autograph's own)."""
import math
import time
from typing import Any, Optional

import numpy as np

__all__ = ['Callback', 'RunContext', 'LossMonitor', 'TimeMonitor', 'ProgressBar']


class RunContext:
    """What a callback receives: `original_args()` is the namespace of the run (`epoch_num`,
    `cur_epoch_num`, `cur_step_num` counted over all epochs, `batch_num` per epoch,
    `net_outputs` of the last step, `train_network`, `optimizer`...). `request_stop()` ends
    training after the current step.

    Example:
        >>> from types import SimpleNamespace
        >>> from autograph.train import RunContext
        >>> context = RunContext(SimpleNamespace(cur_step_num=3))
        >>> context.original_args().cur_step_num, context.get_stop_requested()
        (3, False)
    """

    def __init__(self, original_args: Any) -> None:
        self._original_args = original_args
        self._stop_requested = False

    def original_args(self) -> Any:
        return self._original_args

    def request_stop(self) -> None:
        self._stop_requested = True

    def get_stop_requested(self) -> bool:
        return self._stop_requested


class Callback:
    """The base class of callbacks. Override any of the hooks; each takes a RunContext.

    `Model.train` calls `on_train_begin`, then per epoch `on_train_epoch_begin`, per step
    `on_train_step_begin` and `on_train_step_end`, then `on_train_epoch_end`, and finally
    `on_train_end`. `Model.eval` calls the `on_eval_*` hooks alike. The older names
    (`begin`, `epoch_begin`, `step_begin`, `step_end`, `epoch_end`, `end`) are what the
    training hooks call by default, as in MindSpore.

    Example:
        >>> from autograph.train import Callback
        >>> class StepCounter(Callback):
        ...     def __init__(self):
        ...         self.steps = 0
        ...     def on_train_step_end(self, run_context):
        ...         self.steps += 1
    """

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def begin(self, run_context: RunContext) -> None:
        """Called once before training."""

    def epoch_begin(self, run_context: RunContext) -> None:
        """Called before each epoch."""

    def step_begin(self, run_context: RunContext) -> None:
        """Called before each step."""

    def step_end(self, run_context: RunContext) -> None:
        """Called after each step."""

    def epoch_end(self, run_context: RunContext) -> None:
        """Called after each epoch."""

    def end(self, run_context: RunContext) -> None:
        """Called once after training."""

    def on_train_begin(self, run_context: RunContext) -> None:
        self.begin(run_context)

    def on_train_epoch_begin(self, run_context: RunContext) -> None:
        self.epoch_begin(run_context)

    def on_train_step_begin(self, run_context: RunContext) -> None:
        self.step_begin(run_context)

    def on_train_step_end(self, run_context: RunContext) -> None:
        self.step_end(run_context)

    def on_train_epoch_end(self, run_context: RunContext) -> None:
        self.epoch_end(run_context)

    def on_train_end(self, run_context: RunContext) -> None:
        self.end(run_context)

    def on_eval_begin(self, run_context: RunContext) -> None:
        """Called once before evaluation."""

    def on_eval_epoch_begin(self, run_context: RunContext) -> None:
        """Called before the evaluation pass."""

    def on_eval_step_begin(self, run_context: RunContext) -> None:
        """Called before each evaluation step."""

    def on_eval_step_end(self, run_context: RunContext) -> None:
        """Called after each evaluation step."""

    def on_eval_epoch_end(self, run_context: RunContext) -> None:
        """Called after the evaluation pass."""

    def on_eval_end(self, run_context: RunContext) -> None:
        """Called once after evaluation."""


def _print(text):
    """print, or tqdm.write while a bar may be drawn, so the line does not tear the bar."""
    try:
        from tqdm import tqdm
    except ImportError:
        print(text, flush=True)
    else:
        tqdm.write(text)


def _loss_value(outputs):
    """The loss of a step's outputs: the output itself, or the first of a tuple."""
    if isinstance(outputs, (tuple, list)) and outputs:
        outputs = outputs[0]
    value = outputs.asnumpy() if hasattr(outputs, 'asnumpy') else outputs
    return float(np.mean(value))


class LossMonitor(Callback):
    """Prints the loss every `per_print_times` steps, as MindSpore does:
    `epoch: 1 step: 10, loss is 0.123` (the step counted within the epoch). A loss that is NaN
    or infinite stops training with a ValueError.

    Args:
        per_print_times: print every this many steps; 0 prints nothing.

    Example:
        >>> from autograph.train import LossMonitor
        >>> monitor = LossMonitor(per_print_times=10)
    """

    def __init__(self, per_print_times: int = 1) -> None:
        if not isinstance(per_print_times, int) or isinstance(per_print_times, bool) or per_print_times < 0:
            raise ValueError(f"per_print_times must be an int >= 0, got {per_print_times!r}")
        self._per_print_times = per_print_times
        self._last_print_step = 0

    def step_end(self, run_context: RunContext) -> None:
        args = run_context.original_args()
        loss = _loss_value(args.net_outputs)
        step_in_epoch = (args.cur_step_num - 1) % args.batch_num + 1 if args.batch_num else args.cur_step_num
        if math.isnan(loss) or math.isinf(loss):
            raise ValueError(f"epoch: {args.cur_epoch_num} step: {step_in_epoch}. "
                             "Invalid loss, terminating training.")
        if self._per_print_times and args.cur_step_num - self._last_print_step >= self._per_print_times:
            self._last_print_step = args.cur_step_num
            _print(f"epoch: {args.cur_epoch_num} step: {step_in_epoch}, loss is {loss}")


class TimeMonitor(Callback):
    """Prints each epoch's time and the mean time per step, as MindSpore does:
    `epoch time: 123.456 ms, per step time: 1.234 ms`.

    Args:
        data_size: steps per epoch to divide by (default: the steps the epoch ran).

    Example:
        >>> from autograph.train import TimeMonitor
        >>> monitor = TimeMonitor()
    """

    def __init__(self, data_size: Optional[int] = None) -> None:
        self.data_size = data_size
        self._start = time.perf_counter()
        self._steps = 0

    def epoch_begin(self, run_context: RunContext) -> None:
        self._start = time.perf_counter()
        self._steps = 0

    def step_end(self, run_context: RunContext) -> None:
        self._steps += 1

    def epoch_end(self, run_context: RunContext) -> None:
        elapsed = (time.perf_counter() - self._start) * 1000.0
        steps = self.data_size or self._steps or 1
        _print(f"epoch time: {elapsed:.3f} ms, per step time: {elapsed / steps:.3f} ms")


class ProgressBar(Callback):
    """A progress bar per epoch, showing the mean loss of the last ten steps: tqdm's when tqdm is
    installed (pip install tqdm), else nothing. Not in MindSpore.

    Example:
        >>> from autograph.train import ProgressBar
        >>> bar = ProgressBar(leave=False)
    """

    def __init__(self, leave: bool = True) -> None:
        self.leave = leave
        self._bar: Any = None
        self._losses: list[float] = []

    def epoch_begin(self, run_context: RunContext) -> None:
        try:
            from tqdm import tqdm
        except ImportError:
            return
        args = run_context.original_args()
        self._bar = tqdm(total=args.batch_num or None, leave=self.leave,
                         desc=f'epoch {args.cur_epoch_num}/{args.epoch_num}')
        self._losses = []

    def step_end(self, run_context: RunContext) -> None:
        if self._bar is None:
            return
        self._losses.append(_loss_value(run_context.original_args().net_outputs))
        self._bar.set_postfix(loss=f'{np.mean(self._losses[-10:]):.4f}', refresh=False)
        self._bar.update(1)

    def epoch_end(self, run_context: RunContext) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
