"""The warp's per-triangle affines: each maps its target triangle's corners exactly onto the source's, as a
direct linear solve does; degenerate target triangles get the identity and are marked."""

import numpy as np
from gnuradio.semsat.semantic.generate.render_warp import triangle_affines


def test_affines_map_corners_and_match_a_linear_solve():
    rng = np.random.default_rng(0)
    target = rng.uniform(0, 256, (300, 2))
    source = target + rng.normal(0, 5, (300, 2))
    triangles = np.array([rng.choice(300, 3, replace=False) for _ in range(1000)], dtype=np.int32)
    triangles[:4] = (7, 7, 9)  # two corners in one point: no area
    affines, valid = triangle_affines(target, source, triangles)
    assert not valid[:4].any() and valid[4:].all()
    assert np.array_equal(affines[:4], np.broadcast_to(np.eye(2, 3), (4, 2, 3)))
    corners = target[triangles[4:]]
    mapped = np.einsum("fij,fkj->fki", affines[4:, :, :2], corners) + affines[4:, None, :, 2]
    np.testing.assert_allclose(mapped, source[triangles[4:]], atol=1e-6)
    homogeneous = np.concatenate([corners, np.ones((len(corners), 3, 1))], axis=2)
    solved = np.linalg.solve(homogeneous, source[triangles[4:]]).transpose(0, 2, 1)
    np.testing.assert_allclose(affines[4:], solved, rtol=1e-6, atol=1e-6)
