"""Shared GUI-test fixtures: private settings, generated images, a tiny model file.

Everything is generated here (Pillow images, a randomly initialised model): no network, no
pretrained weights, nothing from the user's settings. The model is tiny on purpose
(MobileNetV3-Small at 32 px) so that a prediction takes milliseconds on a CPU.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw

TINY_BACKBONE = "mobilenet_v3_small"
TINY_SIZE = 32
TINY_CLASSES = ("circle", "square", "triangle")


@pytest.fixture(autouse=True)
def _english_catalogue(request):
    """The app's English catalogue (its plural forms: "1 epoch", "2 epochs"), installed as
    gui.app.create_application does, for every test that has a QApplication (gui.i18n)."""
    if "qtbot" in request.fixturenames or "qapp" in request.fixturenames:
        from gui.i18n import install_translators

        install_translators(request.getfixturevalue("qapp"), "en")


@pytest.fixture
def settings(tmp_path, monkeypatch):
    """A `gui.settings.Settings` in a fresh per-test config folder."""
    config = tmp_path / "config"
    config.mkdir()
    monkeypatch.setenv("BACKBONE_STUDIO_CONFIG", str(config))
    monkeypatch.setenv("BACKBONE_STUDIO_CACHE", str(tmp_path / "cache"))
    from gui.settings import Settings

    return Settings()


def make_image(path: Path, index: int = 0, size: int = 48, fmt: str | None = None) -> Path:
    """A small RGB picture with a coloured shape; deterministic for a given index."""
    colours = [(220, 60, 60), (60, 160, 80), (60, 90, 220), (230, 180, 40)]
    image = Image.new("RGB", (size, size), (245, 245, 245))
    draw = ImageDraw.Draw(image)
    colour = colours[index % len(colours)]
    pad = 6 + index % 5
    if index % 3 == 0:
        draw.ellipse((pad, pad, size - pad, size - pad), fill=colour)
    elif index % 3 == 1:
        draw.rectangle((pad, pad, size - pad, size - pad), fill=colour)
    else:
        draw.polygon([(size // 2, pad), (size - pad, size - pad), (pad, size - pad)], fill=colour)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format=fmt)
    return path


@pytest.fixture
def image_factory():
    """`make_image(path, index=0, size=48, fmt=None)`: write a small deterministic picture."""
    return make_image


@pytest.fixture
def image_files(tmp_path) -> list[Path]:
    """Four readable images (JPEG and PNG) plus one unreadable `broken.jpg` (text inside)."""
    folder = tmp_path / "photos"
    files = [
        make_image(folder / "a.jpg", 0),
        make_image(folder / "b.png", 1),
        make_image(folder / "c.jpg", 2),
        make_image(folder / "d.png", 3),
    ]
    broken = folder / "broken.jpg"
    broken.write_text("this is not a JPEG, just text with the wrong name\n")
    return files + [broken]


@pytest.fixture
def nested_folder(tmp_path) -> Path:
    """A folder tree: top level, a subfolder, a sub-subfolder, a hidden file to be skipped."""
    root = tmp_path / "tree"
    make_image(root / "top.jpg", 0)
    make_image(root / "sub" / "one.png", 1)
    make_image(root / "sub" / "deeper" / "two.jpg", 2)
    make_image(root / "sub" / "deeper" / "three.jpg", 3)
    make_image(root / ".hidden.jpg", 4)
    (root / "notes.txt").write_text("not an image\n")
    return root


def _save_tiny_model(path: Path, seed: int = 0) -> Path:
    import torch

    from core.backbones import build_model, get_spec
    from core.modelfile import TrainingRecord, new_metadata, save_model

    torch.manual_seed(seed)
    spec = get_spec(TINY_BACKBONE)
    model = build_model(TINY_BACKBONE, len(TINY_CLASSES)).eval()
    metadata = new_metadata(
        TINY_BACKBONE,
        TINY_CLASSES,
        TINY_SIZE,
        spec.mean,
        spec.std,
        record=TrainingRecord(
            train_config={"backbone": TINY_BACKBONE, "image_size": TINY_SIZE},
            metrics={"val_accuracy": 0.0},
        ),
    )
    return save_model(path, model, metadata)


@pytest.fixture(scope="session")
def tiny_model_file(tmp_path_factory) -> Path:
    """A randomly initialised 3-class MobileNetV3-Small model file (32 px input)."""
    return _save_tiny_model(tmp_path_factory.mktemp("models") / "shapes.safetensors")


@pytest.fixture(scope="session")
def tiny_classifier(tiny_model_file):
    """The tiny model loaded on the CPU (shared: a Classifier is read-only once built)."""
    from core.predict import Classifier

    return Classifier.load(tiny_model_file, device="cpu")


@pytest.fixture
def corrupt_model_file(tmp_path, tiny_model_file) -> Path:
    """The tiny model file cut in half: what a broken download looks like."""
    data = tiny_model_file.read_bytes()
    path = tmp_path / "broken-download.safetensors"
    path.write_bytes(data[: len(data) // 2])
    return path


@pytest.fixture
def wait_for(qtbot):
    """`wait_for(signal, action, timeout=20000) -> args`: run `action()`, wait for `signal`.

    Unlike `qtbot.waitSignal` this never disconnects from inside the signal's own emission,
    which crashes PySide6 6.12 now and then (seen as a segfault in pytest-qt's
    `_silent_disconnect`). The recorder simply stays connected.
    """
    keep = []

    def wait(signal, action, timeout: int = 20000):
        calls = []

        def on_signal(*args):
            calls.append(args)

        keep.append(on_signal)
        signal.connect(on_signal)
        action()
        qtbot.waitUntil(lambda: bool(calls), timeout=timeout)
        return calls[0]

    return wait


@pytest.fixture
def one_torch_thread():
    """Torch single-threaded: on a shared 2-core machine two intra-op threads spin-wait on each
    other (measured 17x slower than one thread under load)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def dataset(tmp_path, image_factory):
    """3 demo classes of 10 images, a 2-image class (a warning) and one unreadable file."""
    from core.demo import make_demo_dataset

    root = make_demo_dataset(tmp_path / "shapes", classes=3, per_class=10, size=32)
    for i in range(2):
        image_factory(root / "rare" / f"rare_{i}.png", index=3 + 4 * i, size=32)
    (root / "circle" / "broken.jpg").write_bytes(b"this is not a JPEG")
    return root


@pytest.fixture
def train_page(qtbot, settings):
    """A shown Train page in a fresh settings folder; its jobs are stopped afterwards."""
    from gui.train import TrainPage

    widget = TrainPage(settings.qsettings)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    yield widget
    assert widget.cancel_and_wait(15000)


@pytest.fixture
def classify_page(qtbot, settings, tiny_classifier):
    """A shown Classify page with the tiny classifier loaded; its jobs are stopped afterwards."""
    from gui.classify import ClassifyPage

    page = ClassifyPage(settings)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    page.set_classifier(tiny_classifier, path=None)
    yield page
    assert page.cancel_and_wait(5000)
