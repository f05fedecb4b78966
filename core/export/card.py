"""The model card (MODEL_CARD.md): what a model recognises, how it was made, how well it does,
where it is weak. Written with every saved model and every export, and embedded in the model
file's metadata (``ModelMetadata.model_card``)."""

from __future__ import annotations

import dataclasses
import hashlib
import platform
from pathlib import Path

from ..errors import KEPT_CARD, DiskWriteError
from ..fileio import write_text_atomic

FEW_IMAGES = 20  # a class with fewer training images is named a weak spot
CARD_SUFFIX = ".MODEL_CARD.md"
INTENDED_USE = (
    "Sorting or pre-labelling images that look like the training folder: the same kinds of "
    "subjects, cameras and framing. It only knows the classes listed above; any other image still gets "
    "one of them, so review low-confidence answers. It is not meant for decisions about people, "
    "medical or safety-critical use, or images unlike the training data."
)


def _percent(value) -> str:
    return f"{100 * float(value):.1f} %" if isinstance(value, (int, float)) else "not recorded"


def _class_rows(metadata) -> list[str]:
    metrics = metadata.metrics or {}
    counts = metrics.get("class_counts") or {}
    per_class = {m.get("name"): m for m in metrics.get("per_class") or [] if isinstance(m, dict)}
    rows = ["| Class | Training images | Validation images | Precision | Recall | F1 |",
            "|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    for name in metadata.class_names:
        m = per_class.get(name, {})
        rows.append(
            f"| {name} | {counts.get(name, '?')} | {m.get('support', '?')} | "
            f"{_percent(m.get('precision'))} | {_percent(m.get('recall'))} | {_percent(m.get('f1'))} |"
        )
    return rows


def confused_pairs(metadata, limit: int = 3) -> list[tuple[str, str, int]]:
    """(true class, predicted class, count) of the largest off-diagonal validation cells."""
    confusion = (metadata.metrics or {}).get("confusion") or []
    names = metadata.class_names
    cells = [
        (count, names[i], names[j])
        for i, row in enumerate(confusion[: len(names)])
        for j, count in enumerate(row[: len(names)])
        if i != j and isinstance(count, int) and count > 0
    ]
    cells.sort(key=lambda c: (-c[0], c[1], c[2]))
    return [(t, p, n) for n, t, p in cells[:limit]]


def _weak_spots(metadata) -> list[str]:
    counts = (metadata.metrics or {}).get("class_counts") or {}
    lines = [f"- **{name}** has only {n} training images." for name, n in counts.items()
             if isinstance(n, int) and n < FEW_IMAGES]  # fmt: skip
    lines += [f"- **{t}** is taken for **{p}** ({n} validation images)."
              for t, p, n in confused_pairs(metadata)]  # fmt: skip
    return lines or ["- None found on the validation images (few images can hide some)."]


def _settings(metadata) -> list[str]:
    config = metadata.train_config or {}
    resolved = config.get("resolved") or {}
    keys = {"strategy": resolved.get("strategy", config.get("strategy")),
            "pretrained": config.get("pretrained"), "epochs": config.get("epochs"),
            "batch size": resolved.get("batch_size", config.get("batch_size")),
            "learning rate": resolved.get("learning_rate", config.get("learning_rate")),
            "precision": resolved.get("precision"), "seed": config.get("seed"),
            "validation fraction": config.get("val_fraction")}  # fmt: skip
    lines = [f"- Backbone: {metadata.backbone}"
             f"{' (small-image stem)' if metadata.small_input else ''}",
             f"- Input: {metadata.input_size} x {metadata.input_size} px, short side resized to "
             f"{int(metadata.input_size * 8 / 7)} then centre-cropped; mean "
             f"{list(metadata.mean)}, std {list(metadata.std)}"]  # fmt: skip
    lines += [f"- {k.capitalize()}: {v}" for k, v in keys.items() if v is not None]
    return lines


def _versions(metadata, extra: dict[str, str] | None) -> list[str]:
    versions = {"Backbone Studio": metadata.app_version, "PyTorch": metadata.torch_version,
                "torchvision": metadata.torchvision_version,
                "Python": platform.python_version(), **(extra or {})}  # fmt: skip
    return [f"- {k}: {v}" for k, v in versions.items() if v]


def render_card(metadata, *, title: str = "", hashes: dict[str, str] | None = None,
                versions: dict[str, str] | None = None) -> str:  # fmt: skip
    """The model card as Markdown. ``hashes``: file name -> sha256 of the files it describes;
    ``versions``: more library versions (the export runtimes)."""
    metrics = metadata.metrics or {}
    temperature = getattr(metadata, "temperature", 1.0)
    threshold = getattr(metadata, "review_threshold", None)
    parts = [f"# Model card: {title or metadata.backbone}", "",
             f"Created {metadata.created or 'at an unknown time'} with Backbone Studio.", "",
             "## What it recognises", "",
             f"{metadata.num_classes} classes, in the order of the model's outputs:", "",
             *_class_rows(metadata), "",
             "## Data", "",
             f"- Data folder fingerprint: {metrics.get('data_fingerprint') or 'not recorded'}",
             f"- Training images: {metrics.get('num_train', '?')}; validation images: "
             f"{metrics.get('num_val', '?')}", "",
             "## Training settings", "", *_settings(metadata), "",
             "## How well it does (validation)", "",
             f"- Accuracy: {_percent(metrics.get('val_accuracy'))} at epoch "
             f"{metrics.get('best_epoch', '?')} of {metrics.get('epochs_completed', '?')}",
             f"- Calibration temperature: {float(temperature or 1.0):.3g} (probabilities are "
             "softmax(logits / temperature))",
             f"- Review threshold: {f'{threshold:.3g}' if threshold is not None else 'not set'} "
             "(answers below this confidence should be checked by a person)", "",
             "## Known weak spots", "", *_weak_spots(metadata), "",
             "## Intended use", "", INTENDED_USE, "",
             "## Library versions", "", *_versions(metadata, versions), ""]  # fmt: skip
    if hashes:
        parts += ["## Files (SHA-256)", "", *[f"- `{n}`: {h}" for n, h in hashes.items()], ""]
    return "\n".join(parts)


def with_card(metadata, title: str = ""):
    """``metadata`` with its model card filled in (unchanged when the field is unknown)."""
    if not any(f.name == "model_card" for f in dataclasses.fields(metadata)):
        return metadata
    return dataclasses.replace(metadata, model_card=render_card(metadata, title=title))


def sha256_of(path: str | Path) -> str:
    from ..fileio import open_for_reading

    digest = hashlib.sha256()
    with open_for_reading(Path(path), "a model file") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def card_path(model_path: str | Path) -> Path:
    path = Path(model_path)
    return path.with_name(path.stem + CARD_SUFFIX)


def save_with_card(path: str | Path, model, metadata) -> Path:
    """save_model with the card embedded, then the card written beside it (STEM.MODEL_CARD.md,
    with the file's hash). Returns the model file's path."""
    from ..modelfile import save_model

    title = Path(path).stem
    saved = save_model(path, model, with_card(metadata, title))
    text = render_card(metadata, title=title, hashes={saved.name: sha256_of(saved)})
    try:
        write_text_atomic(card_path(saved), text)
    except DiskWriteError as exc:
        raise exc.with_kept(KEPT_CARD(saved=saved)) from None
    return saved


def data_summary(train_samples, val_samples, class_names) -> dict:
    """{"class_counts": {name: training images}, "data_fingerprint": sha256, "data_folder"} for the
    metrics of a fresh training: the fingerprint hashes every image's path (relative to the folder they
    share), label, size and modification time, so another folder or an edited one differs."""
    import os

    from ..dataset import DatasetIndex

    counts = {name: 0 for name in class_names}
    for sample in train_samples:
        counts[class_names[sample.label]] += 1
    paths = [str(s.path) for s in [*train_samples, *val_samples]]
    try:
        root = Path(os.path.commonpath(paths)) if paths else Path(".")
    except ValueError:  # different drives
        root = Path(".")
    index = DatasetIndex(root, list(class_names), list(train_samples), list(val_samples))
    return {"class_counts": counts, "data_fingerprint": index.fingerprint(),
            "data_folder": str(root)}
