"""The translation sources (resources/i18n/*.ts): complete, consistent with the code, compiled.

- every zh_CN entry is finished (no `type="unfinished"`, no empty translation), keeps the
  source's placeholders ({name}, {lr:g}, %n) and rich-text tags;
- every text the converted gui modules and core's messages mark for translation is in the .ts
  (a text lupdate could not see would stay English: e.g. QCoreApplication.translate with %n);
- the generated core_messages.py and the committed .qm files are up to date.
"""

from __future__ import annotations

import ast
import re
import shutil
import string
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_i18n_checker import CONVERTED

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "resources" / "i18n"
ZH_TS = I18N / "backbone_studio_zh_CN.ts"
EN_TS = I18N / "backbone_studio_en.ts"
LRELEASE = Path(sys.executable).parent / "pyside6-lrelease"


def entries(path: Path) -> list[dict]:
    """(context, source, numerus, translations, unfinished) for each message of a .ts."""
    found = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            forms = [f.text or "" for f in translation.iter("numerusform")]
            found.append({
                "context": name,
                "source": message.findtext("source") or "",
                "disambiguation": message.findtext("comment"),
                "numerus": message.get("numerus") == "yes",
                "translations": forms if forms else [translation.text or ""],
                "unfinished": translation.get("type") in ("unfinished", "vanished", "obsolete"),
            })  # fmt: skip
    return found


def fields(text: str) -> list[str]:
    """The str.format fields with their specs ("{lr:g}" -> "lr:g"), sorted."""
    parsed = string.Formatter().parse(text)
    return sorted(f"{name}:{spec}" for _lit, name, spec, _conv in parsed if name is not None)


def tags(text: str) -> list[str]:
    return sorted(re.findall(r"</?[a-z]+[^>]*>", text))


def test_every_zh_cn_entry_is_finished_and_keeps_its_placeholders():
    problems = []
    for entry in entries(ZH_TS):
        source = entry["source"]
        for text in entry["translations"]:
            if entry["unfinished"] or not text.strip():
                problems.append(f"unfinished: {entry['context']}: {source!r}")
                continue
            if fields(text) != fields(source):
                problems.append(f"placeholders differ: {source!r} -> {text!r}")
            if ("%n" in source) != ("%n" in text):
                problems.append(f"%n differs: {source!r} -> {text!r}")
            if tags(text) != tags(source):
                problems.append(f"tags differ: {source!r} -> {text!r}")
    assert not problems, "\n".join(problems)
    assert len(entries(ZH_TS)) > 100


def test_chinese_translations_are_chinese():
    """A translation left in English would pass as "finished": most must hold CJK characters."""
    cjk = re.compile(r"[\u4e00-\u9fff]")
    english_ok = {"Apple GPU", "CPU, {size} px", "{number}%", ".", "{title} ({count})"}  # as in Chinese
    def has_words(source: str) -> bool:  # "{first}, {rest}", "{a}<br>{b}": only punctuation, tags
        return bool(re.search(r"[A-Za-z]", re.sub(r"\{[^}]*\}|%L?n|<[^>]*>", "", source)))

    left = [e["source"] for e in entries(ZH_TS)
            if e["source"] not in english_ok and has_words(e["source"])
            and not any(cjk.search(t) for t in e["translations"])]
    assert not left, left


def test_the_english_catalogue_has_both_plural_forms():
    plural = [e for e in entries(EN_TS) if e["numerus"]]
    assert plural and all(len(e["translations"]) == 2 and not e["unfinished"] for e in plural)
    for entry in plural:
        one, many = entry["translations"]
        assert "(s)" not in one + many
        assert re.search(r"%L?n", one) and re.search(r"%L?n", many)  # %Ln: a grouped number


def _class_of(tree: ast.AST) -> dict[ast.AST, str]:
    owner = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for child in ast.walk(node):
                owner.setdefault(child, node.name)
    return owner


def marked_texts(path: Path) -> set[tuple[str, str]]:
    """(context, text) of every literal passed to self.tr / translate / QT_TRANSLATE_NOOP."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    owner = _class_of(tree)
    marked = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        args = node.args
        is_self = isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "self"
        if name == "tr" and is_self and isinstance(args[0], ast.Constant):
            marked.add((owner.get(node, ""), args[0].value))
        elif name in ("translate", "QT_TRANSLATE_NOOP") and len(args) >= 2 and all(
            isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args[:2]
        ):
            marked.add((args[0].value, args[1].value))
    return marked


def test_every_marked_text_of_the_converted_modules_is_in_the_ts():
    in_ts = {(e["context"], e["source"]) for e in entries(ZH_TS)}
    missing = []
    for module in CONVERTED:
        missing += [f"{module}: {c}: {t!r}" for c, t in marked_texts(ROOT / module) - in_ts]
    assert not missing, "run `make translations`:\n" + "\n".join(sorted(missing))


def test_every_core_message_is_in_the_ts_with_its_id():
    from core.messages import CONTEXT, load_catalogue

    in_ts = {(e["context"], e["source"], e["disambiguation"]) for e in entries(ZH_TS)}
    catalogue = load_catalogue()
    assert catalogue
    missing = [i for i, t in catalogue.items() if (CONTEXT, t, i) not in in_ts]
    assert not missing, missing


def test_the_generated_core_messages_file_is_up_to_date():
    from gui.i18n_sources import core_messages_source

    committed = (I18N / "core_messages.py").read_text(encoding="utf-8")
    assert committed == core_messages_source(), "run `make translations`"


@pytest.mark.skipif(not LRELEASE.exists(), reason="pyside6-lrelease is not installed")
@pytest.mark.parametrize("name", ["backbone_studio_zh_CN", "backbone_studio_en"])
def test_the_committed_qm_files_are_compiled_from_the_ts(tmp_path, name):
    shutil.copy(I18N / f"{name}.ts", tmp_path / f"{name}.ts")
    subprocess.run([str(LRELEASE), "-silent", str(tmp_path / f"{name}.ts")], check=True,
                   timeout=60)  # fmt: skip
    assert (tmp_path / f"{name}.qm").read_bytes() == (I18N / f"{name}.qm").read_bytes(), (
        "run `make translations`"
    )


def test_the_frozen_app_carries_the_compiled_translations(monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_spec_tests", ROOT / "tests" / "test_build_spec.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    run = module.run_spec(monkeypatch)
    datas = [(Path(src).name, dest) for src, dest in run["Analysis"][0].kwargs["datas"]]
    for name in ("backbone_studio_zh_CN.qm", "backbone_studio_en.qm"):
        assert (name, "resources/i18n") in datas  # where gui.i18n.translations_dir() looks
    assert not any(name.endswith(".ts") or name == "core_messages.py" for name, _ in datas)
