"""An AST check for user-visible strings in gui/ that are not wrapped for translation.

`untranslated(source, filename)` lists (line, text) for every string literal (f-strings
included) passed to a Qt call that shows text: `setText`, `setWindowTitle`, `setToolTip`,
`addAction`, `QLabel(...)`, `QPushButton(...)`, `QMessageBox.warning(...)`, ... An argument is
fine when it is a call of `tr()` / `translate()` / `QT_TRANSLATE_NOOP()` (or `.format()` /
`.arg()` / `.replace()` on one), a name or attribute (its origin cannot be told here), or a
literal with no letters ("•", "—", "%1"). A line that ends with `# i18n: ok` is skipped (a
name, a file path, the app's own name).
"""

from __future__ import annotations

import ast
from pathlib import Path

# methods whose string arguments are shown to the person
TEXT_METHODS = frozenset({
    "setText", "setWindowTitle", "setToolTip", "setStatusTip", "setWhatsThis", "setTitle",
    "setPlaceholderText", "setSpecialValueText", "setSuffix", "setPrefix", "setLabelText",
    "setInformativeText", "setDetailedText", "setHtml", "setPlainText", "showMessage",
    "addAction", "addMenu", "addItem", "addItems", "addTab", "insertTab", "setTabText",
    "setHeaderLabels", "setHorizontalHeaderLabels", "setVerticalHeaderLabels", "setFormat",
    "addRow", "setCancelButtonText", "setAccessibleName", "setButtonText", "addButton",
    "getOpenFileName", "getOpenFileNames", "getSaveFileName", "getExistingDirectory",
    "getText", "getItem", "getInt", "getDouble",
})  # fmt: skip
# constructors whose string arguments are shown
TEXT_CLASSES = frozenset({
    "QLabel", "QPushButton", "QCheckBox", "QRadioButton", "QGroupBox", "QAction", "QMenu",
    "QToolButton", "QCommandLinkButton", "QTreeWidgetItem", "QListWidgetItem",
    "QTableWidgetItem", "QProgressDialog", "QInputDialog", "QFileDialog",
})  # fmt: skip
# QMessageBox's static functions
MESSAGE_BOX = frozenset({"warning", "information", "question", "critical", "about"})
TRANSLATING = frozenset({"tr", "translate", "QT_TRANSLATE_NOOP", "QT_TR_NOOP"})
CHAINED = frozenset({"format", "arg", "replace", "strip", "rstrip", "lstrip"})
OK_MARK = "# i18n: ok"


def _callee(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _offending(node: ast.AST) -> str | None:
    """The untranslated text in an argument expression, or None when it is fine."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) and _has_letters(node.value) else None
    if isinstance(node, ast.JoinedStr):
        literal = "".join(
            part.value for part in node.values
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        )  # fmt: skip
        return ast.unparse(node) if _has_letters(literal) else None
    if isinstance(node, ast.BinOp):
        return _offending(node.left) or _offending(node.right)
    if isinstance(node, ast.IfExp):
        return _offending(node.body) or _offending(node.orelse)
    if isinstance(node, (ast.Tuple, ast.List)):
        return next((t for t in map(_offending, node.elts) if t), None)
    if isinstance(node, ast.Call):
        name = _callee(node)
        if name in TRANSLATING:
            return None
        if name in CHAINED and isinstance(node.func, ast.Attribute):
            return _offending(node.func.value)
        if name == "join" and isinstance(node.func, ast.Attribute):
            return next((t for t in map(_offending, node.args) if t), None)
    return None  # a name, an attribute, another call: its origin cannot be told here


def _shown_arguments(node: ast.Call) -> list[ast.AST]:
    """The arguments of `node` that are shown to the person ([] when the call shows nothing)."""
    name = _callee(node)
    if name in TEXT_CLASSES or name in TEXT_METHODS:
        args = list(node.args)
        if name in ("addItem", "addAction", "addMenu", "addButton") and args:
            # addItem(text, data): the data is not shown; addAction(icon, text, ...)
            args = args[:2] if name != "addItem" else args[:1]
        return args + [k.value for k in node.keywords if k.arg in ("text", "title", "toolTip")]
    func = node.func
    if (name in MESSAGE_BOX and isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name) and func.value.id == "QMessageBox"):  # fmt: skip
        return list(node.args[1:3])
    return []


def untranslated(source: str, filename: str = "<string>") -> list[tuple[int, str]]:
    """(line, text) for each user-visible string literal in `source` not wrapped for
    translation."""
    tree = ast.parse(source, filename)
    lines = source.splitlines()
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for argument in _shown_arguments(node):
            text = _offending(argument)
            if text is None:
                continue
            last = getattr(node, "end_lineno", node.lineno)
            if any(OK_MARK in lines[i - 1] for i in range(node.lineno, last + 1)):
                continue
            found.append((argument.lineno, text))
    return sorted(found)


def untranslated_in_file(path: Path) -> list[str]:
    """"path:line: text" for each finding in a file."""
    source = Path(path).read_text(encoding="utf-8")
    return [f"{path}:{line}: {text!r}" for line, text in untranslated(source, str(path))]
