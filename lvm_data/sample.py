"""Synthetic survey exports with real structure, for demos, tests and benchmarks.

Each respondent gets a latent leadership and management tendency per dimension built from
department, role and tenure effects, a team-level random effect, a small improvement trend
across waves and personal noise; item answers are noisy roundings of those tendencies, so
charts of the generated data show patterns that the scoring must recover. Reverse-keyed
items are answered reversed. Everything is vectorised and written in chunks through DuckDB's
CSV writer, so a million respondents take seconds. No personal data (names, locations) is
generated.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import duckdb
import numpy as np
import pandas as pd

from lvm_data.instrument import Instrument, load_default

CHUNK_ROWS = 200_000
CELL_BLANK_RATE = 0.012     # skipped questions
DROPOUT_RATE = 0.025        # respondents who stop part-way (exercises the half-answered rule)
WAVE_TREND = (0.06, 0.03)   # per-wave gain in leadership / management tendency

# department: (share of workforce, team suffixes)
DEPARTMENTS: dict[str, tuple[float, tuple[str, ...]]] = {
    "Engineering": (0.24, ("Platform", "Mobile", "Data", "Infrastructure", "Security")),
    "Sales": (0.17, ("EMEA", "Americas", "APAC", "Enterprise")),
    "Operations": (0.16, ("Logistics", "Procurement", "Facilities", "Quality")),
    "Customer Support": (0.14, ("Tier 1", "Tier 2", "Onboarding", "Customer Success")),
    "Marketing": (0.10, ("Brand", "Growth", "Product Marketing")),
    "Finance": (0.10, ("Accounting", "Controlling", "Treasury")),
    "HR": (0.09, ("Recruiting", "People Partners", "Learning")),
}
ROLES: dict[str, float] = {  # a realistic pyramid
    "Individual contributor": 0.72, "Team lead": 0.14, "Manager": 0.09,
    "Director": 0.04, "Executive": 0.01,
}
TENURE: dict[str, float] = {"<1 year": 0.14, "1-3 years": 0.34, "3-5 years": 0.24, "5+ years": 0.28}

# Effects on the 1..5 latent scale, keyed (dimension short code or "*", pole "L"/"M").
_SHORT = {"vision_execution": "VE", "people_process": "PP", "innovation_stability": "IS",
          "influence_authority": "IA", "longterm_shortterm": "LS"}
_BASE = {("VE", "L"): 3.4, ("PP", "L"): 3.5, ("IS", "L"): 3.1, ("IA", "L"): 3.4, ("LS", "L"): 3.2,
         ("VE", "M"): 3.6, ("PP", "M"): 3.5, ("IS", "M"): 3.5, ("IA", "M"): 3.2, ("LS", "M"): 3.7}
_DEPT_EFFECTS = {
    "Engineering": {("IS", "L"): 0.35, ("VE", "L"): 0.15, ("IA", "M"): -0.15, ("PP", "M"): 0.05},
    "Sales": {("LS", "M"): 0.35, ("IA", "L"): 0.25, ("IS", "L"): 0.1, ("PP", "M"): -0.1},
    "Operations": {("*", "M"): 0.3, ("PP", "M"): 0.15, ("IS", "M"): 0.15, ("IS", "L"): -0.25,
                   ("VE", "L"): -0.1},
    "Customer Support": {("PP", "L"): 0.25, ("PP", "M"): 0.2, ("LS", "M"): 0.15, ("IS", "L"): -0.1},
    "Marketing": {("*", "L"): 0.2, ("IS", "L"): 0.25, ("VE", "L"): 0.2, ("*", "M"): -0.15,
                  ("PP", "M"): -0.1},
    "Finance": {("*", "M"): 0.3, ("IS", "M"): 0.2, ("LS", "M"): 0.15, ("IS", "L"): -0.3,
                ("PP", "L"): -0.1},
    "HR": {("PP", "L"): 0.35, ("IA", "L"): 0.15, ("PP", "M"): 0.15},
}
_ROLE_EFFECTS = {
    "Individual contributor": {("IA", "M"): -0.25, ("*", "L"): -0.05},
    "Team lead": {("PP", "M"): 0.3, ("VE", "M"): 0.3, ("LS", "M"): 0.2, ("PP", "L"): 0.1},
    "Manager": {("IA", "M"): 0.25, ("VE", "M"): 0.2, ("PP", "L"): 0.15, ("LS", "M"): 0.1},
    "Director": {("VE", "L"): 0.3, ("LS", "L"): 0.3, ("IA", "L"): 0.15, ("IA", "M"): 0.15},
    "Executive": {("VE", "L"): 0.55, ("LS", "L"): 0.5, ("IS", "L"): 0.25, ("IA", "L"): 0.2,
                  ("LS", "M"): -0.15},
}
# 360 feedback (``raters=True``): who rated, and how self ratings differ from others'.
RATERS: dict[str, float] = {"Self": 0.15, "Manager": 0.15, "Peer": 0.30, "Direct report": 0.40}
_SELF_EFFECTS = {      # large enough to pass a third of the scale: blind spots, hidden strengths
    "Sales": {("IA", "L"): 2.4, ("VE", "L"): 0.5},
    "Engineering": {("PP", "L"): -2.4},
    "Operations": {("IS", "M"): 2.4, ("*", "L"): 0.3},
}
_TENURE_EFFECTS = {
    "<1 year": {("IS", "L"): 0.1},
    "5+ years": {("IS", "M"): 0.1, ("IS", "L"): -0.1},
}

Progress = Callable[[int, int], None]


def wave_labels(waves: int) -> list[str]:
    """Half-year labels starting at 2025-H1, one per wave."""
    return [f"{2025 + w // 2}-H{w % 2 + 1}" for w in range(waves)]


def _effect_matrix(effects: dict[tuple[str, str], float], dims: list[str]) -> np.ndarray:
    """(dims, 2) shifts; "*" applies to every dimension, unknown dimensions get only "*"."""
    out = np.zeros((len(dims), 2), dtype=np.float32)
    for (dim, pole), value in effects.items():
        col = 0 if pole == "L" else 1
        for d, key in enumerate(dims):
            if dim == "*" or _SHORT.get(key) == dim:
                out[d, col] += value
    return out


def _stack(names: list[str], table: dict, dims: list[str]) -> np.ndarray:
    return np.stack([_effect_matrix(table.get(n, {}), dims) for n in names])


class _Model:
    """Everything that is fixed for a seed: categories, effects, team and item offsets."""

    def __init__(self, instrument: Instrument, seed: int, waves: int, raters: bool = False):
        rng = np.random.default_rng([seed, 0])
        self.instrument, self.waves, self.raters = instrument, waves, raters
        dims = instrument.dimensions
        self.departments = list(DEPARTMENTS)
        self.teams = [f"{d} - {t}" for d, (_, ts) in DEPARTMENTS.items() for t in ts]
        counts = [len(ts) for _, ts in DEPARTMENTS.values()]
        self.team_offset = np.concatenate([[0], np.cumsum(counts)[:-1]])
        self.team_cum = self._team_cumweights(rng, counts)
        base = np.array([[_BASE.get((_SHORT.get(k, ""), p), 3.4) for p in "LM"] for k in dims])
        self.base = base.astype(np.float32)
        self.dept_eff = _stack(self.departments, _DEPT_EFFECTS, dims)
        self.role_eff = _stack(list(ROLES), _ROLE_EFFECTS, dims)
        self.tenure_eff = _stack(list(TENURE), _TENURE_EFFECTS, dims)
        self.self_eff = _stack(self.departments, _SELF_EFFECTS, dims)
        n_teams, n_dims = len(self.teams), len(dims)
        self.team_eff = (rng.normal(0, 0.2, (n_teams, n_dims, 2))
                         + rng.normal(0, 0.12, (n_teams, 1, 2))).astype(np.float32)
        if not set(dims) & set(_SHORT):  # custom instrument: invent department effects
            self.dept_eff += rng.normal(0, 0.25, self.dept_eff.shape).astype(np.float32)
        items = instrument.items
        self.item_dim = np.array([dims.index(i.dimension) for i in items])
        self.item_pole = np.array([0 if i.pole == "leadership" else 1 for i in items])
        self.item_reverse = np.array([i.reverse for i in items])
        self.item_offset = rng.normal(0, 0.15, len(items)).astype(np.float32)

    @staticmethod
    def _team_cumweights(rng: np.random.Generator, counts: list[int]) -> np.ndarray:
        """Cumulative team shares within each department, padded with 2.0 (never chosen)."""
        cum = np.full((len(counts), max(counts)), 2.0)
        for d, k in enumerate(counts):
            w = rng.uniform(0.6, 1.4, k)
            cum[d, :k] = np.cumsum(w / w.sum())
            cum[d, k - 1] = 1.0
        return cum


def _draw_people(model: _Model, rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    dept = rng.choice(len(model.departments), n, p=[w for w, _ in DEPARTMENTS.values()])
    u = rng.random(n)
    team = model.team_offset[dept] + (u[:, None] > model.team_cum[dept]).sum(axis=1)
    role = rng.choice(len(ROLES), n, p=list(ROLES.values()))
    tenure = rng.choice(len(TENURE), n, p=list(TENURE.values()))
    return {"dept": dept, "team": team, "role": role, "tenure": tenure}


def _latent(model: _Model, rng: np.random.Generator, people: dict, wave: np.ndarray) -> np.ndarray:
    """(n, dims, 2) tendencies on the 1..5 scale."""
    n, n_dims = len(wave), len(model.base)
    trend = wave[:, None].astype(np.float32) * np.asarray(WAVE_TREND, dtype=np.float32)
    lat = (model.base + model.dept_eff[people["dept"]] + model.role_eff[people["role"]]
           + model.tenure_eff[people["tenure"]] + model.team_eff[people["team"]])
    lat += (trend + rng.normal(0, 0.4, (n, 2)).astype(np.float32))[:, None, :]
    lat += rng.standard_normal((n, n_dims, 2), dtype=np.float32) * np.float32(0.3)
    return lat


def _answers(model: _Model, rng: np.random.Generator,
             latent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n, items) answers on the instrument's scale; 0 marks a blank."""
    n, k = latent.shape[0], len(model.item_dim)
    x = latent[:, model.item_dim, model.item_pole] + model.item_offset
    x += rng.standard_normal((n, k), dtype=np.float32) * np.float32(0.8)
    low, high = model.instrument.scale_min, model.instrument.scale_max
    if (low, high) != (1, 5):  # the model lives on 1..5; stretch before rounding
        x = low + (x - 1) * np.float32((high - low) / 4)
    x = np.clip(np.rint(x), low, high)
    x = np.where(model.item_reverse, low + high - x, x)  # high on the pole -> disagrees
    values = x.astype(np.int16)
    blank = rng.random((n, k)) < CELL_BLANK_RATE
    stops = np.where(rng.random(n) < DROPOUT_RATE, rng.integers(k // 3, k, n), k)
    blank |= np.arange(k) >= stops[:, None]
    return values, blank


def _chunk_frame(model: _Model, seed: int, start: int, n: int, total: int) -> pd.DataFrame:
    rng = np.random.default_rng([seed, 1, start])
    rows = np.arange(start, start + n)
    wave = (rows * model.waves) // total
    people = _draw_people(model, rng, n)
    latent = _latent(model, rng, people, wave)
    if model.raters:              # its own generator: the other columns stay as without
        rater = np.random.default_rng([seed, 2, start]).choice(len(RATERS), n,
                                                               p=list(RATERS.values()))
        latent[rater == 0] += model.self_eff[people["dept"][rater == 0]]
    values, blank = _answers(model, rng, latent)
    width = max(7, len(str(total)))
    cols: dict[str, object] = {
        "Respondent ID": "R" + pd.Series(rows + 1).astype(str).str.zfill(width),
        "Department": pd.Categorical.from_codes(people["dept"], model.departments),
        "Team": pd.Categorical.from_codes(people["team"], model.teams),
        "Role": pd.Categorical.from_codes(people["role"], list(ROLES)),
    }
    if model.raters:
        cols["Rater"] = pd.Categorical.from_codes(rater, list(RATERS))
    if model.waves > 1:
        cols["wave"] = pd.Categorical.from_codes(wave, wave_labels(model.waves))
    cols["Tenure band"] = pd.Categorical.from_codes(people["tenure"], list(TENURE))
    for j, item in enumerate(model.instrument.items):
        cols[item.id] = pd.arrays.IntegerArray(values[:, j].copy(), blank[:, j].copy())
    return pd.DataFrame(cols)


def write_sample(path, respondents: int, seed: int = 7, waves: int = 1,
                 instrument: Instrument | None = None, progress: Progress | None = None,
                 raters: bool = False) -> None:
    """Write ``respondents`` synthetic rows in the plain export layout (CSV, UTF-8).

    Output is deterministic for a seed (chunks use their own seeded generators, so the
    same rows come out whatever the machine). Waves split respondents evenly, in order;
    respondent ids are unique across the whole file. ``raters`` writes 360-degree
    feedback: a Rater column (Self, Manager, Peer, Direct report) where the department,
    team and role describe the leader rated, and self ratings lean away from others'.
    """
    if respondents < 1:
        raise ValueError("respondents must be at least 1")
    if not 1 <= waves <= 40:
        raise ValueError("waves must be between 1 and 40")
    path = Path(path)
    model = _Model(instrument or load_default(), seed, waves, raters)
    part = path.with_name(path.name + ".part")
    con = duckdb.connect()
    try:
        with open(path, "wb") as out:
            for start in range(0, respondents, CHUNK_ROWS):
                n = min(CHUNK_ROWS, respondents - start)
                frame = _chunk_frame(model, seed, start, n, respondents)
                con.from_df(frame).write_csv(str(part), header=start == 0)
                with open(part, "rb") as src:
                    while block := src.read(1 << 22):
                        out.write(block)
                if progress is not None:
                    progress(start + n, respondents)
    finally:
        con.close()
        if part.exists():
            os.remove(part)
