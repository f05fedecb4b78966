"""Sorting a folder: layout, manifest, originals untouched, clashes, resume, move, links."""

from __future__ import annotations

import csv
import hashlib
import os
from pathlib import Path

import pytest
from sort_helpers import CLASSES, snapshot, write_photos

from core.errors import BackboneStudioError
from core.events import CancelToken
from core.sorting import (
    COLUMNS,
    MANIFEST_NAME,
    NOT_SURE_FOLDER,
    UNREADABLE_FOLDER,
    SortOptions,
    read_manifest,
    sort_folder,
)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_matches_source(source_files: list[Path], dest: Path, originals=None) -> list:
    """The manifest names every source exactly once, every destination file exactly once, and
    each destination holds its source's bytes."""
    rows = read_manifest(dest / MANIFEST_NAME)
    assert sorted(r.source for r in rows) == sorted(str(p) for p in source_files)
    placed = {p.relative_to(dest).as_posix() for p in dest.rglob("*")
              if p.is_file() and p.name != MANIFEST_NAME}  # fmt: skip
    assert sorted(r.destination for r in rows) == sorted(placed)
    for row in rows:
        content = (dest / row.destination).read_bytes()
        expected = originals[row.source] if originals else Path(row.source).read_bytes()
        assert content == expected and hashlib.sha256(content).hexdigest() == row.sha256
    return rows


def test_copy_sort_layout_manifest_and_untouched_originals(classifier, tmp_path):
    source = tmp_path / "inbox"
    files = write_photos(source, 10) + write_photos(source, 4, start=10, sub="trip")
    (source / "broken.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    (source / ".hidden.jpg").write_bytes(b"junk")  # hidden: not an image to sort
    files.append(source / "broken.jpg")
    before = snapshot(source)
    dest = tmp_path / "sorted"
    seen = []
    # a random model: a threshold at the median confidence sends half of the photos to review
    confidences = sorted(p.confidence for p in classifier.predict(files) if p.ok)
    threshold = confidences[len(confidences) // 2]
    summary = sort_folder(classifier, source, dest, SortOptions(threshold=threshold),
                          progress=lambda d, t: seen.append((d, t)))  # fmt: skip
    assert snapshot(source) == before  # bytes and modification times
    rows = check_matches_source(files, dest)
    assert summary.total == 15 and summary.sorted == 15 and not summary.problems
    assert seen[-1] == (15, 15)
    by_source = {r.source: r for r in rows}
    broken = by_source[str(source / "broken.jpg")]
    assert broken.destination == f"{UNREADABLE_FOLDER}/broken.jpg" and "unreadable" in broken.flags
    assert summary.unreadable == 1
    for row in rows:
        folder = row.destination.split("/")[0]
        if "not_sure" in row.flags or "unfamiliar" in row.flags:
            assert folder == NOT_SURE_FOLDER and float(row.confidence) >= 0
        elif row is not broken:
            assert folder in CLASSES and float(row.confidence) >= threshold - 1e-6
    assert summary.not_sure == sum(r.label == NOT_SURE_FOLDER for r in rows)
    assert summary.not_sure and sum(summary.per_class.values())  # both kinds happened
    # copies keep the original's modification time
    for row in rows:
        assert (dest / row.destination).stat().st_mtime_ns == Path(row.source).stat().st_mtime_ns
    with open(dest / MANIFEST_NAME, newline="", encoding="utf-8") as handle:
        assert tuple(next(csv.reader(handle))) == COLUMNS
    assert "Manifest" in summary.describe()


def test_rerun_skips_what_is_sorted_and_adopts_unrecorded_copies(classifier, tmp_path):
    source = tmp_path / "inbox"
    files = write_photos(source, 12)
    dest = tmp_path / "sorted"
    sort_folder(classifier, source, dest)
    again = sort_folder(classifier, source, dest)
    assert again.already == 12 and again.sorted == 0
    check_matches_source(files, dest)
    # as if killed after copying but before the manifest row was written: half the rows lost
    manifest = dest / MANIFEST_NAME
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    manifest.write_text("".join(lines[:7]), encoding="utf-8")
    resumed = sort_folder(classifier, source, dest)
    assert resumed.already == 6 and resumed.sorted == 6 and resumed.adopted == 6
    check_matches_source(files, dest)  # nothing doubled


def test_name_clash_keeps_both_files(classifier, tmp_path):
    source = tmp_path / "inbox"
    first = write_photos(source, 1, sub="a")[0]
    second = write_photos(source, 1, start=1, sub="b")[0]
    second = second.rename(second.with_name(first.name))
    assert first.name == second.name and first.read_bytes() != second.read_bytes()
    dest = tmp_path / "sorted"
    existing = dest / NOT_SURE_FOLDER / first.name  # something of the user's already there
    existing.parent.mkdir(parents=True)
    existing.write_bytes(b"keep me")
    sort_folder(classifier, source, dest, SortOptions(threshold=1.0))  # all to review
    names = sorted(p.name for p in (dest / NOT_SURE_FOLDER).iterdir())
    assert names == ["photo_0000 (2).jpg", "photo_0000 (3).jpg", "photo_0000.jpg"]
    assert existing.read_bytes() == b"keep me"
    contents = {(dest / NOT_SURE_FOLDER / n).read_bytes() for n in names}
    assert contents == {b"keep me", first.read_bytes(), second.read_bytes()}


def test_link_sort_shares_the_files_and_leaves_originals_as_they_were(classifier, tmp_path):
    source = tmp_path / "inbox"
    files = write_photos(source, 6)
    before = snapshot(source)
    dest = tmp_path / "sorted"
    sort_folder(classifier, source, dest, SortOptions(mode="link"))
    assert snapshot(source) == before
    rows = check_matches_source(files, dest)
    for row in rows:  # same file system here: hard links
        assert os.path.samefile(row.source, dest / row.destination)


def test_link_falls_back_to_copy_across_file_systems(classifier, tmp_path, monkeypatch):
    import errno

    def cross_device(src, dst, *a, **k):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", cross_device)
    source = tmp_path / "inbox"
    files = write_photos(source, 4)
    dest = tmp_path / "sorted"
    sort_folder(classifier, source, dest, SortOptions(mode="link"))
    rows = check_matches_source(files, dest)
    assert not any(os.path.samefile(r.source, dest / r.destination) for r in rows)


def test_move_takes_the_originals_out_and_a_rerun_finishes_an_interrupted_move(classifier, tmp_path):
    source = tmp_path / "inbox"
    files = write_photos(source, 8)
    originals = {str(p): p.read_bytes() for p in files}
    dest = tmp_path / "sorted"
    summary = sort_folder(classifier, source, dest, SortOptions(mode="move"))
    assert summary.sorted == 8 and not any(p.exists() for p in files)
    rows = check_matches_source(files, dest, originals)
    assert all("moved" in r.flags for r in rows)
    # a move killed after its manifest was written but before the originals were removed
    restored = write_photos(source, 8)
    assert sort_folder(classifier, source, dest, SortOptions(mode="move")).already == 8
    assert not any(p.exists() for p in restored)
    check_matches_source(files, dest, originals)


def test_cancel_keeps_what_was_placed_and_a_rerun_finishes(classifier, tmp_path):
    source = tmp_path / "inbox"
    files = write_photos(source, 20)
    dest = tmp_path / "sorted"
    token = CancelToken()

    def progress(done, total):
        if done >= 4:
            token.cancel()

    first = sort_folder(classifier, source, dest, SortOptions(batch_size=2), progress=progress,
                        cancel=token)  # fmt: skip
    assert first.cancelled and 4 <= first.sorted < 20
    rest = sort_folder(classifier, source, dest)
    assert rest.already == first.sorted and rest.already + rest.sorted == 20
    check_matches_source(files, dest)


def test_destination_inside_the_source_is_left_out_and_the_reverse_refused(classifier, tmp_path):
    source = tmp_path / "inbox"
    files = write_photos(source, 3)
    dest = source / "sorted"
    sort_folder(classifier, source, dest)
    again = sort_folder(classifier, source, dest)  # the sorted copies are not sorted again
    assert again.total == 3 and again.already == 3
    check_matches_source(files, dest)
    with pytest.raises(BackboneStudioError, match="must not be the source"):
        sort_folder(classifier, source, source)
    with pytest.raises(BackboneStudioError, match="not a folder"):
        sort_folder(classifier, tmp_path / "missing", tmp_path / "out")
    with pytest.raises(BackboneStudioError, match="from 0 to 1"):
        sort_folder(classifier, source, tmp_path / "out", SortOptions(threshold=2.0))


def test_a_foreign_manifest_is_refused_with_its_name(classifier, tmp_path):
    source = tmp_path / "inbox"
    write_photos(source, 2)
    dest = tmp_path / "sorted"
    dest.mkdir()
    (dest / MANIFEST_NAME).write_text("name,size\nx,1\n", encoding="utf-8")
    with pytest.raises(BackboneStudioError, match=MANIFEST_NAME):
        sort_folder(classifier, source, dest)
