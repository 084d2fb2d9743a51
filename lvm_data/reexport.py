"""A file that repeats an existing wave: replace that wave, or keep both on purpose.

A re-export after late responses holds the earlier answers again. Imported as a new wave,
comparing the two waves shows the late respondents' answers alone, so an import that
repeats a wave stops until the caller says which it means: replace the wave (the Data
page's preselected choice, ``--replace WAVE``) or keep both (``--as-new-wave``).
"""
from __future__ import annotations

from dataclasses import replace

import pandas as pd

from .import_types import ImportProblem
from .store import crosswave, read, write


def detect(cur, plan: write.Plan) -> list[crosswave.Repeat]:
    """Existing waves the staged file repeats: by respondent key when the file has one."""
    return crosswave.file_repeats(cur, list(plan.items.values()),
                                  keyed=plan.respondent_key is not None)


def refusal(repeats: list[crosswave.Repeat], options) -> str | None:
    """The one-line reason an import must not go ahead as it is, or None."""
    if not repeats or options.replace or options.as_new_wave:
        return None
    first = repeats[0]
    return (f"{first.describe()}: a re-export replaces its wave; import with --replace "
            f"{first.wave!r}, or with --as-new-wave to keep both")


def resolve(cur, report, options):
    """Inside the import's transaction: refuse an unanswered repeat, remove the waves being
    replaced, and return the options. A single replaced wave passes its name and date on to
    the new one unless the caller or the file names the wave."""
    if why := refusal(report.repeats, options):
        raise ImportProblem(why)
    names = list(dict.fromkeys(options.replace))
    if not names:
        return options
    waves = read.waves(cur).set_index("wave")
    missing = [n for n in names if n not in waves.index]
    if missing:
        raise ImportProblem(f"--replace: no wave named {missing[0]!r}")
    for name in names:
        write.remove_wave(cur, name)
    if len(names) == 1 and options.wave is None and not report.waves:
        old_date = pd.Timestamp(waves.loc[names[0], "wave_date"]).date()
        return replace(options, wave=names[0], wave_date=options.wave_date or old_date)
    return options
