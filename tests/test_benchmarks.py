"""benchmarks/compare.py runs: it checks autograph's gradients against the hand-written NumPy ones
and prints its tables. Only whether it ran is asserted, never a time (CI machines vary)."""
import pathlib
import re
import subprocess
import sys

COMPARE = pathlib.Path(__file__).resolve().parents[1] / 'benchmarks' / 'compare.py'


def markdown_rows(out, header_start):
    """The rows of the Markdown table whose header starts with `header_start`, as lists of cells."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[start:]:
        if not line.startswith('|'):
            break
        rows.append([cell.strip() for cell in line.strip('|').split('|')])
    return rows[0], rows[2:]


def test_compare_quick_tutorial():
    # JAX, PyTorch and autograd are optional (the bench extra), so only autograph is asked for.
    done = subprocess.run([sys.executable, str(COMPARE), '--quick', '--cases', 'tutorial',
                           '--versions', 'autograph,autograph_generated', '--markdown'],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert 'checked tutorial: autograph, autograph_generated match the NumPy reference' in out
    header, rows = markdown_rows(out, '| case | NumPy µs |')
    assert len(rows) == 1 and rows[0][0].startswith('tutorial')
    row = dict(zip(header, rows[0]))
    for column in ('NumPy µs', 'autograph', 'autograph generated'):
        assert re.fullmatch(r'\d+\.\d\d?', row[column]), (column, out)
    assert row['JAX jit'] == row['torch eager'] == row['autograd'] == '-'
    _, first_calls = markdown_rows(out, '| case | autograph | JAX jit |')
    assert re.fullmatch(r'\d+', first_calls[0][1]), out
