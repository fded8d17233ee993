"""The public API documents itself: every public function and class of `autograph`,
`autograph.nn`, `autograph.ops`, `autograph.train`, `autograph.distributed` and
`autograph.communication` has a docstring with an Example section,
and every example runs and prints what it shows.

Names not documented yet are listed in tests/reference/undocumented.txt. The list may only
shrink: a new public name must come with its example, and a name documented since must leave
the list (`python -m tests.test_docs` rewrites it)."""
import doctest
import inspect
import pathlib
import sys

import pytest

import autograph
from autograph import communication, distributed, nn, ops, train

MODULES = {'autograph': autograph, 'autograph.nn': nn, 'autograph.ops': ops, 'autograph.train': train,
           'autograph.distributed': distributed, 'autograph.communication': communication}
UNDOCUMENTED = pathlib.Path(__file__).resolve().parent / 'reference' / 'undocumented.txt'


def public():
    """{'module.name': object} for every public function and class."""
    found = {}
    for module_name, module in MODULES.items():
        names = getattr(module, '__all__', None) or [n for n in dir(module) if not n.startswith('_')]
        for name in names:
            obj = getattr(module, name)
            if inspect.ismodule(obj) or not (inspect.isclass(obj) or inspect.isroutine(obj) or callable(obj)):
                continue
            if type(obj).__module__.startswith('runtime.dtypes'):
                continue     # dtypes are values (autograph.float32), documented in the README's table
            found[f'{module_name}.{name}'] = obj
    return found


def undocumented():
    return {name for name, obj in public().items() if 'Example' not in (inspect.getdoc(obj) or '')}


def listed():
    return {line.strip() for line in UNDOCUMENTED.read_text().splitlines()
            if line.strip() and not line.startswith('#')}


def test_every_public_name_has_an_example_or_is_listed():
    missing = undocumented() - listed()
    assert not missing, f"public names without a docstring Example: {sorted(missing)}"


def test_the_list_of_undocumented_names_only_shrinks():
    # A listed name that is not public (yet, or any more) is left alone: helpers land separately.
    stale = (listed() & set(public())) - undocumented()
    assert not stale, (f"documented now, or gone: remove {sorted(stale)} from {UNDOCUMENTED.name} "
                       "(python -m tests.test_docs)")


def test_the_top_level_api_and_train_are_fully_documented():
    assert not {name for name in undocumented() if name.count('.') == 1 or name.startswith('autograph.train.')}


def _examples():
    finder = doctest.DocTestFinder(recurse=False)
    seen = set()
    for qualified, obj in sorted(public().items()):
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        # `__name__` is not autograph's: the compiler treats functions defined in autograph's own
        # modules as library code, and an example's functions are the user's.
        for test in finder.find(obj, qualified, globs={'__name__': '__example__'}):
            if test.examples:
                yield pytest.param(test, id=qualified)


@pytest.mark.parametrize('test', list(_examples()))
def test_examples_run_as_shown(test, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    output = []
    runner.run(test, out=output.append)
    assert runner.failures == 0, ''.join(output)


if __name__ == '__main__':
    names = sorted(undocumented())
    UNDOCUMENTED.write_text('# Public names still without a docstring Example (tests/test_docs.py).\n'
                            + ''.join(f'{n}\n' for n in names))
    print(f'{len(names)} undocumented names written to {UNDOCUMENTED}', file=sys.stderr)
