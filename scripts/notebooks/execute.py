"""Execute one notebook with nbclient and write the executed copy, also when a cell fails.

Usage: python3 execute.py NOTEBOOK OUT_FILE KERNEL_NAME CELL_TIMEOUT_S
Exit 0 when every cell ran; 1 on a failing cell (its source and outputs, which hold tslab's compile
errors, go to stderr). Called by scripts/notebooks/run.ts; needs Debian's python3-nbclient.
"""
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def text_of(output):
    if output.get("output_type") == "stream":
        return output.get("text", "")
    if output.get("output_type") == "error":
        return "%s: %s" % (output.get("ename"), output.get("evalue"))
    return ""


def main(notebook, out_file, kernel_name, timeout):
    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(nb, timeout=int(timeout), kernel_name=kernel_name,
                            resources={"metadata": {"path": os.path.dirname(os.path.abspath(notebook))}})
    failed = None
    try:
        client.execute()
    except CellExecutionError as e:
        failed = e
    finally:
        nbformat.write(nb, out_file)
    if failed is None:
        return 0
    # The failing cell is the last one that has an execution count.
    ran = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.get("execution_count")]
    at = ran[-1] if ran else 0
    cell = nb.cells[at]
    print("cell %d failed:\n%s\n--- its output:\n%s\n--- %s" % (
        at, cell.source, "".join(text_of(o) for o in cell.get("outputs", [])).strip(), str(failed).strip().splitlines()[-1]),
        file=sys.stderr)
    return 1


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
