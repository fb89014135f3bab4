"""The body fit's Jacobian sparsity (metrics/body_fit.py): model-free."""

import numpy as np
from scipy.sparse import csr_matrix

import metrics.body_fit as body_fit


def _leg(n: int = 60, seed: int = 0):
    """A swinging two-link leg (thigh 100 px, shank 90 px) with detection noise and a few missing frames."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / 60.0
    hip = np.stack([300 + 5 * np.sin(6 * t), 200 + 3 * np.cos(12 * t)], -1)
    phase = 2 * np.pi * 1.4 * t
    th = 0.5 * np.sin(phase)
    sh = th - 0.6 * (1 + np.cos(phase))
    knee = hip + 100 * body_fit._unit(th) + rng.normal(0, 2, (n, 2))
    ankle = knee + 90 * body_fit._unit(sh) + rng.normal(0, 2, (n, 2))
    knee[[7, 30]] = np.nan
    ankle[[8, 31, 32]] = np.nan
    return hip, knee, ankle, rng.uniform(0.3, 1, n), rng.uniform(0.3, 1, n)


def test_sparsity_leaves_out_no_dependency(monkeypatch):
    """Fitting with every Jacobian entry marked as possibly non-zero gives the same leg (to 1e-9 px):
    the pattern misses nothing the residuals depend on (a missed one would change the fit)."""
    hip, knee, ankle, wk, wa = _leg()
    sparse = body_fit.fit_leg(hip, knee, ankle, wk, wa, fps=60.0)
    monkeypatch.setattr(body_fit, "_sparsity", lambda n: csr_matrix(np.ones((4 * n + 2 * (n - 2), 2 * n + 2), int)))
    dense = body_fit.fit_leg(hip, knee, ankle, wk, wa, fps=60.0)
    for a, b in zip(sparse, dense):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-9)


def test_sparsity_has_the_residuals_shape():
    """4 data rows a frame, 2 smoothness rows a frame but the first two; 2 angles a frame plus two lengths."""
    pattern = body_fit._sparsity(10)
    assert pattern.shape == (4 * 10 + 2 * 8, 2 * 10 + 2)
    assert pattern.nnz == 10 * (2 + 2 + 3 + 4) + 2 * 8 * 3  # knee x, knee y, across, along; two smoothness rows
