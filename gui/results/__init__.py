"""The Results page: how good is the model?

- `page`: ResultsPage, the layout and the wiring (show a result or an evaluation, save, use);
- `metrics_panel`: MetricsPanelWidget, per-class metrics, problems, confusion matrix, curves;
- `evaluation`: EvaluationController (a saved model scored on a folder, off the UI thread; no
  widgets), `evaluate_folder` and `best_epoch`.
"""

from .evaluation import EvaluationController, best_epoch, evaluate_folder
from .metrics_panel import MetricsPanelWidget
from .page import MODEL_FILTER, ResultsPage

__all__ = [
    "MODEL_FILTER",
    "EvaluationController",
    "MetricsPanelWidget",
    "ResultsPage",
    "best_epoch",
    "evaluate_folder",
]
