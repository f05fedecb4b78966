"""The embedding map's lasso: a free-hand drag around a group selects exactly that group."""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

pytestmark = pytest.mark.gui


def _result(n_group: int = 30, n_rest: int = 200):
    """Two classes; a tight group at (5, 5), the rest spread over -10..10 but outside radius 3
    of the group's centre."""
    rng = np.random.default_rng(0)
    group = rng.normal(5.0, 0.5, size=(n_group, 2))
    rest = rng.uniform(-10, 10, size=(4 * n_rest, 2))
    rest = rest[np.hypot(rest[:, 0] - 5, rest[:, 1] - 5) > 3][:n_rest]
    embedding = np.vstack([rest, group]).astype(np.float32)
    labels = np.array([i % 2 for i in range(len(embedding))])
    paths = [Path(f"/nowhere/img_{i:04d}.jpg") for i in range(len(embedding))]
    return SimpleNamespace(paths=paths, embedding=embedding, labels=labels,
                           class_names=["a", "b"]), set(paths[n_rest:])  # fmt: skip


def _to_widget(view, plot, x: float, y: float):
    from PySide6.QtCore import QPointF

    scene = view.mapViewToScene(QPointF(x, y))
    return plot.mapFromScene(scene)


def _to_view(view, plot, point) -> tuple[float, float]:
    here = view.mapSceneToView(plot.mapToScene(point))
    return here.x(), here.y()


def _drag(qtbot, plot, points, modifier=None):
    """Press at points[0], move through the rest with the left button held, release: real mouse
    events on the plot's viewport (QTest's mouseMove cannot hold a button)."""
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    modifiers = modifier or Qt.KeyboardModifier.NoModifier
    viewport = plot.viewport()
    left = Qt.MouseButton.LeftButton
    qtbot.mousePress(viewport, left, modifiers, points[0])
    for point in points[1:]:
        local = QPointF(point)
        event = QMouseEvent(QEvent.Type.MouseMove, local, viewport.mapToGlobal(local), Qt.MouseButton.NoButton,
                            left, modifiers)  # fmt: skip
        QApplication.sendEvent(viewport, event)
        qtbot.wait(12)  # pyqtgraph drops moves closer than 10 ms (its mouseRateLimit)
    qtbot.mouseRelease(viewport, left, modifiers, points[-1])
    if modifier is not None:  # let go of the key too: Qt remembers the last modifiers it saw
        qtbot.keyRelease(viewport, Qt.Key.Key_Shift)
        assert QApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier


@pytest.fixture
def map_widget(qtbot):
    from gui.audit.map_view import EmbeddingMapWidget

    widget = EmbeddingMapWidget(open_on_click=False)
    qtbot.addWidget(widget)
    widget.resize(600, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_a_lasso_around_a_group_selects_exactly_it(qtbot, map_widget):
    result, group = _result()
    map_widget.show_result(result)
    map_widget.view.autoRange(padding=0.05)
    map_widget.select_button.click()
    assert map_widget.view.selecting
    # a wobbly free-hand loop of radius ~2.2 around (5, 5): not a circle, not a rectangle
    loop = [(5 + (2.2 + 0.3 * math.sin(5 * t)) * math.cos(t),
             5 + (2.2 + 0.3 * math.sin(5 * t)) * math.sin(t))
            for t in np.linspace(0, 2 * math.pi, 40)]  # fmt: skip
    screen = [_to_widget(map_widget.view, map_widget.plot, x, y) for x, y in loop]
    with qtbot.waitSignal(map_widget.selectionChanged) as changed:
        _drag(qtbot, map_widget.plot, screen)
    assert set(map_widget.selected) == group
    assert set(changed.args[0]) == {str(p) for p in group}
    assert len(map_widget.highlight.data) == len(group)  # the selection is ringed
    assert "30 selected" in map_widget.info_label.text()
    map_widget.select_button.click()  # off: the selection is cleared, dragging pans again
    assert map_widget.selected == [] and not map_widget.view.selecting
    assert len(map_widget.highlight.data) == 0


def test_shift_drag_selects_a_rectangle(qtbot, map_widget):
    from PySide6.QtCore import Qt

    result, _group = _result()
    map_widget.show_result(result)
    map_widget.view.autoRange(padding=0.05)
    map_widget.select_button.click()
    corners = [(-9.0, -9.0), (-2.0, -5.0), (0.0, 0.0)]
    screen = [_to_widget(map_widget.view, map_widget.plot, x, y) for x, y in corners]
    _drag(qtbot, map_widget.plot, screen, Qt.KeyboardModifier.ShiftModifier)
    # the rectangle spans the press and the release (where the pixels put them in map units);
    # the middle of the drag does not matter
    (x0, y0), (x1, y1) = (
        _to_view(map_widget.view, map_widget.plot, p) for p in (screen[0], screen[-1])
    )
    points = np.asarray(result.embedding)
    inside = ((points[:, 0] > min(x0, x1)) & (points[:, 0] < max(x0, x1))
              & (points[:, 1] > min(y0, y1)) & (points[:, 1] < max(y0, y1)))  # fmt: skip
    assert map_widget.selected == [p for p, keep in zip(result.paths, inside, strict=True) if keep]
    assert 5 < len(map_widget.selected) < len(result.paths) // 2


def test_points_in_polygon_matches_qpainterpath():
    """Vectorised (one numpy pass per edge: 50,000 points select in ~0.07 s; measured by
    tools/audit_scale.py, not asserted here) and right, against Qt's own odd-even test."""
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QPainterPath, QPolygonF

    from gui.audit.lasso import points_in_polygon

    rng = np.random.default_rng(1)
    points = rng.uniform(-1, 1, size=(50_000, 2))
    t = np.linspace(0, 2 * math.pi, 300, endpoint=False)  # a concave star of 300 vertices
    radius = 0.5 + 0.3 * np.sin(7 * t)
    polygon = np.stack([radius * np.cos(t), radius * np.sin(t)], axis=1)
    mask = points_in_polygon(points, polygon)
    path = QPainterPath()
    path.addPolygon(QPolygonF([QPointF(x, y) for x, y in polygon]))
    path.setFillRule(Qt.FillRule.OddEvenFill)
    sample = rng.choice(len(points), 2_000, replace=False)
    expected = np.array([path.contains(QPointF(*points[i])) for i in sample])
    assert (mask[sample] == expected).mean() > 0.998  # points on an edge may differ
    assert 0.1 < mask.mean() < 0.6
    assert not points_in_polygon(points, polygon[:2]).any()  # no area, nothing inside


def test_hover_and_click_find_the_right_image_without_per_point_data(qtbot, map_widget):
    from PySide6.QtCore import QPointF

    result, _group = _result()
    map_widget.show_result(result)
    map_widget.view.autoRange(padding=0.05)
    row = 7  # an isolated point of class 1 (rows alternate between the classes)
    item = map_widget.items[row % 2]
    spots = item.pointsAt(QPointF(*result.embedding[row]))
    assert len(spots) == 1
    with qtbot.waitSignal(map_widget.hovered) as hovered:
        map_widget._on_hovered(item, spots, None)
    assert hovered.args == [str(result.paths[row])]
    with qtbot.waitSignal(map_widget.clicked) as clicked:
        map_widget._on_clicked(item, spots, None)
    assert clicked.args == [str(result.paths[row])]
