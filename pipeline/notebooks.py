"""Executes the notebooks headless (nbclient) against a folder of tables.

    python -m pipeline.notebooks --output data/processed

The notebooks are stored without outputs; executed copies go to `<output>/notebooks/`.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipeline import config

NOTEBOOK_DIR = config.ROOT / "notebooks"


def execute_notebook(path: Path, tables_dir: Path, gold: Path = config.GOLD_DIR, timeout: int = 600):
    """Run every cell of `path` with PIPELINE_OUTPUT pointing at `tables_dir`; returns the executed notebook."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    # No MPLBACKEND here: the notebooks use the inline backend, so their charts are in the outputs.
    env = {"PIPELINE_OUTPUT": str(Path(tables_dir).resolve()), "PIPELINE_GOLD": str(Path(gold).resolve())}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        # The kernel is this interpreter (ipykernel's native kernel), so it sees the same packages.
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(config.ROOT)}})
        client.execute()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return nb


def main(argv: list[str] | None = None) -> int:
    import nbformat

    p = argparse.ArgumentParser(prog="python -m pipeline.notebooks", description=__doc__.splitlines()[0])
    p.add_argument("--output", type=Path, default=config.PROCESSED_DIR, help="folder of tables")
    p.add_argument("--gold", type=Path, default=config.GOLD_DIR)
    args = p.parse_args(argv)
    target = args.output / "notebooks"
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(NOTEBOOK_DIR.glob("*.ipynb")):
        nb = execute_notebook(path, args.output, args.gold)
        nbformat.write(nb, target / path.name)
        print(f"executed {path.name} -> {target / path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
