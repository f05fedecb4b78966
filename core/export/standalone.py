"""Classify images with an exported Backbone Studio model: no PyTorch, no Backbone Studio.

This file is copied as ``predict.py`` into every export folder. It needs Python 3.9+, numpy,
Pillow and the runtime of the model file you run:

    model.onnx, model.int8.onnx   onnxruntime   (pip install onnxruntime numpy pillow)
    openvino/model.xml            openvino      (pip install openvino numpy pillow)
    model.pt2                     torch         (torch.export program; pip install torch)
    model.mlpackage               coremltools   (macOS only; pip install coremltools)

    python predict.py photo.jpg folder/ [--model model.onnx] [--top-k 3] [--json]

The pixels the model sees are exactly those of Backbone Studio's loader (core/images.py and
the eval transform): EXIF orientation applied; an embedded non-sRGB ICC profile converted to
sRGB; 16/32-bit greyscale scaled to 8 bits; alpha composited on white; the first frame of an
animation; large JPEGs decoded at a reduced scale keeping the short side >= the resize size;
then the short side resized (bilinear, Pillow) to int(size * 8 / 7), a centre crop of size x
size, values / 255, minus the mean, divided by the std. ``preprocess.json`` beside this file
holds the size, mean, std, class names, calibration temperature and review threshold.
Backbone Studio imports this module to verify every export with these very functions.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

try:
    from PIL import ImageCms
except ImportError:  # a Pillow without littlecms: profiles are not converted
    ImageCms = None

BACKGROUND = (255, 255, 255)
BATCH = 16
MODEL_FILES = ("model.onnx", "model.int8.onnx", "openvino/model.xml", "model.pt2",
               "model.mlpackage")
_JPEG = ("JPEG", "MPO")
_SIXTEEN_BIT = ("I;16", "I;16L", "I;16B", "I;16N")
_ALPHA = ("RGBA", "LA", "PA", "RGBa", "La")
_ICC_MODES = {"RGB": "RGB", "RGBA": "RGBA", "CMYK": "RGB", "L": "RGB"}
_NEVER_OPEN = ("EPS",)


# ----------------------------------------------------------------------------- the loader


def _orient(image):
    try:
        orientation = image.getexif().get(0x0112, 1)
    except Exception:  # noqa: BLE001 - damaged EXIF keeps the stored orientation
        return image
    if orientation in (2, 3, 4, 5, 6, 7, 8):
        try:
            return ImageOps.exif_transpose(image)
        except Exception:  # noqa: BLE001
            return image
    return image


def _to_srgb(image):
    icc = image.info.get("icc_profile")
    if not icc or ImageCms is None or image.mode not in _ICC_MODES or "transparency" in image.info:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(bytes(icc)))
        description = (ImageCms.getProfileDescription(source) or "").strip()
        if description.lower().startswith("srgb"):
            return image
        transform = ImageCms.buildTransform(
            source, ImageCms.createProfile("sRGB"), image.mode, _ICC_MODES[image.mode]
        )
        return ImageCms.applyTransform(image, transform)
    except Exception:  # noqa: BLE001 - an unusable profile keeps the stored values
        return image


def _stretch(arr):
    lo, hi = float(arr.min()), float(arr.max())
    if hi <= lo:
        return np.zeros_like(arr)
    return ((arr - lo) * (255.0 / (hi - lo))).round()


def _to_8bit(image):
    arr = np.asarray(image)
    if image.mode in _SIXTEEN_BIT:
        out = (arr.astype(np.float32) * (255.0 / 65535.0)).round()
    elif image.mode == "I":
        lo, hi = (int(arr.min()), int(arr.max())) if arr.size else (0, 0)
        if lo >= 0 and hi <= 65535:
            out = (arr.astype(np.float32) * (255.0 / 65535.0)).round()
        else:
            out = _stretch(arr.astype(np.float64))
    else:
        arr = np.nan_to_num(arr.astype(np.float64), nan=0.0, posinf=0.0, neginf=0.0)
        lo, hi = (float(arr.min()), float(arr.max())) if arr.size else (0.0, 0.0)
        out = (arr * 255.0).round() if lo >= 0.0 and hi <= 1.0 else _stretch(arr)
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))


def _composite(image):
    if image.mode == "La":
        arr = np.asarray(image, dtype=np.float32)
        alpha = arr[..., 1:2] / 255.0
        out = arr[..., 0:1] + (1.0 - alpha) * np.asarray(BACKGROUND, dtype=np.float32)
        return Image.fromarray(np.clip(out.round(), 0, 255).astype(np.uint8))
    rgba = image if image.mode == "RGBA" else image.convert("RGBA")
    out = Image.new("RGB", rgba.size, BACKGROUND)
    out.paste(rgba, mask=rgba.getchannel("A"))
    return out


def to_rgb(image):
    """The loader's conversions for an image in memory (always RGB)."""
    image = _to_srgb(_orient(image))
    mode = image.mode
    if mode == "RGB" and "transparency" not in image.info:
        return image
    if mode in _SIXTEEN_BIT or mode in ("I", "F"):
        return _to_8bit(image).convert("RGB")
    if mode in _ALPHA or "transparency" in image.info:
        return _composite(image)
    return image.convert("RGB")


def load_image(path, decode_size=None):
    """A fully decoded RGB image; large JPEGs decoded at a reduced scale (short side kept)."""
    Image.init()
    formats = [f for f in Image.ID if f not in _NEVER_OPEN]
    with open(path, "rb") as handle:
        image = Image.open(handle, formats=formats)
        if decode_size and image.format in _JPEG:
            image.draft("RGB", (int(decode_size), int(decode_size)))
        image.load()
        return to_rgb(image)


# ----------------------------------------------------------------------------- the transform


def resize_size(input_size):
    return int(input_size * 8 / 7)


def preprocess(image, input_size, mean, std):
    """A float32 CHW array: short side to int(size*8/7) (bilinear), centre crop, normalise."""
    short_target = resize_size(input_size)
    width, height = image.size
    short, long = (width, height) if width <= height else (height, width)
    new_short, new_long = short_target, int(short_target * long / short)
    new_w, new_h = (new_short, new_long) if width <= height else (new_long, new_short)
    if (new_w, new_h) != (width, height):
        image = image.resize((new_w, new_h), resample=Image.BILINEAR)
    top = int(round((new_h - input_size) / 2.0))
    left = int(round((new_w - input_size) / 2.0))
    image = image.crop((left, top, left + input_size, top + input_size))
    arr = np.asarray(image, dtype=np.uint8).astype(np.float32) * np.float32(1 / 255)
    arr = (arr - np.asarray(mean, np.float32)) / np.asarray(std, np.float32)
    return np.ascontiguousarray(arr.transpose(2, 0, 1), dtype=np.float32)


def decode_size(input_size):
    return math.ceil(input_size * 8 / 7)


def load_batch(paths, config):
    """(arrays NCHW or None, errors): one row per readable path, in order."""
    size = int(config["input_size"])
    rows, errors = [], {}
    for path in paths:
        try:
            image = load_image(path, decode_size(size))
            rows.append(preprocess(image, size, config["mean"], config["std"]))
        except Exception as exc:  # noqa: BLE001 - one bad file never stops the others
            errors[str(path)] = f"{type(exc).__name__}: {exc}"
    return (np.stack(rows) if rows else None), errors


# ----------------------------------------------------------------------------- runtimes


class Runtime:
    """One model file in its own runtime: ``logits(batch)`` for a float32 NCHW batch."""

    def __init__(self, model_path, threads=None):
        self.path = Path(model_path)
        name = self.path.name
        if name.endswith(".onnx"):
            self._open_onnx(threads)
        elif name.endswith(".xml"):
            self._open_openvino(threads)
        elif name.endswith(".pt2"):
            self._open_pt2(threads)
        elif name.endswith(".mlpackage"):
            self._open_coreml()
        else:
            raise SystemExit(f"{model_path}: not a model file this script runs "
                             "(.onnx .xml .pt2 .mlpackage)")

    def _open_onnx(self, threads):
        import onnxruntime as ort

        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = int(threads)
        self._session = ort.InferenceSession(
            str(self.path), options, providers=["CPUExecutionProvider"]
        )
        self._input = self._session.get_inputs()[0].name
        self.kind = "onnxruntime"
        self._run = lambda x: self._session.run(None, {self._input: x})[0]

    def _open_openvino(self, threads):
        import openvino as ov

        config = {"INFERENCE_PRECISION_HINT": "f32"}
        if threads:
            config["INFERENCE_NUM_THREADS"] = int(threads)
        compiled = ov.Core().compile_model(str(self.path), "CPU", config)
        self.kind = "openvino"
        self._run = lambda x: np.asarray(compiled(x)[0])

    def _open_pt2(self, threads):
        import torch

        if threads:
            torch.set_num_threads(int(threads))
        module = torch.export.load(str(self.path)).module()
        self.kind = "torch.export"

        def run(x):
            with torch.inference_mode():
                return module(torch.from_numpy(x)).float().numpy()

        self._run = run

    def _open_coreml(self):  # macOS only: Core ML does not run elsewhere
        import coremltools as ct

        model = ct.models.MLModel(str(self.path))
        spec = model.get_spec()
        name, out = spec.description.input[0].name, spec.description.output[0].name
        self.kind = "coreml"
        self._run = lambda x: model.predict({name: x})[out]

    def logits(self, batch):
        return np.asarray(self._run(np.ascontiguousarray(batch, dtype=np.float32)), np.float32)


def softmax(logits, temperature=1.0):
    z = logits.astype(np.float64) / float(temperature or 1.0)
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


# ----------------------------------------------------------------------------- the command


def read_config(folder):
    with open(Path(folder) / "preprocess.json", encoding="utf-8") as handle:
        return json.load(handle)


def image_paths(items):
    """Files named are kept; folders give the images inside them (by extension), sorted."""
    suffixes = {s.lower() for s in Image.registered_extensions()}
    out = []
    for item in items:
        path = Path(item)
        if not path.is_dir():
            out.append(path)
            continue
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            out.extend(Path(root) / f for f in sorted(files)
                       if not f.startswith(".") and Path(f).suffix.lower() in suffixes)
    return out


def classify(paths, runtime, config, top_k=3):
    """One dict per path: source, label, confidence, top_k, review (or error)."""
    names = config["class_names"]
    temperature = config.get("temperature") or 1.0
    threshold = config.get("review_threshold")
    results = []
    for start in range(0, len(paths), BATCH):
        chunk = paths[start:start + BATCH]
        batch, errors = load_batch(chunk, config)
        probs = softmax(runtime.logits(batch), temperature) if batch is not None else None
        row = 0
        for path in chunk:
            if str(path) in errors:
                results.append({"source": str(path), "error": errors[str(path)]})
                continue
            order = np.argsort(-probs[row], kind="stable")[: max(1, top_k)]
            ranked = [(names[i], float(probs[row][i])) for i in order]
            review = threshold is not None and ranked[0][1] < float(threshold)
            results.append({"source": str(path), "label": ranked[0][0],
                            "confidence": ranked[0][1], "top_k": ranked, "review": review})
            row += 1
    return results


def default_model(folder):
    for name in MODEL_FILES:
        if (Path(folder) / name).exists():
            return Path(folder) / name
    raise SystemExit(f"no model file in {folder} (looked for {', '.join(MODEL_FILES)})")


def main(argv=None):
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description="Classify images with an exported model.")
    parser.add_argument("images", nargs="+", help="image files or folders")
    parser.add_argument("--model", help="model file (default: the first of " + ", ".join(MODEL_FILES) + ")")
    parser.add_argument("--top-k", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    args = parser.parse_args(argv)
    config = read_config(here)
    runtime = Runtime(args.model or default_model(here), args.threads)
    failed = 0
    try:
        for result in classify(image_paths(args.images), runtime, config, args.top_k):
            print(_line(result, args.json), flush=True)
            failed += "error" in result
    except BrokenPipeError:  # `python predict.py ... | head`: the reader went away
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no flush error at exit
    return 1 if failed else 0


def _line(result, as_json):
    if as_json:
        return json.dumps(result, ensure_ascii=False)
    if "error" in result:
        return f"{result['source']}\tERROR\t{result['error']}"
    flag = "\treview" if result["review"] else ""
    return f"{result['source']}\t{result['label']}\t{result['confidence']:.4f}{flag}"


if __name__ == "__main__":
    sys.exit(main())
