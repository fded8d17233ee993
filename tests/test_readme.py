"""README.md stays true: its primitive table is generated from the registry
(AUTOGRAPH_REGEN_GOLDEN=1 rewrites it), its example is the code that runs, every ```python block
runs, and so do its command-line examples."""
import os
import pathlib
import re

from runtime.array_api import OPERATOR, NumpyOnly, Spelled, rule_of
from runtime.primitive import REGISTRY

README = pathlib.Path(__file__).resolve().parents[1] / 'README.md'
START, END = '<!-- primitives:start -->', '<!-- primitives:end -->'


def primitive_table():
    rows = ['| primitive | generated code | array API code | gradient |', '| --- | --- | --- | --- |']
    for name, prim in sorted(REGISTRY.items()):
        spelling = f'`a {prim.infix} b`' if prim.infix else f'`{prim.prefix}a`' if prim.prefix \
            else f'`a {prim.augmented} b`' if prim.augmented else f'`{prim.spelling}(...)`'
        if prim.method:
            spelling += f' or `a.{prim.method}(...)`'
        if prim.attribute:
            spelling += f' or `a.{prim.attribute}`'
        rows.append(f"| {name} | {spelling} | {_array_api(prim)} | {'yes' if prim.differentiable else 'none (zero)'} |")
    return '\n'.join(rows)


def _array_api(prim):
    """How the array API dialect writes it (runtime.array_api.rule_of)."""
    rule = rule_of(prim)
    if isinstance(rule, NumpyOnly):
        return 'NumPy only'
    if rule == OPERATOR:
        return 'the same'
    if isinstance(rule, Spelled):
        return f'`xp.{rule.name}(...)`'
    return f'`{rule.__name__}(...)`' + (' or `a[...]`' if prim.subscript else '') + \
        (f' or `a.{prim.attribute}`' if prim.attribute else '')


def test_primitive_table_matches_registry():
    text = README.read_text()
    generated = f'{START}\n{primitive_table()}\n{END}'
    if os.environ.get('AUTOGRAPH_REGEN_GOLDEN') == '1':
        text = re.sub(f'{START}.*?{END}', lambda _: generated, text, flags=re.S)
        README.write_text(text)
    assert generated in text


def test_readme_starts_with_the_two_commands():
    lines = [l.strip() for l in README.read_text().splitlines() if l.startswith('    ')]
    assert 'examples/train_digits.py' in lines[0] and "'.[examples]'" in lines[0]
    assert 'pytest' in lines[1] and "'.[test]'" in lines[1]


def test_readme_example_source_is_what_get_source_prints():
    import tests.codegen.test_golden  # noqa: F401  (the golden file is checked there)
    golden = (README.parent / 'tests/codegen/golden/function_grad.py').read_text()
    assert golden in README.read_text()


def test_readme_vmap_source_is_what_get_source_prints():
    import tests.codegen.test_golden  # noqa: F401  (the golden file is checked there)
    golden = (README.parent / 'tests/codegen/golden/regression_loss_grad_vmap.py').read_text()
    assert golden.rstrip('\n') in README.read_text()


def python_blocks():
    return re.findall(r'```python\n(.*?)```', README.read_text(), re.S)


def test_every_python_block_runs(tmp_path, capsys, monkeypatch):
    """Each ```python block runs as a file of its own (so that its functions and lambdas have
    source), from a directory of its own."""
    import runpy
    monkeypatch.chdir(tmp_path)
    blocks = python_blocks()
    assert len(blocks) >= 4
    for k, block in enumerate(blocks):
        path = tmp_path / f'readme_block_{k}.py'
        path.write_text(block)
        runpy.run_path(str(path), run_name=f'readme_block_{k}')
    out = capsys.readouterr().out
    assert '[0.5 1. ]' in out                       # the custom_vjp example


def test_the_command_line_examples_run(tmp_path, capsys, monkeypatch):
    from autograph import cli
    root = README.parent
    commands = [line.strip() for line in README.read_text().splitlines()
                if line.startswith('    autograph ')]
    assert len(commands) == 3
    monkeypatch.chdir(root)
    for command in commands:
        argv = command.split()[1:]
        if '-o' in argv:
            argv[argv.index('-o') + 1] = str(tmp_path / 'out.py')
        assert cli.main(argv) in (0, None)
    assert 'def function_value_and_grad' in (tmp_path / 'out.py').read_text()
