"""Showing a given training's settings in the Train page's form: a resumed training runs with the
settings it was started with, and the form says so instead of showing what it held before."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker

# TrainConfig field -> (the form's widget attribute, how the value goes in)
_SPINS = {  # None (automatic) is 0, the boxes' "Auto"
    "epochs": "epochs_spin",
    "batch_size": "batch_spin",
    "learning_rate": "lr_spin",
    "image_size": "size_spin",
    "early_stopping": "early_spin",
}
_COMBOS = {
    "strategy": "strategy_combo",
    "time_budget": "budget_combo",
    "device": "device_combo",
    "class_weighting": "weighting_combo",
    "schedule": "schedule_combo",
}
_PLAIN = {
    "seed": "seed_spin",
    "feature_views": "views_spin",
    "label_smoothing": "smoothing_spin",
}


def show_config(form: Any, config: Any) -> None:
    """Put `config`'s values (a TrainConfig) into the SettingsFormWidget `form`. The form's own
    `changed` signal is blocked meanwhile (no new plan is asked for); its boxes still update what
    depends on them (the strategy's note). Fields the form has no box for are left alone."""
    with QSignalBlocker(form):
        for fields, convert in ((_SPINS, lambda v: v or 0), (_PLAIN, lambda v: v)):
            for field, name in fields.items():
                box = getattr(form, name, None)
                if box is not None and hasattr(config, field):
                    box.setValue(convert(getattr(config, field)))
        for field, name in _COMBOS.items():
            combo = getattr(form, name, None)
            index = combo.findData(getattr(config, field, None)) if combo is not None else -1
            if index >= 0:
                combo.setCurrentIndex(index)
        if getattr(form, "val_spin", None) is not None:
            form.val_spin.setValue(100.0 * float(config.val_fraction))
        for field, name in (("augment", "augment_check"), ("flip", "flip_check")):
            box = getattr(form, name, None)
            if box is not None and hasattr(config, field):
                box.setChecked(bool(getattr(config, field)))


def show_training(backbone_panel: Any, form: Any, config: Any) -> None:
    """Show a (resumed) training's backbone, pretrained choice and settings, asking for no plan:
    the run's plan arrives with its start (`fitPlanned`) and fills the "Auto (n)" boxes."""
    with QSignalBlocker(backbone_panel):
        index = backbone_panel.backbone_combo.findData(config.backbone)
        if index >= 0:
            backbone_panel.backbone_combo.setCurrentIndex(index)
        backbone_panel.pretrained_check.setChecked(bool(config.pretrained))
    show_config(form, config)
