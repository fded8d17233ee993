"""examples/higher_order.py: its three Hessians agree, and the custom rule gives finite values."""
import importlib.util
import pathlib

import numpy as np

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / 'examples' / 'higher_order.py'
spec = importlib.util.spec_from_file_location('higher_order', EXAMPLE)
higher_order = importlib.util.module_from_spec(spec)
spec.loader.exec_module(higher_order)


def test_hessians_agree_and_the_custom_rule_is_stable(capsys):
    by_reverse, by_forward, by_differences, stable = higher_order.main(quiet=True)
    np.testing.assert_allclose(by_forward, by_reverse, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(by_differences, by_reverse, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(by_reverse, by_reverse.T, atol=1e-14)
    x = np.array([-3.0, 0.5, 800.0])
    np.testing.assert_allclose(stable, 1 / (1 + np.exp(-x)))
    assert 'Hessian' in capsys.readouterr().out
