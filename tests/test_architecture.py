"""The core knows nothing of the UI, and stays in small modules."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_core_never_imports_streamlit():
    code = ("import pkgutil, importlib, sys, lvm_data\n"
            "for m in pkgutil.walk_packages(lvm_data.__path__, 'lvm_data.'):\n"
            "    m.name.endswith('__main__') or importlib.import_module(m.name)\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('streamlit', 'lvm_ui')]\n"
            "print(bad); sys.exit(1 if bad else 0)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_no_core_source_mentions_streamlit():
    offenders = [p.name for p in (ROOT / "lvm_data").rglob("*.py")
                 if "import streamlit" in p.read_text() or "from streamlit" in p.read_text()]
    assert offenders == []


def test_modules_stay_small():
    big = [str(p.relative_to(ROOT)) for folder in ("lvm_data", "pages", "lvm_ui")
           for p in (ROOT / folder).rglob("*.py") if len(p.read_text().splitlines()) > 450]
    assert big == []
