"""Data: import a survey export (preview first), manage waves, download scores."""
import streamlit as st

from lvm_ui import (common, filters, gate, importer, participation, reliability_view, sharing,
                    waves_admin)
from lvm_ui.entry import ensure_entrypoint

ensure_entrypoint()


def upload_section() -> None:
    st.header("Import a survey export", anchor=False)
    if done := st.session_state.pop("_lvm_imported", None):
        st.success(common.md(done), icon=":material/check_circle:")
    uploaded = st.file_uploader(
        "Survey export (CSV, TSV or Excel)", type=["csv", "tsv", "txt", "xlsx"],
        key=f"imp_file_{st.session_state.get('_lvm_upload_n', 0)}",
        max_upload_size=importer.max_bytes() // (1024 * 1024),
        help="Qualtrics, SurveyMonkey, Google Forms, Microsoft Forms, LimeSurvey, Typeform "
             "or a plain CSV with one row per respondent.")
    options, fingerprint = importer.options_form()
    if uploaded is None:
        st.caption("Nothing is stored until you have seen the preview and confirmed.")
        return
    upload = importer.save(uploaded)
    preview = st.container()          # drawn first, filled after the mapping editor below
    try:
        report, overrides = importer.mapping_section(upload, options, fingerprint)
    except ValueError as exc:
        preview.error(f"This file cannot be imported: {common.md(exc)}", icon=":material/error:")
        return
    options.overrides = overrides
    with preview:
        st.subheader("Preview", anchor=False)
        importer.wave_fields(upload, report, options)
        importer.show_report(report)
        importer.keep_sample_choice(options)
        importer.repeat_choice(report, options)
        why = importer.blocked(report, options)
        if why:
            st.info(why)
        label = ("Import all responses" if report.partial
                 else f"Import {report.rows_importable:,} responses")
        if st.button(label, type="primary", disabled=why is not None, icon=":material/upload:"):
            importer.run_import(upload, options)


def main() -> None:
    gate.require_admin()              # not in the navigation for others either
    st.title("Data")
    upload_section()                  # a write turns the run's connection read-write:
    st.header("Survey waves", anchor=False)     # so a fresh cursor after each section
    waves_admin.waves_table(common.cursor())
    waves_admin.manage(common.cursor())
    participation.upload_section(common.cursor())
    f = filters.current()
    if not f.has_data:
        waves_admin.load_sample_button()
        return
    st.header("Reliability of the scales", anchor=False)
    st.caption(f"{f.describe()}. After an import the sidebar opens on the new wave.")
    reliability_view.panel(f)
    st.header("Download scores", anchor=False)
    waves_admin.download(f)
    sharing.links_section(common.cursor())


main()
