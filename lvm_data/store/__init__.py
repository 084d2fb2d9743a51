"""Storage: the DuckDB file, and all of the product's SQL."""
from .read import (NOT_GIVEN, QueryError, Result, attribute_labels, attribute_values,
                   group_scores, trends, wave_row, waves)
from .figures import archetype_mix, item_distribution, overview
from .compare import Selection, compare
from .item_matrix import reliability
from .disclosure import minimum
from .schema import (answers_table, attribute_names, default_db_path, quote, recorded_minimum,
                     set_minimum)
from .write import delete_wave, rename_wave
from . import demo, facts, legacy, mappings, participation, scope, session, shares
from .change import change, previous_wave, steps
from .differences import difference_from_all, group_tests
from .raters import self_vs_others
from .session import connect_waiting as connect      # waits while the dashboard has the file

__all__ = ["NOT_GIVEN", "QueryError", "Result", "Selection", "answers_table", "archetype_mix",
           "attribute_labels", "attribute_names", "attribute_values", "change", "compare", "connect",
           "default_db_path", "difference_from_all", "group_tests", "previous_wave",
           "self_vs_others", "steps",
           "delete_wave", "group_scores", "item_distribution", "minimum", "overview", "quote",
           "recorded_minimum", "reliability", "rename_wave", "scope", "demo", "mappings",
           "participation", "facts", "legacy", "session", "set_minimum", "shares",
           "trends", "wave_row", "waves"]
