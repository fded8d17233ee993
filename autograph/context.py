"""`set_context`/`get_context` and `set_auto_parallel_context`, as MindSpore's, so that ported
scripts run unchanged.

Everything here is compiled from source, whatever the mode: GRAPH_MODE and PYNATIVE_MODE are
accepted and recorded but change nothing (code outside `jit` runs eagerly, code inside compiles,
in both). The only device is the CPU. The one parallel mode besides 'stand_alone' is
'data_parallel', on a Dask cluster (autograph.distributed)."""
import threading
from typing import Any

GRAPH_MODE = 0
PYNATIVE_MODE = 1

_lock = threading.Lock()
_context = {'mode': GRAPH_MODE, 'device_target': 'CPU', 'device_id': 0}
# Options MindSpore has that mean nothing here: accepted (so scripts run) and recorded.
_IGNORED = {'save_graphs', 'save_graphs_path', 'max_call_depth', 'enable_graph_kernel',
            'graph_kernel_flags', 'max_device_memory', 'mempool_block_size', 'jit_config',
            'deterministic', 'pynative_synchronize', 'runtime_num_threads', 'memory_optimize_level',
            'enable_reduce_precision', 'precompile_only', 'check_bprop', 'print_file_path',
            'variable_memory_max_size', 'enable_compile_cache', 'compile_cache_path',
            'inter_op_parallel_num', 'op_timeout', 'reserve_class_name_in_scope', 'ascend_config',
            'enable_dump', 'save_dump_path', 'jit_level', 'aoe_tune_mode', 'disable_format_transform',
            'support_binary', 'device_id'}


def set_context(**kwargs: Any) -> None:
    """MindSpore's `set_context`, so that ported scripts run unchanged.

    Args:
        mode: GRAPH_MODE (0) or PYNATIVE_MODE (1), recorded only: code outside `jit` runs eagerly
            and code inside compiles, in both.
        device_target: 'CPU' (any other target is refused).
        **kwargs: other MindSpore options are recorded and ignored; unknown ones are refused.

    Returns:
        None.

    Example:
        >>> import autograph
        >>> autograph.set_context(mode=autograph.GRAPH_MODE, device_target='CPU')
        >>> autograph.get_context('device_target')
        'CPU'
    """
    updates = {}
    for key, value in kwargs.items():
        if key == 'mode':
            if value not in (GRAPH_MODE, PYNATIVE_MODE) or isinstance(value, bool):
                raise ValueError(f"For 'set_context', 'mode' must be GRAPH_MODE (0) or PYNATIVE_MODE (1), "
                                 f"got {value!r}")
        elif key == 'device_target':
            if not isinstance(value, str) or value.upper() != 'CPU':
                raise ValueError(f"For 'set_context', 'device_target' must be 'CPU' (autograph runs "
                                 f"NumPy on the CPU), got {value!r}")
            value = 'CPU'
        elif key not in _IGNORED:
            raise ValueError(f"For 'set_context', {key!r} is not a context option")
        updates[key] = value
    with _lock:
        _context.update(updates)


def get_context(attr_key: str) -> Any:
    """The value set for a context option.

    Args:
        attr_key: 'mode', 'device_target', or another of MindSpore's options.

    Returns:
        The value (None for an accepted option never set); an unknown key is a ValueError.

    Example:
        >>> import autograph
        >>> autograph.get_context('mode') in (autograph.GRAPH_MODE, autograph.PYNATIVE_MODE)
        True
    """
    with _lock:
        if attr_key in _context:
            return _context[attr_key]
    if attr_key in _IGNORED:
        return None
    raise ValueError(f"For 'get_context', {attr_key!r} is not a context option")


class ParallelMode:
    """MindSpore's names of the parallel modes. autograph trains STAND_ALONE (one process) or
    DATA_PARALLEL (on a Dask cluster: autograph.distributed); the others shard the model itself
    and are refused by `set_auto_parallel_context`.

    Example:
        >>> import autograph
        >>> autograph.ParallelMode.DATA_PARALLEL
        'data_parallel'
    """
    STAND_ALONE = 'stand_alone'
    DATA_PARALLEL = 'data_parallel'
    HYBRID_PARALLEL = 'hybrid_parallel'
    SEMI_AUTO_PARALLEL = 'semi_auto_parallel'
    AUTO_PARALLEL = 'auto_parallel'


_PARALLEL_DEFAULTS = {'parallel_mode': ParallelMode.STAND_ALONE, 'gradients_mean': False, 'device_num': None}
_parallel = dict(_PARALLEL_DEFAULTS)
# MindSpore's options for collective communication and model sharding: recorded, meaning nothing
# here (gradients travel through Dask; the model is never split).
_PARALLEL_IGNORED = {'global_rank', 'gradient_fp32_sync', 'loss_repeated_mean', 'parameter_broadcast',
                     'all_reduce_fusion_config', 'comm_fusion', 'search_mode', 'auto_parallel_search_mode',
                     'enable_parallel_optimizer', 'parallel_optimizer_config', 'dataset_strategy',
                     'strategy_ckpt_load_file', 'strategy_ckpt_save_file', 'strategy_ckpt_config',
                     'full_batch', 'enable_alltoall', 'pipeline_stages', 'force_fp32_communication'}


def set_auto_parallel_context(**kwargs: Any) -> None:
    """MindSpore's `set_auto_parallel_context`: with parallel_mode='data_parallel', `Model.train`
    splits each batch over the workers of a Dask cluster (connect first with
    `autograph.communication.init`) and reduces their gradients (autograph.distributed).

    Args:
        parallel_mode: 'stand_alone' (the default: one process) or 'data_parallel'.
            MindSpore's model-sharding modes ('semi_auto_parallel', 'auto_parallel',
            'hybrid_parallel') are refused.
        gradients_mean: True averages the shards' gradients (weighted by their rows, so the
            result is the whole batch's gradient of a mean loss); False, MindSpore's default,
            sums them.
        device_num: how many shards each batch is split into (default: the number of workers).
        **kwargs: MindSpore's other options are recorded and ignored; unknown ones are refused.

    Returns:
        None.

    Example:
        >>> import autograph
        >>> autograph.set_auto_parallel_context(parallel_mode='data_parallel', gradients_mean=True)
        >>> autograph.get_auto_parallel_context('parallel_mode')
        'data_parallel'
        >>> autograph.reset_auto_parallel_context()
    """
    updates = {}
    for key, value in kwargs.items():
        if key == 'parallel_mode':
            if value not in (ParallelMode.STAND_ALONE, ParallelMode.DATA_PARALLEL):
                raise ValueError(f"For 'set_auto_parallel_context', parallel_mode {value!r} is not supported: "
                                 "autograph trains 'stand_alone' or 'data_parallel' (on a Dask cluster)")
        elif key == 'gradients_mean':
            if not isinstance(value, bool):
                raise TypeError(f"For 'set_auto_parallel_context', 'gradients_mean' must be a bool, got {value!r}")
        elif key == 'device_num':
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
                raise ValueError(f"For 'set_auto_parallel_context', 'device_num' must be an int >= 1, got {value!r}")
        elif key not in _PARALLEL_IGNORED:
            raise ValueError(f"For 'set_auto_parallel_context', {key!r} is not an auto parallel context option")
        updates[key] = value
    with _lock:
        _parallel.update(updates)


def get_auto_parallel_context(attr_key: str) -> Any:
    """The value set for an auto parallel option (see `set_auto_parallel_context`).

    Args:
        attr_key: 'parallel_mode', 'gradients_mean', 'device_num', or another of MindSpore's.

    Returns:
        The value (None for an accepted option never set); an unknown key is a ValueError.

    Example:
        >>> import autograph
        >>> autograph.get_auto_parallel_context('parallel_mode')
        'stand_alone'
    """
    with _lock:
        if attr_key in _parallel:
            return _parallel[attr_key]
    if attr_key in _PARALLEL_IGNORED:
        return None
    raise ValueError(f"For 'get_auto_parallel_context', {attr_key!r} is not an auto parallel context option")


def reset_auto_parallel_context() -> None:
    """Back to one process: parallel_mode 'stand_alone', gradients summed, device_num unset.

    Example:
        >>> import autograph
        >>> autograph.set_auto_parallel_context(parallel_mode='data_parallel')
        >>> autograph.reset_auto_parallel_context()
        >>> autograph.get_auto_parallel_context('parallel_mode')
        'stand_alone'
    """
    with _lock:
        _parallel.clear()
        _parallel.update(_PARALLEL_DEFAULTS)
