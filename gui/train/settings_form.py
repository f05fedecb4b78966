"""The Train page's training settings: strategy, epochs, batch, learning rate, size, validation
share, device, and the advanced ones; the Trainer's plan for them underneath."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.devices import list_devices
from core.events import FitPlan
from core.training.budget import format_duration

from ..text import render
from ..widgets.wheel_guard import guard_wheel
from .child_run import extra_devices
from .learning_rate_box import LearningRateSpinBox

CONTEXT = "SettingsFormWidget"


def _tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


STRATEGIES: tuple[tuple[str, str, str], ...] = (
    ("auto", QT_TRANSLATE_NOOP("SettingsFormWidget", "Automatic"), QT_TRANSLATE_NOOP("SettingsFormWidget", "Two-stage with pretrained weights, full training from scratch otherwise.")),
    ("head", QT_TRANSLATE_NOOP("SettingsFormWidget", "Head only"), QT_TRANSLATE_NOOP("SettingsFormWidget", "Train only the new classifier on frozen features: fastest, good for small datasets.")),
    ("partial", QT_TRANSLATE_NOOP("SettingsFormWidget", "Partial"), QT_TRANSLATE_NOOP("SettingsFormWidget", "Also fine-tune the backbone's last stage: a middle ground for medium datasets.")),
    ("full", QT_TRANSLATE_NOOP("SettingsFormWidget", "Full"), QT_TRANSLATE_NOOP("SettingsFormWidget", "Fine-tune every layer: best with lots of data, or when training from scratch.")),
    ("two_stage", QT_TRANSLATE_NOOP("SettingsFormWidget", "Two-stage"), QT_TRANSLATE_NOOP("SettingsFormWidget", "Train the head on frozen features first, then fine-tune everything gently.")),
)  # fmt: skip
# strategies that start by training on frozen features: random ones without pretrained weights
STARTS_FROZEN = {"head", "partial", "two_stage"}
SCHEDULES = (
    ("onecycle", QT_TRANSLATE_NOOP("SettingsFormWidget", "One-cycle")),
    ("cosine", QT_TRANSLATE_NOOP("SettingsFormWidget", "Cosine")),
)
# "Train for": (TrainConfig.time_budget, label); "auto" lets the plan choose from the data
TIME_BUDGETS: tuple[tuple[Any, str], ...] = (
    ("auto", QT_TRANSLATE_NOOP("SettingsFormWidget", "Automatic")),
    (60.0, QT_TRANSLATE_NOOP("SettingsFormWidget", "1 min")),
    (300.0, QT_TRANSLATE_NOOP("SettingsFormWidget", "5 min")),
    (900.0, QT_TRANSLATE_NOOP("SettingsFormWidget", "15 min")),
    (3600.0, QT_TRANSLATE_NOOP("SettingsFormWidget", "1 hour")),
    (None, QT_TRANSLATE_NOOP("SettingsFormWidget", "Until done")),
)
CLASS_WEIGHTING = (
    ("auto", QT_TRANSLATE_NOOP("SettingsFormWidget", "Auto (noted, not weighted)")),
    ("on", QT_TRANSLATE_NOOP("SettingsFormWidget", "On: every class counts the same")),
    ("off", QT_TRANSLATE_NOOP("SettingsFormWidget", "Off")),
)


def _combo(items, tooltip: str = "") -> QComboBox:
    combo = QComboBox()
    for key, label in items:
        combo.addItem(_tr(label), key)
    combo.setToolTip(tooltip)
    return combo


class SettingsFormWidget(QGroupBox):
    """The "Training" group. `changed()` is emitted when a setting the plan depends on changes;
    `values()` are the TrainConfig fields it sets. Combo and spin boxes ignore the mouse wheel
    until they have focus, so scrolling the page never changes a setting on the way."""

    changed = Signal()
    lrFindRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("Training"))
        self._pretrained = False
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_basic())
        layout.addWidget(self._build_advanced_button())
        layout.addWidget(self._build_advanced())
        self.plan_label = QLabel()
        self.plan_label.setTextFormat(Qt.TextFormat.PlainText)  # notes may hold "<" and "&"
        self.plan_label.setObjectName("muted")
        self.plan_label.setWordWrap(True)
        layout.addWidget(self.plan_label)
        guard_wheel(self, *self.findChildren(QComboBox), *self.findChildren(QSpinBox),
                    *self.findChildren(QDoubleSpinBox))  # fmt: skip
        self.fill_devices()

    # -- layout --------------------------------------------------------------------------------
    def _auto_spin(self, maximum: int, step: int = 1, tooltip: str = "") -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(0, maximum)
        spin.setSingleStep(step)
        spin.setSpecialValueText(self.tr("Auto"))
        spin.setToolTip(tooltip + self.tr(" (0 = automatic)"))
        spin.setAccelerated(True)
        spin.valueChanged.connect(self._on_setting_changed)
        return spin

    def _build_basic(self) -> QFormLayout:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.strategy_combo = QComboBox()
        for key, label, explanation in STRATEGIES:
            self.strategy_combo.addItem(_tr(label), key)
            self.strategy_combo.setItemData(
                self.strategy_combo.count() - 1, _tr(explanation), Qt.ItemDataRole.ToolTipRole
            )
        self.strategy_combo.currentIndexChanged.connect(self._on_strategy_combo_changed)
        self.strategy_note = QLabel()
        self.strategy_note.setObjectName("muted")
        self.strategy_note.setWordWrap(True)
        form.addRow(self.tr("Strategy"), self.strategy_combo)
        form.addRow("", self.strategy_note)

        self.budget_combo = QComboBox()
        for value, label in TIME_BUDGETS:
            self.budget_combo.addItem(_tr(label), value)
        self.budget_combo.setToolTip(
            self.tr(
                "How long the whole run may take, scan to saved model. Every layer trains for as long "
                "as fits, with the learning rate laid out over the time. Automatic: about a minute "
                "per thousand images (1 to 15 minutes). Until done: the epochs below."
            )
        )
        self.budget_combo.currentIndexChanged.connect(self._on_budget_combo_changed)
        form.addRow(self.tr("Train for"), self.budget_combo)
        self.epochs_spin = self._auto_spin(1000, tooltip=self.tr("Passes over the training images"))
        self.batch_spin = self._auto_spin(4096, tooltip=self.tr("Images per optimisation step"))
        self.lr_spin = LearningRateSpinBox()
        self.lr_spin.setToolTip(
            self.tr("Peak learning rate (0 = automatic for the strategy and batch size)")
        )
        self.lr_spin.valueChanged.connect(self._on_setting_changed)
        self.size_spin = self._auto_spin(1024, step=16, tooltip=self.tr("Input size in pixels"))
        self.val_spin = QDoubleSpinBox()
        self.val_spin.setRange(5.0, 50.0)
        self.val_spin.setDecimals(0)
        self.val_spin.setSingleStep(5.0)
        self.val_spin.setSuffix(" %")
        self.val_spin.setValue(20.0)
        self.val_spin.setToolTip(
            self.tr(
                "Share of each class held out for validation (ignored when the folder has train/ and val/)"
            )
        )
        self.val_spin.valueChanged.connect(self._on_setting_changed)
        self.augment_check = QCheckBox(
            self.tr("Augment (random crops, flips, light colour jitter)")
        )
        self.augment_check.setChecked(True)
        self.augment_check.toggled.connect(self._on_augment_check_toggled)
        self.flip_check = QCheckBox(self.tr("Mirror images (turn off for text, digits, arrows)"))
        self.flip_check.setChecked(True)
        self.flip_check.setToolTip(
            self.tr(
                "Random left-right mirroring during training. A mirrored 2, b or arrow is another "
                "class: turn this off when a mirror image changes what an image shows."
            )
        )
        self.device_combo = QComboBox()
        self.device_combo.currentIndexChanged.connect(self._on_setting_changed)

        form.addRow(
            self.tr("Epochs"), self._pair(self.epochs_spin, self.tr("Batch"), self.batch_spin)
        )
        self.lr_find_button = QToolButton()
        self.lr_find_button.setText(self.tr("Find…"))
        self.lr_find_button.setToolTip(
            self.tr(
                "Sweep the learning rate on a throw-away copy of the model (one epoch's worth of "
                "steps), plot the loss and suggest a rate (fastai's learning-rate finder)"
            )
        )
        self.lr_find_button.clicked.connect(self.lrFindRequested)
        rate = QHBoxLayout()
        rate.addWidget(self.lr_spin, 1)
        rate.addWidget(self.lr_find_button)
        rate.addWidget(QLabel(self.tr("Size")))
        rate.addWidget(self.size_spin, 1)
        form.addRow(self.tr("Learning rate"), rate)
        form.addRow(self.tr("Validation"), self.val_spin)
        form.addRow("", self.augment_check)
        form.addRow("", self.flip_check)
        form.addRow(self.tr("Device"), self.device_combo)
        return form

    @staticmethod
    def _pair(first: QWidget, label: str, second: QWidget) -> QHBoxLayout:
        pair = QHBoxLayout()
        pair.addWidget(first)
        pair.addWidget(QLabel(label))
        pair.addWidget(second)
        return pair

    def _build_advanced_button(self) -> QToolButton:
        self.advanced_button = QToolButton()
        self.advanced_button.setText(self.tr("Advanced"))
        self.advanced_button.setCheckable(True)
        self.advanced_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_button.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_button.setAutoRaise(True)
        self.advanced_button.toggled.connect(self._on_advanced_button_toggled)
        return self.advanced_button

    def _build_advanced(self) -> QWidget:
        self.advanced_box = QWidget()
        adv = QFormLayout(self.advanced_box)
        adv.setContentsMargins(12, 0, 0, 0)
        self.smoothing_spin = QDoubleSpinBox()
        self.smoothing_spin.setRange(0.0, 0.5)
        self.smoothing_spin.setSingleStep(0.05)
        self.smoothing_spin.setValue(0.1)
        self.smoothing_spin.setToolTip(
            self.tr("Softens the targets; helps calibration and small datasets")
        )
        self.weighting_combo = _combo(
            CLASS_WEIGHTING,
            self.tr(
                "On: weight the loss by inverse class frequency, so rare classes count as much as "
                "common ones (costs overall accuracy; measured in docs/TRAINING.md)"
            ),
        )
        self.early_spin = QSpinBox()
        self.early_spin.setRange(0, 100)
        self.early_spin.setSpecialValueText(self.tr("Off"))
        self.early_spin.setSuffix(self.tr(" epochs"))
        self.early_spin.setToolTip(
            self.tr("Stop when validation accuracy has not improved for this many epochs")
        )
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setToolTip(
            self.tr("Same seed, same data, same settings: the same split and run")
        )
        self.seed_spin.valueChanged.connect(self._on_setting_changed)
        self.schedule_combo = _combo(SCHEDULES, self.tr("Learning-rate schedule over the run"))
        self.views_spin = QSpinBox()
        self.views_spin.setRange(1, 16)
        self.views_spin.setToolTip(
            self.tr(
                "Head-only / partial training: augmented views cached per image (more = more variety)"
            )
        )
        adv.addRow(self.tr("Label smoothing"), self.smoothing_spin)
        adv.addRow(self.tr("Class weighting"), self.weighting_combo)
        adv.addRow(self.tr("Early stopping"), self.early_spin)
        adv.addRow(self.tr("Seed"), self.seed_spin)
        adv.addRow(self.tr("Schedule"), self.schedule_combo)
        adv.addRow(self.tr("Feature views"), self.views_spin)
        self.advanced_box.hide()
        return self.advanced_box

    def fill_devices(self) -> None:
        self.device_combo.blockSignals(True)
        self.device_combo.clear()
        self.device_combo.addItem(self.tr("Auto (best available)"), "auto")
        for info in list_devices():
            self.device_combo.addItem(info.label, info.id)
        for label, device in extra_devices():  # "All N GPUs": a distributed run (child_run)
            self.device_combo.addItem(label, device)
        self.device_combo.blockSignals(False)

    # -- reading and setting ---------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The TrainConfig fields this form sets (None = automatic)."""

        def auto(value: float) -> Any:
            return value if value > 0 else None

        return dict(
            strategy=self.strategy_combo.currentData(),
            # under a fixed time budget the epochs follow from the time
            epochs=auto(self.epochs_spin.value()) if not self._fixed_budget() else None,
            batch_size=auto(self.batch_spin.value()),
            learning_rate=auto(self.lr_spin.value()),
            image_size=auto(self.size_spin.value()),
            val_fraction=self.val_spin.value() / 100.0,
            seed=self.seed_spin.value(),
            device=self.device_combo.currentData() or "auto",
            augment=self.augment_check.isChecked(),
            flip=self.flip_check.isChecked(),
            time_budget=self.budget_combo.currentData(),
            feature_views=self.views_spin.value(),
            label_smoothing=self.smoothing_spin.value(),
            class_weighting=self.weighting_combo.currentData(),
            schedule=self.schedule_combo.currentData(),
            early_stopping=auto(self.early_spin.value()),
        )

    def strategy(self) -> str:
        return self.strategy_combo.currentData()

    def device(self) -> str:
        return self.device_combo.currentData()

    def restore(self, strategy: str, device: str) -> None:
        """Select remembered choices (the first entry when one is not there any more)."""
        self.strategy_combo.setCurrentIndex(max(0, self.strategy_combo.findData(strategy)))
        self.device_combo.setCurrentIndex(max(0, self.device_combo.findData(device)))

    def set_pretrained(self, pretrained: bool) -> None:
        """Whether the model starts from pretrained weights (the strategy note depends on it)."""
        self._pretrained = pretrained
        self._on_strategy_combo_changed()

    def set_training(self, training: bool) -> None:
        for widget in (
            self.strategy_combo, self.budget_combo, self.epochs_spin, self.batch_spin,
            self.lr_spin, self.lr_find_button, self.size_spin, self.val_spin, self.augment_check,
            self.flip_check,
            self.device_combo, self.advanced_box,
        ):  # fmt: skip
            widget.setEnabled(not training)
        if not training:
            self.epochs_spin.setEnabled(not self._fixed_budget())
            self.flip_check.setEnabled(self.augment_check.isChecked())

    # -- the plan ------------------------------------------------------------------------------------
    def show_plan(self, plan: FitPlan) -> None:
        """Show the automatic values in the "Auto" boxes, and the plan with its notes."""
        budgeted = plan.time_budget is not None
        auto = self.tr("Auto ({value})")
        self.epochs_spin.setSpecialValueText(
            auto.format(value=f"{'~' if budgeted else ''}{plan.epochs}")
        )
        self.batch_spin.setSpecialValueText(auto.format(value=plan.batch_size))
        self.lr_spin.setSpecialValueText(auto.format(value=f"{plan.learning_rate:.2g}"))
        self.size_spin.setSpecialValueText(self.tr("Auto ({size} px)").format(size=plan.image_size))
        stages = " → ".join(plan.stages) if plan.stages else plan.strategy
        text = self.tr(
            "Plan: {stages} on {device} ({precision}), "
            "{train:,} training / {val:,} validation images"
        ).format(stages=stages, device=plan.device_name, precision=plan.precision,
                 train=plan.num_train, val=plan.num_val)  # fmt: skip
        if plan.small_input:
            text += self.tr(", small-image stem")
        if budgeted:
            text += self.tr(", within {duration}").format(
                duration=format_duration(plan.time_budget)
            )
        self.plan_label.setText("\n".join([text, *(f"• {note}" for note in plan.notes)]))

    def show_plan_problem(self, problem: object) -> None:
        self.plan_label.setText(
            self.tr("Cannot plan with these settings: {problem}").format(problem=render(problem))
        )
        for spin in (self.epochs_spin, self.batch_spin, self.lr_spin, self.size_spin):
            spin.setSpecialValueText(self.tr("Auto"))

    # -- slots ---------------------------------------------------------------------------------------
    @Slot()
    def _on_strategy_combo_changed(self) -> None:
        key = self.strategy_combo.currentData()
        explanation = next((_tr(text) for k, _label, text in STRATEGIES if k == key), "")
        if key in STARTS_FROZEN and not self._pretrained:
            explanation += self.tr(
                " Without pretrained weights the frozen features are random: choose Full or Automatic."
            )
        self.strategy_note.setText(explanation)
        self.changed.emit()

    @Slot()
    def _on_setting_changed(self) -> None:
        self.changed.emit()

    @Slot()
    def _on_budget_combo_changed(self) -> None:
        # under a budget the epochs follow from the time; a number typed there is a cap no more
        self.epochs_spin.setEnabled(not self._fixed_budget())
        self.changed.emit()

    def _fixed_budget(self) -> bool:
        """A number of minutes chosen (not Automatic, which yields to epochs typed in)."""
        return isinstance(self.budget_combo.currentData(), float)

    @Slot(bool)
    def _on_augment_check_toggled(self, on: bool) -> None:
        self.flip_check.setEnabled(on)

    @Slot(bool)
    def _on_advanced_button_toggled(self, shown: bool) -> None:
        self.advanced_box.setVisible(shown)
        self.advanced_button.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )
