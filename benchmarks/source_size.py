"""How big second-order code gets: for every control-flow corpus entry, the lines of the
generated grad(grad(f)) (the gradient of a weighted sum of f's gradient) over those of grad(f).

Run:  python benchmarks/source_size.py
"""
import contextlib
import io
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))   # the tests package

import autograph  # noqa: E402
from tests.frontend.control_corpus import CORPUS  # noqa: E402
from tests.frontend.test_control_flow import _weighted_first_derivative  # noqa: E402


def lines(grad_fn, args):
    with contextlib.redirect_stdout(io.StringIO()):    # some entries print as they run
        grad_fn(*args)
    return autograph.get_source(grad_fn).count('\n')


def main():
    ratios = []
    for name, (fn, args, positions) in sorted(CORPUS.items()):
        p = positions[0]
        weights = np.random.default_rng(len(name)).uniform(-1, 1, np.shape(args[p]))
        first = lines(autograph.grad(fn, p), args)
        second = lines(autograph.grad(_weighted_first_derivative(fn, p, weights), p), args)
        ratios.append((second / first, name, first, second))
    ratios.sort()
    values = np.array([r for r, *_ in ratios])
    print(f"{len(ratios)} corpus entries; lines of grad(grad(f)) / lines of grad(f): "
          f"median {np.median(values):.2f}, mean {values.mean():.2f}, max {values.max():.2f}")
    for ratio, name, first, second in ratios[-3:]:
        print(f"  largest: {name}: {first} -> {second} lines ({ratio:.2f})")


if __name__ == '__main__':
    main()
