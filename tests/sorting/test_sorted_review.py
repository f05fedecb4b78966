"""core.sorting.SortedReview: reviewed "Not sure" images filed into DEST's class folders, the
manifest following them, and undo putting both back; nothing outside DEST is touched."""

from __future__ import annotations

import pytest

from core.errors import BackboneStudioError
from core.sorting import MANIFEST_NAME, Manifest, ManifestRow, SortedReview, read_manifest


def _sorted_folder(tmp_path):
    dest = tmp_path / "sorted"
    (dest / "_not_sure").mkdir(parents=True)
    (dest / "cat").mkdir()
    manifest = Manifest(dest)
    for name in ("a.jpg", "b.jpg"):
        (dest / "_not_sure" / name).write_bytes(name.encode() * 100)
        manifest.add(ManifestRow(f"/photos/{name}", f"_not_sure/{name}", "_not_sure", "0.41",
                                 ("not_sure",), "0" * 64))  # fmt: skip
    (dest / "cat" / "a.jpg").write_bytes(b"another a.jpg, already a cat")  # a name clash
    manifest.add(ManifestRow("/photos/x/a.jpg", "cat/a.jpg", "cat", "0.99", (), "1" * 64))
    manifest.flush()
    return dest


def _tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_filed_images_move_into_their_class_and_the_manifest_follows(tmp_path):
    dest = _sorted_folder(tmp_path)
    before = _tree(dest)
    review = SortedReview(dest)
    action = review.file({str(dest / "_not_sure" / "a.jpg"): "cat",
                          str(dest / "_not_sure" / "b.jpg"): "dog"})  # fmt: skip
    rows = {r.source: r for r in read_manifest(dest / MANIFEST_NAME)}
    assert rows["/photos/a.jpg"].label == "cat" and "reviewed" in rows["/photos/a.jpg"].flags
    assert rows["/photos/a.jpg"].destination != "cat/a.jpg"  # the clash kept both files
    assert rows["/photos/b.jpg"].destination == "dog/b.jpg"
    assert all((dest / r.destination).is_file() for r in rows.values())
    assert (dest / "cat" / "a.jpg").read_bytes() == b"another a.jpg, already a cat"
    review.undo(action)
    assert _tree(dest) == before and not (dest / "dog").exists()


def test_an_image_the_sort_did_not_place_is_refused_with_nothing_changed(tmp_path):
    dest = _sorted_folder(tmp_path)
    stray = tmp_path / "elsewhere.jpg"
    stray.write_bytes(b"x")
    before = _tree(dest)
    with pytest.raises(BackboneStudioError, match="not inside the sorted folder"):
        SortedReview(dest).file({str(stray): "cat"})
    (dest / "_not_sure" / "c.jpg").write_bytes(b"c")
    with pytest.raises(BackboneStudioError, match="not in the manifest"):
        SortedReview(dest).file({str(dest / "_not_sure" / "c.jpg"): "cat"})
    assert _tree(dest) == {**before, "_not_sure/c.jpg": b"c"}
