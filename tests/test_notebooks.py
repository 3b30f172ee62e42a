"""The notebooks run headless against the real corpus's tables, so they never rot."""
import json

import nbformat
import pytest

from pipeline.notebooks import NOTEBOOK_DIR, execute_notebook

pytestmark = pytest.mark.e2e

NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def test_both_notebooks_exist():
    assert [p.name for p in NOTEBOOKS] == ["01-extraction-quality.ipynb", "02-explore.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_executes_against_real_tables(path, real_run):
    nb = execute_notebook(path, real_run)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code)
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert errors == []
    shown = json.dumps([c.outputs for c in code])
    assert "tables from" in shown
    if path.name.startswith("01-"):   # the real run has no corrections, and the notebook says so
        assert "No corrections in force" in shown
    drawing = [c for c in code if "plt." in c.source or ".plot(" in c.source]
    assert drawing, "the notebook draws charts"
    for cell in drawing:   # every chart is in the executed notebook, not only drawn off-screen
        assert any("image/png" in o.get("data", {}) for o in cell.outputs), cell.source[:80]
