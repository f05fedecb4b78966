"""Acting on what the model got wrong, without ever losing data (Qt-free).

* :mod:`.records`: :class:`ImageRecord`, one scored image (prediction, confidence, loss, top-5);
* :mod:`.gallery`: which images a gallery shows, in which order (:func:`cell_records`,
  :func:`mistakes`, :func:`label_next`);
* :mod:`.exclusions`: :class:`Exclusions` (images left out of training, kept in the app's state)
  and :func:`read_exclude_list` (``train --exclude-list FILE``);
* :mod:`.actions`: :class:`ReviewHistory`, moves / copies / "Add to training set" / exclusions,
  each undoable;
* :mod:`.compare`: before / after of a retrain;
* :mod:`.state`: :func:`default_state_dir` (``$BACKBONE_STUDIO_STATE``).
"""

from __future__ import annotations

from .actions import Action, FileOp, ReviewHistory, class_folder_for
from .compare import RunSummary, compare_runs, summarize
from .exclusions import Excluded, Exclusions, read_exclude_list
from .gallery import cell_counts, cell_records, label_next, mistakes
from .records import ImageRecord
from .state import STATE_ENV, default_state_dir

__all__ = [
    "STATE_ENV",
    "Action",
    "Excluded",
    "Exclusions",
    "FileOp",
    "ImageRecord",
    "ReviewHistory",
    "RunSummary",
    "cell_counts",
    "cell_records",
    "class_folder_for",
    "compare_runs",
    "default_state_dir",
    "label_next",
    "mistakes",
    "read_exclude_list",
    "summarize",
]
