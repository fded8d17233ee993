"""MindSpore's `mindspore.communication` (init, get_rank, get_group_size, release) over a Dask
cluster.

MindSpore starts one process per device and `init()` joins them. Here one process, the one that
calls `init`, drives a Dask cluster: it holds the Parameters and runs the optimizer, and the
workers compute the gradients of their shards of each batch (autograph.distributed). So the
group is the cluster's workers, `get_group_size()` counts them, and the driving process is
rank 0, which keeps the `if get_rank() == 0: save_checkpoint(...)` idiom of ported scripts
right.

Dask is imported only here and in autograph.distributed, when they are used: `import autograph`
does not need it. Install it with `pip install 'autograph[distributed]'`.
"""
import threading
from typing import Any, Optional

__all__ = ['init', 'release', 'get_rank', 'get_group_size']

_lock = threading.Lock()
_state: dict[str, Any] = {'client': None, 'owned': False}


def dask_distributed() -> Any:
    """The `distributed` package, or an ImportError that says how to install it."""
    try:
        import distributed
    except ImportError as e:
        raise ImportError("data-parallel training runs on Dask: pip install 'autograph[distributed]' "
                          "(or pip install 'dask[distributed]')") from e
    return distributed


def init(backend_name: Optional[str] = None, *, client: Any = None) -> None:
    """Connect to a Dask cluster, as MindSpore's `init` joins the devices.

    Args:
        backend_name: None or 'dask' (MindSpore's 'hccl', 'nccl' and 'mccl' are device
            libraries autograph does not use: a ValueError).
        client: a `dask.distributed.Client`, or a scheduler's address ('tcp://host:8786').
            Without it: the Client this process made last, else the scheduler that Dask's
            configuration names (the DASK_SCHEDULER_ADDRESS environment variable).

    Returns:
        None. A RuntimeError says how to start a cluster when none is found.

    Example:
        >>> from dask.distributed import Client, LocalCluster
        >>> from autograph import communication
        >>> client = Client(LocalCluster(n_workers=2, processes=False, dashboard_address=None))
        >>> communication.init(client=client)
        >>> communication.get_group_size()
        2
        >>> communication.release(); client.close(); client.cluster.close()
    """
    if backend_name not in (None, 'dask'):
        raise ValueError(f"init: backend {backend_name!r} is a device library autograph does not use; "
                         "autograph's workers are a Dask cluster: init(client=...) or init()")
    found, owned = _connect(client)
    with _lock:
        _state.update(client=found, owned=owned)


def _connect(client: Any) -> tuple[Any, bool]:
    """(a Client, whether init made it) for init's `client` argument."""
    distributed = dask_distributed()
    if isinstance(client, distributed.Client):
        return client, False
    if isinstance(client, str):
        return distributed.Client(client), True
    if client is not None:
        raise TypeError(f"init: client must be a dask.distributed.Client or a scheduler address, "
                        f"not a {type(client).__name__}")
    try:
        return distributed.default_client(), False
    except ValueError:
        pass
    import dask
    address = dask.config.get('scheduler-address', None)
    if address:
        return distributed.Client(address), True
    raise RuntimeError(NO_CLUSTER)


NO_CLUSTER = ("no Dask cluster: make a Client first (from dask.distributed import Client, LocalCluster; "
              "client = Client(LocalCluster(n_workers=2))) and pass it (client=client), give a "
              "scheduler's address (client='tcp://host:8786'), or set DASK_SCHEDULER_ADDRESS")


def current_client() -> Any:
    """The Client `init` connected, or a RuntimeError saying to call init."""
    with _lock:
        found = _state['client']
    if found is None:
        raise RuntimeError("data-parallel training needs a Dask cluster: call "
                           "autograph.communication.init(client=...) first, or pass the client "
                           "(DataParallel(network, optimizer, client))")
    return found


def release() -> None:
    """Forget the cluster `init` connected (closing the Client if init made it).

    Example:
        >>> from autograph import communication
        >>> communication.release()
    """
    with _lock:
        found, owned = _state['client'], _state['owned']
        _state.update(client=None, owned=False)
    if found is not None and owned:
        found.close()


def get_rank(group: Optional[str] = None) -> int:
    """The rank of this process: 0, the process that drives the cluster and holds the
    Parameters (the workers compute gradients of their shards, they run no user code).

    Args:
        group: None (the world group; autograph makes no other groups).

    Returns:
        0. A RuntimeError before `init`, as in MindSpore.

    Example:
        >>> from dask.distributed import Client, LocalCluster
        >>> from autograph import communication
        >>> client = Client(LocalCluster(n_workers=1, processes=False, dashboard_address=None))
        >>> communication.init(client=client)
        >>> communication.get_rank()
        0
        >>> communication.release(); client.close(); client.cluster.close()
    """
    _world(group)
    current_client()
    return 0


def get_group_size(group: Optional[str] = None) -> int:
    """The number of workers of the cluster `init` connected, now.

    Args:
        group: None (the world group; autograph makes no other groups).

    Returns:
        An int. A RuntimeError before `init`, as in MindSpore.

    Example:
        >>> from dask.distributed import Client, LocalCluster
        >>> from autograph import communication
        >>> client = Client(LocalCluster(n_workers=2, processes=False, dashboard_address=None))
        >>> communication.init(client=client)
        >>> communication.get_group_size()
        2
        >>> communication.release(); client.close(); client.cluster.close()
    """
    _world(group)
    return len(current_client().nthreads())


def _world(group: Optional[str]) -> None:
    if group is not None:
        raise ValueError(f"group {group!r}: autograph has only the world group (group=None)")
