"""Running a function over rows on worker threads or processes, results in the rows' order.

Rows are drawn in the caller's thread, so the nodes upstream never run concurrently with
themselves, and at most two rows per worker are in flight: memory stays flat, and a consumer that
stops early (`take`) stops the work. Processes are forked, so the function (a closure over the
pipeline, lambdas included) is inherited rather than pickled; only rows and results travel.
"""
import itertools
import multiprocessing
from collections import deque
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

# What forked workers call, by token: set before the pool forks, so each child has its copy.
_FORKED_WORK = {}
_tokens = itertools.count()


def can_fork():
    return 'fork' in multiprocessing.get_all_start_methods()


def ordered_map(func, items, workers, processes=False):
    if workers <= 1:
        yield from map(func, items)
        return
    token = None
    if processes and can_fork():
        token = next(_tokens)
        _FORKED_WORK[token] = func
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context('fork'))
        submit = lambda item: pool.submit(_call_forked, token, item)  # noqa: E731
    else:
        pool = ThreadPoolExecutor(workers, thread_name_prefix='autograph-dataset')
        submit = lambda item: pool.submit(func, item)  # noqa: E731
    pending = deque()
    try:
        for item in items:
            pending.append(submit(item))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True)
        _FORKED_WORK.pop(token, None)


def _call_forked(token, item):
    return _FORKED_WORK[token](item)
