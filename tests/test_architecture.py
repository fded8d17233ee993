"""The import graph of autograph and runtime follows the pipeline, one way.

Every import counts, also one inside a function (an import that only dodges a circle at load
time is still a circle). Importing `a.b.c` runs `a/b/__init__.py` first, so it counts as
importing the package `a.b` too, unless the importer is inside `a.b` already.

`python -m tests.test_architecture` prints the picture: each stage with its modules and their
sizes in lines, then the circles and the upward arrows.
"""
import ast
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Top to bottom: a module may import from its own stage and the stages below it. A module
# belongs to the stage of the longest prefix here that names it, so a new top-level module of
# autograph starts in the API's stage.
STAGES = [
    # what users call: the public API, the compile machinery and cache behind it, the nn library
    # (its TrainOneStepCell takes gradients), checkpoints, datasets, the command line
    ('api', ['autograph', 'autograph.__main__', 'autograph.api', 'autograph.transforms',
             'autograph.compiler', 'autograph.cache', 'autograph.cli', 'autograph.export',
             'autograph.nn', 'autograph.dataset', 'autograph.serialization', 'autograph.ops']),
    ('frontend', ['autograph.frontend']),
    ('ad', ['autograph.ad']),
    ('passes', ['autograph.passes']),
    ('codegen', ['autograph.codegen']),
    ('ir', ['autograph.ir']),
    # what every stage may use: the Cell base class the frontend inlines and guards watch, the
    # guards themselves (recorded by the frontend, checked by the cache), nested containers,
    # source locations, errors
    ('shared', ['autograph.cell', 'autograph.guards', 'autograph.tree', 'autograph.source',
                'autograph.errors']),
    ('runtime', ['runtime']),
]
# Ops bind primitives, and a primitive's adjoint and batching rules are written in ops; Tensor's
# methods are ops, and ops take and make Tensors. That circle stays inside runtime.
ALLOWED_CIRCLE = 'runtime'


def modules():
    """{dotted name: path} of every module of autograph and runtime (a package as its name)."""
    found = {}
    for package in ('autograph', 'runtime'):
        for path in sorted((ROOT / package).rglob('*.py')):
            parts = path.relative_to(ROOT).with_suffix('').parts
            found['.'.join(parts[:-1] if parts[-1] == '__init__' else parts)] = path
    return found


def _imported(node, package):
    """The dotted names an import statement imports, relative ones resolved against `package`."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ''
    if node.level:
        parts = package.split('.')
        base = '.'.join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
    return [base] + [f'{base}.{alias.name}' for alias in node.names]


def graph(found=None):
    """{module: set of the modules it imports, its packages' __init__ included}."""
    found = found or modules()
    edges = {}
    for name, path in found.items():
        package = name if path.name == '__init__.py' else name.rpartition('.')[0]
        own = {'.'.join(name.split('.')[:k]) for k in range(1, name.count('.') + 2)}
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for dotted in _imported(node, package):
                    parts = dotted.split('.')
                    targets |= {'.'.join(parts[:k]) for k in range(1, len(parts) + 1)}
        edges[name] = {t for t in targets if t in found and t not in own}
    return edges


def stage_of(name):
    best = max(((len(prefix), index) for index, (_, prefixes) in enumerate(STAGES)
                for prefix in prefixes if name == prefix or name.startswith(prefix + '.')), default=None)
    assert best is not None, f"{name} is in no stage"
    return best[1]


def circles(edges):
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while v not in component:
                component.add(stack.pop())
            on_stack.difference_update(component)
            if len(component) > 1:
                found.append(sorted(component))
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def upward(edges):
    return sorted((a, b) for a in edges for b in edges[a] if stage_of(b) < stage_of(a))


def _inside(name, package):
    return name == package or name.startswith(package + '.')


# ---------------------------------------------------------------- the checks
def test_every_stage_prefix_names_a_module():
    found = modules()
    stale = [p for _, prefixes in STAGES for p in prefixes if not any(_inside(m, p) for m in found)]
    assert not stale, f"the stage table names modules that do not exist: {stale}"


def test_no_circle_but_runtimes_own():
    outside = [c for c in circles(graph()) if not all(_inside(m, ALLOWED_CIRCLE) for m in c)]
    assert not outside, f"import circles: {outside}"


def test_no_import_goes_up_the_pipeline():
    arrows = upward(graph())
    assert not arrows, "imports from a lower stage to a higher one: " + ', '.join(
        f"{a} ({STAGES[stage_of(a)][0]}) -> {b} ({STAGES[stage_of(b)][0]})" for a, b in arrows)


def test_runtime_never_imports_autograph():
    edges = graph()
    wrong = sorted((a, b) for a in edges if _inside(a, 'runtime') for b in edges[a] if _inside(b, 'autograph'))
    assert not wrong, f"runtime imports autograph: {wrong}"


# ---------------------------------------------------------------- the picture
def picture():
    found = modules()
    edges = graph(found)
    lines = []
    for index, (stage, _) in enumerate(STAGES):
        members = [m for m in sorted(found) if stage_of(m) == index]
        sizes = {m: len(found[m].read_text().splitlines()) for m in members}
        lines.append(f"{stage}: {len(members)} modules, {sum(sizes.values())} lines")
        lines += [f"    {m:<44}{sizes[m]:>5}" for m in members]
    lines.append('circles (modules that import each other, through any path):')
    for component in circles(edges):
        allowed = ' (allowed)' if all(_inside(m, ALLOWED_CIRCLE) for m in component) else ''
        lines.append(textwrap.fill(f"{len(component)} modules{allowed}: {', '.join(component)}", 100,
                                   initial_indent='    ', subsequent_indent='        '))
    if not circles(edges):
        lines.append('    none')
    lines.append('upward arrows:')
    lines += [f"    {a} -> {b}" for a, b in upward(edges)] or ['    none']
    return '\n'.join(lines)


if __name__ == '__main__':
    print(picture())
