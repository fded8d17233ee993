"""Generated source -> a Python function, registered with linecache so that tracebacks,
`inspect.getsource` and the compiler itself can read it; and run-time errors mapped back from
generated lines to the user's.

`CHECKS` holds functions called with every `Generated` before it runs (the test suite adds one
that checks the module's names and constants); it is empty otherwise.
"""
import itertools
import linecache

_COUNTER = itertools.count()
CHECKS = []


def load(generated):
    for check in CHECKS:
        check(generated)
    filename = f'<autograph {generated.name} #{next(_COUNTER)}>'
    # Compiling parses the source text itself: code that runs is code that reads back.
    code = compile(generated.source, filename, 'exec')
    linecache.cache[filename] = (len(generated.source), None,
                                 generated.source.splitlines(True), filename)
    namespace = dict(generated.namespace)
    exec(code, namespace)
    return namespace[generated.name]


def user_location(exc, fn, line_map):
    """The user's SourceLoc of the generated line where `exc` was raised inside `fn`, if any."""
    filename = fn.__code__.co_filename
    tb, loc = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            loc = line_map.get(tb.tb_lineno, loc)
        tb = tb.tb_next
    return loc
