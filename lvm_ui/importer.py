"""Importing an upload: options, a dry-run preview of every problem, then a confirmed write.

The dry run (``ingest.import_file(..., dry_run=True)``) rolls back, so nothing is stored
before the user presses the import button. Its report is kept per file and options in
the session, so widgets on the page do not re-read a large file on every rerun.
"""
from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from lvm_data import formats, ingest, mapping, memory_import, store, tempfiles
from lvm_data.instrument import InstrumentError, parse_codebook

from . import common, gate, mapping_editor

AUTO = "auto"
PREVIEW_ROWS = 20_000       # the preview reads a bounded sample; the import checks everything


def max_bytes() -> int:
    return int(st.get_option("server.maxUploadSize")) * 1024 * 1024


@dataclass
class Upload:
    """An uploaded file, kept in memory by Streamlit; on disk only while ingest reads it."""
    data: bytes
    name: str
    digest: str

    @contextlib.contextmanager
    def on_disk(self):
        """A private temporary copy (ingest reads paths), deleted as soon as it is read, so a
        raw export with names or e-mails never lingers on the server's disk."""
        suffix = Path(self.name).suffix.lower()[:8] or ".csv"
        path = tempfiles.new_temp_file("lvm_upload", suffix)
        try:
            with open(path, "wb") as fh:
                fh.write(self.data)
            yield path
        finally:
            path.unlink(missing_ok=True)


def save(uploaded) -> Upload:
    data = uploaded.getvalue()
    return Upload(data, uploaded.name, hashlib.sha256(data).hexdigest()[:20])


def options_form() -> tuple[ingest.Options, str]:
    """The import options; returns them and a fingerprint for caching the dry run."""
    c1, _ = st.columns([1, 2])
    tools = [AUTO, *formats.TOOLS]
    tool = c1.selectbox("Survey tool", tools, key="imp_tool",
                        format_func=lambda t: "Detect automatically" if t == AUTO
                        else formats.TOOLS[t],
                        help="The preview names the tool and layout it detected; choose "
                             "another here if it is wrong.")
    c4, c5, c6 = st.columns(3)
    partial = c4.checkbox("Include partial responses", key="imp_partial",
                          help="Unfinished responses are left out unless this is ticked.")
    skip = c5.checkbox("Skip rows with invalid answers", key="imp_skip",
                       help="Otherwise a file with answers off the scale is refused.")
    codebook_file = c6.file_uploader("Codebook CSV (optional)", type=["csv"], key="imp_codebook",
                                     help="Columns question,item; add dimension,pole,reverse "
                                     "to define your own instrument.")
    codebook, cb_digest = None, ""
    if codebook_file is not None:
        raw = codebook_file.getvalue()
        cb_digest = hashlib.sha256(raw).hexdigest()[:12]
        try:
            codebook = parse_codebook(raw.decode("utf-8-sig"), codebook_file.name)
        except (InstrumentError, UnicodeDecodeError) as exc:
            st.error(f"The codebook cannot be used: {common.md(exc)}")
    options = ingest.Options(codebook=codebook,
                             tool=None if tool == AUTO else tool, include_partial=partial,
                             skip_invalid=skip, max_bytes=max_bytes())
    fingerprint = f"{tool}|{cb_digest}|{partial}"
    return options, fingerprint


def dry_run(upload: Upload, options: ingest.Options, fingerprint: str):
    """The report for these options, computed once per file, options, overrides and state of
    the waves (whether the file repeats a wave depends on them)."""
    waves = common.data_version(store.waves(common.cursor()))
    key = f"{upload.digest}|{fingerprint}|{sorted(options.overrides.items())}|{waves}"
    cache = st.session_state.setdefault("_lvm_reports", {})
    if key not in cache:
        with st.spinner("Checking the file…"):
            opts = replace(options, original_name=upload.name, preview_rows=PREVIEW_ROWS)
            for old in [k for k in cache if not k.startswith(upload.digest)]:
                del cache[old]                 # keep one file's reports, not every file's
            with upload.on_disk() as path:
                cache[key] = ingest.import_file(common.connection(), path, opts, dry_run=True)
    return cache[key]


def show_report(report: ingest.Report) -> None:
    """Counts, every problem found, and what will not be stored."""
    c1, c2, c3 = st.columns(3)
    c1.metric("Rows read", f"{report.rows_read:,}")
    blocked_ = report.blocker is not None          # not checked yet: no verdict per row
    c2.metric("Will be imported", "–" if blocked_ else f"{report.rows_importable:,}")
    c3.metric("Rejected", "–" if blocked_ else f"{report.rows_rejected:,}")
    waves = ", ".join(report.waves) if report.waves else "none (one wave, named above)"
    how = "chosen" if st.session_state.get("imp_tool", AUTO) != AUTO else "detected"
    tool = formats.TOOLS.get(report.tool, report.tool)
    layout = "" if "header row" in tool else f"; {report.layout}"   # "Plain CSV (one header row)"
    st.caption(f"Format: {common.md(tool)} ({how}{common.md(layout)}) · change it with "
               "“Survey tool” above · "
               f"Waves in the file: {common.md(waves)}")
    if report.blocker:
        st.error(f"Not ready to import: {common.md(report.blocker)}", icon=":material/rule:")
    for note in report.notes:
        st.caption(f":material/info: {common.md(note)}")
    if report.personal_columns:
        st.caption(":material/shield_person: Personal data columns, never stored: "
                   + ", ".join(common.md(c) for c in report.personal_columns))
    if report.free_text_columns:
        st.caption(":material/notes: Free-text columns (comments), never stored — keep one only "
                   "by choosing “attribute” for it in the mapping: "
                   + ", ".join(common.md(c) for c in report.free_text_columns))
    if report.hashed_key:
        st.caption(f":material/key: Respondent ids in {common.md(report.hashed_key)} name people "
                   "(e-mail or employee id): they are stored only as a keyed hash whose key "
                   "is kept outside the database.")
    if report.blocker:
        return
    if report.problems:
        st.warning("Problems found: " + "; ".join(
            f"{reason}: {n:,} row{'s' if n != 1 else ''}"
            for reason, n in sorted(report.problems.items())), icon=":material/warning:")
        st.dataframe(report.problem_rows, hide_index=True, height=min(400, 40 + 35 * len(
            report.problem_rows)))
    else:
        st.success("No problems found.", icon=":material/check_circle:")
    if report.unrecognised:
        st.caption("Answers that are not on the scale:")
        st.dataframe([{"answer": k, "count": v} for k, v in sorted(report.unrecognised.items())],
                     hide_index=True)


def repeat_choice(report: ingest.Report, options: ingest.Options) -> None:
    """A file that repeats existing waves is most likely a re-export after late responses:
    replacing them is preselected. Kept as a new wave, comparing the two would show the late
    respondents' answers alone."""
    if not report.repeats:
        return
    names = [r.wave for r in report.repeats]
    quoted = ", ".join(f"“{common.md(n)}”" for n in names)
    st.warning("This file repeats answers already imported: "
               + "; ".join(common.md(r.describe()) for r in report.repeats) + ".",
               icon=":material/content_copy:")
    replace_them = st.radio(
        "What is this file?", [True, False], key=f"imp_repeat_{'|'.join(names)}",
        format_func=lambda r: f"A re-export of {quoted}: replace it (recommended)" if r else
        "A new wave: keep both (comparing the two waves may then be refused)")
    if replace_them:
        options.replace = tuple(names)
        if options.wave in (None, report.default_wave):
            options.wave = options.wave_date = None   # the replaced wave keeps name and date
    else:
        options.as_new_wave = True


def blocked(report: ingest.Report, options: ingest.Options) -> str | None:
    """Why the import button is disabled, mirroring ingest's own checks."""
    if report.blocker:
        return "Map the questions to the instrument's items in the column mapping below."
    if report.rows_importable == 0:
        return "No response can be imported."
    if report.problems.get("invalid value") and not options.skip_invalid:
        return ("Some answers are not on the scale: tick “Skip rows with invalid answers” to "
                "import the other rows, or fix the file.")
    return None


def run_import(upload: Upload, options: ingest.Options) -> None:
    """The confirmed import, with a progress bar; the outcome is shown after a rerun."""
    gate.require_admin()
    bar = st.progress(0.0, text="Starting the import")

    def progress(fraction: float, text: str) -> None:
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=common.md(text))

    try:
        # staged and checked in memory, the file held only to store it (memory_import), so
        # every other page, here or on another server, waits for the store alone
        with upload.on_disk() as path, common.set_aside():
            summary = memory_import.import_into(common.db_path(), path,
                                                replace(options, original_name=upload.name),
                                                progress=progress)
    except (ValueError, OSError) as exc:
        bar.empty()
        st.error(f"Nothing was imported: {common.md(exc)}", icon=":material/error:")
        return
    st.session_state["_lvm_imported"] = summary.line()
    st.session_state["_lvm_show_wave"] = summary.waves[-1][0]   # the sidebar opens on it
    st.session_state["_lvm_upload_n"] = st.session_state.get("_lvm_upload_n", 0) + 1
    st.session_state.pop("_lvm_reports", None)
    st.rerun()


def mapping_section(upload: Upload, options: ingest.Options, fingerprint: str):
    """Base proposal, the user's edits, and the report with those edits applied."""
    base = dry_run(upload, replace(options, overrides={}), fingerprint)
    st.subheader("Column mapping", anchor=False)
    if base.mapping_from:
        st.info(f"Mapping from wave “{common.md(base.mapping_from)}”: this file has the same "
                "columns, so they are mapped as you confirmed them then.",
                icon=":material/history:")
    st.caption("Check what each column becomes; change “Use as” to fix it (type to search "
               "the items by id, pole or words). Changes apply to the preview and the import.")
    overrides = mapping_editor.edit(base.matches, base.instrument,
                                    key=f"imp_map_{upload.digest}_{fingerprint}",
                                    samples=base.samples)
    report = dry_run(upload, replace(options, overrides=overrides), fingerprint) \
        if overrides else base
    for key, (kind, target) in overrides.items():
        st.caption(f":material/edit: {common.md(key)} → {common.md(kind)}"
                   + (f" · {common.md(target)}" if target and target != kind else ""))
    csv = mapping.to_codebook_csv(report.matches, report.instrument,
                                  custom=report.instrument.name != "default")
    st.download_button("Download the mapping as a codebook CSV", csv, "codebook.csv",
                       "text/csv", icon=":material/download:",
                       help="Every column of the file with its item, department, team, role, "
                            "respondent_id, attribute:NAME or ignore: a template to edit and "
                            "upload as the codebook, now or with the next wave.")
    instrument_items(report.instrument)
    return report, overrides


def instrument_items(instrument) -> None:
    """The items a column can be mapped to, with their dimension, pole and direction."""
    with st.expander(f"The instrument's {len(instrument.items)} items",
                     icon=":material/list_alt:"):
        st.dataframe(pd.DataFrame(
            [{"id": i.id, "dimension": common.dim_label(i.dimension), "pole": i.pole,
              "reverse": i.reverse, "text": i.text} for i in instrument.items]),
            hide_index=True, column_config={
                "id": st.column_config.TextColumn("Item", pinned=True),
                "text": st.column_config.TextColumn("Statement", width="large")})


def wave_fields(upload: Upload, report: ingest.Report, options: ingest.Options) -> None:
    """Name and date of the new wave, proposed from the responses' dates (else the file
    name), editable; a file with a wave column names its waves itself."""
    in_file = bool(report.waves)
    if st.session_state.get("_lvm_wave_for") != upload.digest:      # a new file: its defaults
        st.session_state["_lvm_wave_for"] = upload.digest
        st.session_state["imp_wave"] = "" if in_file else report.default_wave or ""
        st.session_state["imp_date"] = report.default_date or date.today()
    c1, c2 = st.columns(2)
    name = c1.text_input("Wave name", key="imp_wave", max_chars=100,
                         placeholder="From the file's wave column" if in_file else "",
                         help="Proposed from the responses' dates (e.g. 2026-10, 2026-Q4), "
                              "else the file name.")
    when = c2.date_input("Wave date", key="imp_date",
                         help="Proposed from the last response's date, else today.")
    options.wave, options.wave_date = name.strip() or None, when


def keep_sample_choice(options: ingest.Options) -> None:
    """The sample waves leave with the first real import unless the user keeps them."""
    names = store.demo.names(common.cursor())
    if names:
        options.keep_demo = st.checkbox(
            "Keep the sample waves (" + ", ".join(common.md(n) for n in names) + ")",
            key="imp_keep_demo", help="The bundled sample is demo data; by default the first "
            "import of your own removes it.")
