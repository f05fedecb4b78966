"""The README.md written into every export folder."""

from __future__ import annotations

_RUNTIMES = {
    "onnx": ("model.onnx", "pip install onnxruntime numpy pillow"),
    "int8": ("model.int8.onnx", "pip install onnxruntime numpy pillow"),
    "openvino": ("openvino/model.xml", "pip install openvino numpy pillow"),
    "pt2": ("model.pt2", "pip install torch numpy pillow"),
    "coreml": ("model.mlpackage", "pip install coremltools numpy pillow (macOS only)"),
}


def readme_text(config: dict, formats, report) -> str:
    """How to run the exported model, what its input is, and how it was verified."""
    size, resize = config["input_size"], config["resize"]
    lines = [
        "# Exported image classifier", "",
        f"{len(config['class_names'])} classes (labels.txt, in output order), backbone "
        f"{config['backbone']}. Made by Backbone Studio; MODEL_CARD.md says what it recognises, "
        "how well, and where it is weak.", "",
        "## Run it", "",
        "`predict.py` needs only Python 3.9+, numpy, Pillow and the model's runtime (no PyTorch "
        "for ONNX or OpenVINO, no Backbone Studio):", "",
        "| File | Runtime | Install |", "|---|---|---|",
    ]  # fmt: skip
    for fmt in formats:
        file, install = _RUNTIMES[fmt.name]
        lines.append(f"| `{file}` | {fmt.label} | `{install}` |")
    lines += [
        "", "```", "python predict.py photo.jpg more_photos/ --top-k 3",
        "python predict.py photos/ --model " + _RUNTIMES[formats[0].name][0] + " --json", "```", "",
        "Each line: the image, the label, its confidence (softmax of logits / temperature) and "
        "`review` when the confidence is under the review threshold. The app's \"None of these\" "
        "check (images unlike every class) is not part of the export.", "",
        "## The input, exactly", "",
        f"- input `{config['input_name']}`: float32, N x 3 x {size} x {size} (RGB, NCHW), any "
        f"batch size; output `{config['output_name']}`: N x {len(config['class_names'])} logits",
        "- decode: EXIF orientation applied, an embedded non-sRGB ICC profile converted to sRGB, "
        "alpha composited on white, 16-bit greyscale scaled to 8 bits, first frame of animations",
        f"- resize the short side to {resize} px (bilinear, Pillow), centre-crop {size} x {size}",
        f"- divide by 255, subtract mean {config['mean']}, divide by std {config['std']}",
        f"- probabilities: softmax(logits / {config['temperature']}); review threshold: "
        f"{config['review_threshold']}", "",
        "`preprocess.json` holds these values; the ONNX file carries them in its metadata too. "
        "Resizing in another library (OpenCV, torchvision on tensors) or padding instead of "
        "cropping gives different pixels and, sometimes, different answers.", "",
        "## Verified", "",
        f"Before this folder was written, every model file here ran in its own runtime on "
        f"{report.images} and was compared with PyTorch (verification.json). fp32 files agree "
        "with PyTorch on at least 99.5 % of top-1 labels; INT8 loses at most 1 point of "
        "accuracy (unless forced).", "",
    ]  # fmt: skip
    return "\n".join(lines)
