"""Shrink a failing fuzz program to a small one that fails the same way:

    python -m tests.fuzz.reduce SEED            # the program of that seed (tests.fuzz.run's)
    python -m tests.fuzz.reduce --file F.py     # a program written by tests.fuzz.run --out

Greedy, on the syntax tree: delete statements, replace an `if`/`for`/`while` by its body, drop
`else` clauses and unused functions, replace an expression by one of its operands; keep a change
when the program still runs eagerly and its outcome has the same signature (status, stage, and
the refusal's message or the exception's type). Prints the smallest program found."""
import argparse
import ast
import copy
import pathlib
import re
import sys
import tempfile
from tests.fuzz.check import Outcome, check
from tests.fuzz.programs import Program


def signature(outcome: Outcome):
    if outcome.status == 'refused':
        return (outcome.status, outcome.key)
    if outcome.status == 'crash':
        lines = [l for l in outcome.detail.strip().split('\n') if l and not l.startswith(' ')]
        last = lines[-1] if lines else ''
        kind = last.split(':')[0]
        if 'CompileError' in outcome.detail.split('\n')[0]:
            kind = re.sub(r'File "[^"]+", line \d+, column \d+: ', '', outcome.detail.split('\n')[1])
            kind = re.sub(r'\d+', 'N', kind)
        return (outcome.status, outcome.stage, kind)
    return (outcome.status, outcome.stage)


def _bodies(tree):
    """Every (node, field) holding a statement list."""
    for node in ast.walk(tree):
        for name in ('body', 'orelse'):
            body = getattr(node, name, None)
            if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                yield node, name


def candidates(tree):
    """Smaller variants of `tree`, most aggressive first."""
    paths = list(_bodies(tree))
    # drop whole else clauses, then statements (last first), then flatten compound statements
    for k, (node, name) in enumerate(paths):
        if name == 'orelse':
            yield _edit(tree, k, lambda n, f: setattr(n, f, []))
    for k, (node, name) in enumerate(paths):
        body = getattr(node, name)
        for j in reversed(range(len(body))):
            if isinstance(node, ast.FunctionDef) and j == len(body) - 1 and \
                    isinstance(body[j], ast.Return):
                continue    # a function keeps its last return (else it may give None)
            if isinstance(node, ast.While) and name == 'body' and j == 0:
                continue    # a while's counter (without it the loop may never end)
            yield _edit(tree, k, lambda n, f, j=j: _delete(n, f, j))
    for k, (node, name) in enumerate(paths):
        for j, stmt in enumerate(getattr(node, name)):
            if isinstance(stmt, (ast.If, ast.For, ast.While)):
                yield _edit(tree, k, lambda n, f, j=j: _splice(n, f, j, 'body'))
                if stmt.orelse:
                    yield _edit(tree, k, lambda n, f, j=j: _splice(n, f, j, 'orelse'))
    # expressions: replace by an operand
    exprs = [n for n in ast.walk(tree) if isinstance(n, ast.expr)]
    # a return's value keeps its shape (a return not run would not show a wrong one)
    returned = {id(n) for r in ast.walk(tree) if isinstance(r, ast.Return) for n in ast.walk(r)}
    # and a while's test stays (a loop bounded by its counter could run for ever)
    returned |= {id(n) for w in ast.walk(tree) if isinstance(w, ast.While) for n in ast.walk(w.test)}
    for k, node in enumerate(exprs):
        if id(node) in returned:
            continue
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr) and not isinstance(node, ast.Attribute):
                yield _replace_expr(tree, k, child)


def _delete(node, field, j):
    body = getattr(node, field)
    del body[j]
    if not body and field == 'body':
        body.append(ast.Pass())


def _splice(node, field, j, part):
    body = getattr(node, field)
    stmt = body[j]
    body[j:j + 1] = getattr(stmt, part) or [ast.Pass()]


def _edit(tree, k, change):
    new = copy.deepcopy(tree)
    node, field = list(_bodies(new))[k]
    change(node, field)
    return new


def _replace_expr(tree, k, child):
    new = copy.deepcopy(tree)
    exprs = [n for n in ast.walk(new) if isinstance(n, ast.expr)]
    target = exprs[k]
    replacement = [c for c in ast.iter_child_nodes(target)
                   if ast.dump(c) == ast.dump(child)][0]

    class Swap(ast.NodeTransformer):
        def generic_visit(self, node):
            if node is target:
                return replacement
            return super().generic_visit(node)
    return Swap().visit(new)


def _names_defined(tree):
    """Whether every name a function reads is assigned somewhere in it, a parameter, or
    module-level (a reduction that deletes a definition on a path eager execution never takes
    would give a program Python runs and the compiler rightly refuses)."""
    import builtins
    module = {n.id for n in tree.body if isinstance(n, ast.Assign) for n in n.targets
              if isinstance(n, ast.Name)} | {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    module |= {a.asname or a.name.split('.')[0] for n in tree.body
               if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    for fn in ast.walk(tree):
        if not isinstance(fn, (ast.FunctionDef, ast.Lambda)):
            continue
        known = module | set(dir(builtins)) | {a.arg for a in ast.walk(fn.args) if isinstance(a, ast.arg)}
        known |= {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        known |= {n.name for n in ast.walk(fn) if isinstance(n, ast.FunctionDef)}
        known |= {a.arg for lam in ast.walk(fn) if isinstance(lam, ast.Lambda) for a in ast.walk(lam.args)
                  if isinstance(a, ast.arg)}
        if any(isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in known
               for n in ast.walk(fn)):
            return False
    return True


def reduce(program: Program, directory, wanted=None, log=print):
    """The smallest program found whose outcome has signature `wanted` (the original's by
    default)."""
    first = check(program, directory)
    wanted = wanted or signature(first)
    log(f'reducing: {wanted}')
    tree = ast.parse(program.source)
    best = program.source
    changed = True
    while changed:      # passes over all candidates; after a success, go on from where it was
        changed = False
        start = 0
        while True:
            for k, cand in enumerate(candidates(tree)):
                if k < start:
                    continue
                try:
                    source = ast.unparse(ast.fix_missing_locations(cand)) + '\n'
                except Exception:
                    continue
                if len(source) >= len(best) or not _names_defined(cand):
                    continue
                trial = Program(source, program.args, program.positions, program.returns)
                try:
                    outcome = check(trial, directory, timeout=5)
                except Exception:
                    continue
                if signature(outcome) == wanted:
                    tree, best, changed, start = cand, source, True, k
                    log(f'  {len(source)} characters')
                    break
            else:
                break
    return best


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument('seed', type=int, nargs='?')
    parser.add_argument('--file')
    parser.add_argument('--size', type=float, default=1.0)
    opts = parser.parse_args(argv)
    if opts.file:
        text = pathlib.Path(opts.file).read_text()
        m = re.search(r'# seed (\d+)', text)
        opts.seed = int(m.group(1))
    from tests.fuzz.run import program_for
    program = program_for(opts.seed, opts.size)
    with tempfile.TemporaryDirectory() as tmp:
        best = reduce(program, pathlib.Path(tmp))
        print(best)
        print('args:', program.args, 'positions:', program.positions)
        final = check(Program(best, program.args, program.positions, None), pathlib.Path(tmp))
        print(f'{final.status} ({final.stage}) {final.key}\n{final.detail}')


if __name__ == '__main__':
    sys.exit(main())
