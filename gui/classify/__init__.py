"""The Classify page: drop images or folders, see what they are.

- `page`: ClassifyPage, the layout and the wiring (drops, paste, dialogs, export);
- `controller`: ClassifyController, the loaded model, loading another one, and the queue of
  batches to classify; no widgets;
- `empty_state`: EmptyStateWidget, the three ways to get a model.
"""

from .controller import ClassifyController, describe_classifier
from .empty_state import EmptyStateWidget
from .page import IMAGE_FILTER, MODEL_FILTER, ClassifyPage, image_filter, model_filter

__all__ = [
    "IMAGE_FILTER",
    "MODEL_FILTER",
    "ClassifyController",
    "ClassifyPage",
    "EmptyStateWidget",
    "describe_classifier",
    "image_filter",
    "model_filter",
]
