"""`set_context`/`get_context`, as MindSpore's, so that ported scripts run unchanged.

Everything here is compiled from source, whatever the mode: GRAPH_MODE and PYNATIVE_MODE are
accepted and recorded but change nothing (code outside `jit` runs eagerly, code inside compiles,
in both). The only device is the CPU."""
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
