"""The app in the user's language, Qt's way: translators, the language choice, core's messages.

- `install_translators(app)` loads the app's catalogue (resources/i18n/backbone_studio_<lang>.qm)
  and Qt's own (qtbase_<lang>.qm, for the standard buttons and dialogs) for the chosen language,
  and makes that language's QLocale the default (numbers, percentages, dates).
- The language follows the system locale (LANG=zh_CN.UTF-8 -> zh_CN); View ▸ Language
  (`LanguageMenu`) overrides it. The choice is kept in QSettings under `ui/language` ("" is the
  system's) and takes effect when the app is started again (the menu says so).
- `render(message)` says one of core's messages (core.messages.Message, a str carrying an id and
  params) in the installed language; a plain str is returned as it is. `translated_plan(plan)`
  renders a FitPlan's notes.

Source texts are extracted with `make translations` (pyside6-lupdate) into
resources/i18n/backbone_studio_zh_CN.ts and compiled into the .qm with pyside6-lrelease.
"""

from __future__ import annotations

import dataclasses
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from core.messages import CONTEXT, Message, message_of

_log = logging.getLogger(__name__)

CATALOGUE_NAME = "backbone_studio"
SETTING = "ui/language"
# (setting value, name shown in the menu): "" follows the system; a language's own name in it
LANGUAGES: tuple[tuple[str, str], ...] = (("en", "English"), ("zh_CN", "简体中文"))

_installed: list[QTranslator] = []  # kept alive while installed
_language = "en"  # the language installed (for render's fallbacks and tests)
_installed_for: tuple[int, str] | None = None  # (the app's id, the choice) installed last


def translations_dir() -> Path:
    """resources/i18n in a checkout, or inside the frozen app (build.spec copies it there)."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources" / "i18n"
    return Path(__file__).resolve().parent.parent / "resources" / "i18n"


def chosen_language(settings=None) -> str:
    """The language chosen in View ▸ Language: "en", "zh_CN", or "" for the system's."""
    if settings is None:
        from .settings import Settings

        settings = Settings()
    value = settings.value(SETTING, "", str)
    return value if value in dict(LANGUAGES) else ""


def locale_for(choice: str) -> QLocale:
    """The QLocale of a choice ("" = the system's: LANG / LC_ALL / the OS setting)."""
    return QLocale.system() if not choice else QLocale(choice)


def current_language() -> str:
    """The language whose catalogue is installed ("en" when none is)."""
    return _language


class InheritingTranslator(QTranslator):
    """The app's catalogue, looked up under the class that wrote the text.

    PySide's `self.tr()` takes the object's own class name as the context, while lupdate files
    a text under the class whose code holds it: a text written in a base class (ReviewDialog,
    Job) and shown by a subclass (SortReviewDialog, ExportJob) would never be found. When the
    context itself has no translation, the names of its base classes are tried in turn."""

    def translate(self, context, source, disambiguation=None, n=-1):  # noqa: D102 - Qt override
        found = super().translate(context, source, disambiguation, n)
        if found:
            return found
        for base in _bases(context) if context else ():
            found = super().translate(base, source, disambiguation, n)
            if found:
                return found
        return None  # a null QString: "not here", so Qt tries the next translator or the source


_BASES: dict[str, tuple[str, ...]] = {}


def _bases(name: str) -> tuple[str, ...]:
    """The base class names of the app's QObject class `name` (nearest first)."""
    if name not in _BASES:
        from PySide6.QtCore import QObject

        todo = list(QObject.__subclasses__())
        while todo:
            cls = todo.pop()
            todo.extend(cls.__subclasses__())
            if cls.__module__.startswith("gui."):
                _BASES[cls.__name__] = tuple(b.__name__ for b in cls.__mro__[1:]
                                             if b.__module__.startswith("gui."))  # fmt: skip
        _BASES.setdefault(name, ())
    return _BASES[name]


def install_translators(app: QCoreApplication, choice: str | None = None) -> str:
    """Install the translators for `choice` (default: the saved choice); returns the language
    installed ("en" for English and for a language the app has no catalogue for). Replaces the
    ones installed before, so tests may switch languages.

    English has a catalogue too: its plural forms ("%n epoch(s)" -> "1 epoch", "2 epochs")."""
    global _language, _installed_for
    wanted = chosen_language() if choice is None else choice
    if _installed_for == (id(app), wanted) and _installed:
        return _language  # already there (tests install English before each test)
    _installed_for = (id(app), wanted)
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    locale = locale_for(wanted)
    if locale.language() == QLocale.Language.C:  # LANG=C: English, with grouped digits
        locale = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    QLocale.setDefault(locale)
    english = locale.language() == QLocale.Language.English
    folder = str(translations_dir())
    ours = InheritingTranslator(app)
    if not english and ours.load(locale, CATALOGUE_NAME, "_", folder):
        _language = locale.name()
        qt = QTranslator(app)  # Qt's own words: standard buttons, file dialogs
        if qt.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            _installed.append(qt)
    else:
        if not english:
            _log.info("no translation for %s in %s", locale.name(), folder)
        _language = "en"
        if not ours.load(f"{CATALOGUE_NAME}_en", folder):
            _log.warning("the English catalogue is missing from %s (make translations)", folder)
            return _language
    _installed.insert(0, ours)
    for translator in _installed:
        app.installTranslator(translator)
    return _language


# ------------------------------------------------------------------------------ core messages
def render(text: object) -> str:
    """A core Message in the installed language (its English text when the catalogue has no
    translation, or the translation does not fit the params); anything else as str()."""
    if not isinstance(text, Message):
        return str(text)
    template = QCoreApplication.translate(CONTEXT, text.template, text.id)
    params = {k: _said(v) for k, v in text.params.items()}
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError) as exc:
        _log.warning("translation of %s does not fit its params: %s", text.id, exc)
        return str(text)


def error_text(exc: BaseException) -> str:
    """An error's message in the user's language: the core Message it was raised with,
    rendered; str(exc) for any other error."""
    return render(message_of(exc))


def _said(value: object) -> object:
    """A message's param as shown: nested Messages (and errors raised with one) rendered."""
    if isinstance(value, BaseException):
        value = message_of(value)
    return render(value) if isinstance(value, Message) else value


def translated_plan(plan):
    """A FitPlan (core.events) whose notes are rendered in the installed language."""
    notes = getattr(plan, "notes", None)
    if not notes or not dataclasses.is_dataclass(plan):
        return plan
    return dataclasses.replace(plan, notes=tuple(render(note) for note in notes))


# ------------------------------------------------------------------------------ View ▸ Language
class LanguageMenu(QMenu):
    """View ▸ Language: System / English / 简体中文, saved in the settings, applied at the next
    start (Qt widgets would all have to re-set their texts to switch live)."""

    def __init__(self, settings, parent: QWidget | None = None):
        super().__init__(self.tr("&Language"), parent)
        self.settings = settings
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        chosen = chosen_language(settings)
        native = QLocale.system().nativeLanguageName()  # "" for LANG=C
        system = self.tr("System ({language})").format(language=native) if native else self.tr("System")
        choices = (("", system), *LANGUAGES)
        self.language_actions: dict[str, QAction] = {}
        for value, name in choices:
            action = self.addAction(name)
            action.setCheckable(True)
            action.setChecked(value == chosen)
            action.setData(value)
            self.group.addAction(action)
            self.language_actions[value] = action
        self.group.triggered.connect(self._on_group_triggered)
        self.confirm = True  # tests turn the message box off

    def _on_group_triggered(self, action: QAction) -> None:
        value = action.data() or ""
        if value == chosen_language(self.settings):
            return
        self.settings.set_value(SETTING, value)
        self.settings.sync()
        if self.confirm:
            QMessageBox.information(
                self.parentWidget(),
                self.tr("Language"),
                self.tr("The new language is used when Backbone Studio is started again."),
            )
