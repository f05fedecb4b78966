"""`backbone-studio-cli sort`: the options, the summary, the exit statuses."""

from __future__ import annotations

from sort_helpers import write_photos

from core.cli import main
from core.sorting import MANIFEST_NAME, read_manifest


def test_cli_sort_copies_by_default_and_resumes(capsys, model_file, tmp_path):
    source = tmp_path / "inbox"
    files = write_photos(source, 5)
    dest = tmp_path / "sorted"
    args = ["sort", str(source), str(dest), "--model", str(model_file), "--device", "cpu"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Sorted: 5 images" in out and MANIFEST_NAME in out
    rows = read_manifest(dest / MANIFEST_NAME)
    assert sorted(r.source for r in rows) == sorted(str(p) for p in files)
    assert all(p.exists() for p in files)  # copied
    assert main(args + ["--threshold", "1"]) == 0  # nothing new: all already sorted
    assert "5 already sorted before" in capsys.readouterr().out


def test_cli_sort_usage_errors(capsys, model_file, tmp_path):
    source = tmp_path / "inbox"
    write_photos(source, 1)
    base = ["sort", str(source), str(tmp_path / "out"), "--model", str(model_file)]
    assert main(base + ["--threshold", "1.5"]) == 2
    assert "from 0 to 1" in capsys.readouterr().err
    assert main(base + ["--copy", "--move"]) == 2  # one way at a time
    capsys.readouterr()
    assert main(["sort", str(tmp_path / "nope"), str(tmp_path / "out"), "--model",
                 str(model_file), "--device", "cpu"]) == 2  # fmt: skip
    assert "not a folder" in capsys.readouterr().err
