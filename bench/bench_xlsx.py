"""Benchmark: reading an XLSX export with python-calamine (the import path) vs openpyxl.

    python bench/bench_xlsx.py                 # 100,000 rows x 40 columns
    python bench/bench_xlsx.py --rows 20000    # quicker

Both read the same generated workbook in the same run and write the same CSV; the ratio
openpyxl / calamine is printed. openpyxl (read-only, values only) was the reader before.
"""
from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from lvm_data.limits import Limits  # noqa: E402
from lvm_data.xlsx import cell_text, xlsx_to_csv  # noqa: E402


def make_workbook(path: Path, rows: int, cols: int) -> None:
    from openpyxl import Workbook
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Responses")
    ws.append(["ID", *(f"Q{i}" for i in range(1, cols))])
    for r in range(rows):
        ws.append([f"R{r:07d}", *(((r * 7 + c * 3) % 5) + 1 for c in range(1, cols))])
    wb.save(path)


def openpyxl_to_csv(path: Path, out: Path) -> None:
    import openpyxl
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    with open(out, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        for row in wb.worksheets[0].iter_rows(values_only=True):
            writer.writerow([cell_text(v) for v in row])
    wb.close()


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cols", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "export.xlsx"
        print(f"writing {args.rows:,} x {args.cols} workbook ...", flush=True)
        make_workbook(book, args.rows, args.cols)
        limits = Limits(max_uncompressed_mb=10_000, max_compression_ratio=10**6)
        calamine = timed(lambda: xlsx_to_csv(book, book.name, limits)[0].unlink())
        baseline = timed(lambda: openpyxl_to_csv(book, Path(tmp) / "o.csv"))
    print(f"{'reader':<12}{'seconds':>10}")
    print(f"{'calamine':<12}{calamine:>10.2f}")
    print(f"{'openpyxl':<12}{baseline:>10.2f}")
    print(f"openpyxl / calamine = {baseline / calamine:.1f}x")


if __name__ == "__main__":
    main()
