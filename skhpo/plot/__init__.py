"""Plots of a fitted search, as scikit-learn-style Display objects.

Each display is made by ``Display.from_estimator(search, ...)``, which reads
only the fitted search (``cv_results_``, ``search_space_``) and draws; its
``plot(ax=...)`` draws again on other axes, and the axes, the figure and the
artists are kept as attributes (``ax_``, ``figure_``, ``line_``, ...), as in
:class:`sklearn.metrics.RocCurveDisplay`.

- :class:`ConvergenceDisplay`: each candidate's score and the best so far,
  by candidate number or cumulative time, failures marked;
- :class:`ParameterDisplay`: score against each parameter, and the best
  candidates in parallel coordinates;
- :class:`ImportanceDisplay`: how much of the score's variance each
  parameter explains (functional ANOVA on a random forest fit to the results);
- :class:`RungDisplay`: scores across the rungs of a
  :class:`~skhpo.HalvingBOHBSearchCV`, promoted candidates joined.

matplotlib is an optional dependency (``pip install "skhpo[plot]"``):
importing this module works without it, drawing raises an ImportError that
says how to install it.
"""

from ._convergence import ConvergenceDisplay
from ._importance import ImportanceDisplay
from ._parameter import ParameterDisplay
from ._rung import RungDisplay

__all__ = ["ConvergenceDisplay", "ImportanceDisplay", "ParameterDisplay", "RungDisplay"]
