"""Meshes rebuilt from the 12 transmitted face parameters and the KB reference against the extracted ones."""

import numpy as np
import pytest
from gnuradio.semsat.semantic.generate import qa_render_cases as cases
from gnuradio.semsat.semantic.generate.mesh_from_params import MeshModel


@pytest.mark.parametrize("name", [*cases.GRID, *cases.OTHERS])
def test_rebuilt_meshes_match_the_extracted_ones(name):
    face = cases.case(name).face
    rebuilt = MeshModel.from_reference(face.mesh468[0], face.face_params[0]).meshes(face.face_params)
    error = np.linalg.norm(rebuilt[..., :2] - face.mesh468[..., :2], axis=-1).mean(axis=1)
    print(f"{name}: mesh error mean {error.mean():.2f} px, p95 {np.percentile(error, 95):.2f} px")
    assert error[0] < 1e-3  # the reference itself comes back exactly
    assert error.mean() < (0.5 if name in cases.GRID else 1.0) and np.percentile(error, 95) < 1.5


def test_bad_parameters_are_refused():
    face = cases.case(cases.GRID[0]).face
    model = MeshModel.from_reference(face.mesh468[0], face.face_params[0])
    with pytest.raises(ValueError):
        model.meshes(np.full((2, 12), np.nan))
    with pytest.raises(ValueError):
        model.meshes(np.zeros((2, 11)))
