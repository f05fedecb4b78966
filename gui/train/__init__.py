"""The Train page: pick a folder and a backbone, train, watch it learn.

- `page`: TrainPage, the layout and the wiring;
- `controller`: TrainController, the jobs (scan, training, weights, demo data) and the training
  to resume after its folder has been scanned again; no widgets;
- panels, one per file: `resume_banner`, `dataset_panel`, `backbone_panel`, `settings_form`
  (with `learning_rate_box`), `run_monitor`.
"""

from .controller import TrainController
from .learning_rate_box import LearningRateSpinBox
from .page import TrainPage

__all__ = ["LearningRateSpinBox", "TrainController", "TrainPage"]
