#!/usr/bin/env python3
"""Samtal's UI text catalogue (ui-text/strings.toml): generate each app's string files
from it and check it.

  ui-text.py android RES_DIR        writes RES_DIR/values{,-da,-en}/strings.xml (sv default)
  ui-text.py ios RES_DIR            writes RES_DIR/{sv,da,en}.lproj/Localizable.strings and
                                    InfoPlist.strings (the microphone purpose, the app's name)
  ui-text.py check [SRC_DIR ...]    fails when a key lacks a language, the languages'
                                    placeholders differ, an app uses a key not in it, or
                                    Swift code names a key other than as a literal

UI_TEXT_CATALOGUE=PATH reads another catalogue (the checks' own tests use it).
"""
import os
import pathlib
import re
import sys
import tomllib
from xml.sax.saxutils import escape

LANGUAGES = ("sv", "da", "en")
DEFAULT = "sv"
CATALOGUE = pathlib.Path(
    os.environ.get("UI_TEXT_CATALOGUE") or pathlib.Path(__file__).resolve().parent.parent / "ui-text" / "strings.toml"
)
PLACEHOLDER = re.compile(r"%(\d+)\$([sd])")
# How the apps refer to a key: Android code and XML (R.string.x, @string/x), Swift L("x").
USES = re.compile(r"\bR\.string\.([a-z0-9_]+)|@string/([a-z0-9_]+)|\bL\(\s*\"([a-z0-9_]+)\"")
# A Swift lookup whose key is not a literal cannot be checked; `func L(` is the helper itself.
SWIFT_DYNAMIC = re.compile(r"(?<!func )\bL\((?!\s*\"[a-z0-9_]+\")")
# Info.plist values iOS reads from InfoPlist.strings, and the catalogue keys they come from.
INFO_PLIST = {"CFBundleDisplayName": "app_name", "NSMicrophoneUsageDescription": "mic_usage"}
KEY = re.compile(r"^[a-z][a-z0-9_]*$")


def load(path=CATALOGUE):
    with open(path, "rb") as f:
        return tomllib.load(f)


def problems(catalogue, used=()):
    """Everything wrong with the catalogue, as sentences naming the key."""
    found = []
    for key, texts in catalogue.items():
        if not KEY.match(key):
            found.append(f"{key}: keys are lower case letters, digits and _")
        if not isinstance(texts, dict):
            found.append(f"{key}: expected a table with {', '.join(LANGUAGES)}")
            continue
        for lang in LANGUAGES:
            if not str(texts.get(lang, "")).strip():
                found.append(f"{key}: no {lang} text")
        for lang in set(texts) - set(LANGUAGES):
            found.append(f"{key}: unknown language {lang}")
        shapes = {lang: sorted(PLACEHOLDER.findall(str(texts.get(lang, "")))) for lang in LANGUAGES}
        if len({tuple(s) for s in shapes.values()}) > 1:
            found.append(f"{key}: placeholders differ between languages {shapes}")
    for key, where in sorted(used):
        if key.startswith("!"):
            found.append(f"{where}: {key[1:]}")
        elif key not in catalogue:
            found.append(f"{key}: used in {where} but not in {CATALOGUE.name}")
    return found


def uses(dirs):
    """(key, file) for every key the apps' sources refer to."""
    found = set()
    for d in dirs:
        for path in pathlib.Path(d).rglob("*"):
            if path.suffix not in (".kt", ".java", ".xml", ".swift", ".plist") or not path.is_file():
                continue
            text = path.read_text(encoding="utf-8")
            for m in USES.finditer(text):
                found.add((m.group(1) or m.group(2) or m.group(3), str(path)))
            if path.suffix == ".swift":
                for m in SWIFT_DYNAMIC.finditer(text):
                    line = text.count("\n", 0, m.start()) + 1
                    found.add(("!a UI text key must be a string literal, as in L(\"key\")", f"{path}:{line}"))
            for key in INFO_PLIST.values() if path.name == "Info.plist" else ():
                found.add((key, str(path)))
    return found


def android_text(text):
    """Android string resource escaping: XML, then apostrophes, quotes and a leading @ or ?."""
    text = escape(text).replace("\\", "\\\\").replace("'", "\\'").replace('"', '\\"').replace("\n", "\\n")
    return "\\" + text if text[:1] in ("@", "?") else text


def write_android(catalogue, res_dir):
    for lang in LANGUAGES:
        folder = pathlib.Path(res_dir) / ("values" if lang == DEFAULT else f"values-{lang}")
        folder.mkdir(parents=True, exist_ok=True)
        lines = ['<?xml version="1.0" encoding="utf-8"?>',
                 "<!-- Generated from ui-text/strings.toml by scripts/ui-text.py: edit the catalogue. -->",
                 "<resources>"]
        for key, texts in catalogue.items():
            formatted = "" if PLACEHOLDER.search(texts[lang]) else ' formatted="false"'
            lines.append(f'    <string name="{key}"{formatted}>{android_text(texts[lang])}</string>')
        lines.append("</resources>")
        (folder / "strings.xml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def ios_text(text):
    """A .strings value: Swift's format specifiers (%1$@ for text, %1$ld for Int), escaped."""
    text = PLACEHOLDER.sub(lambda m: f"%{m.group(1)}${'@' if m.group(2) == 's' else 'ld'}", text)
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def write_ios(catalogue, res_dir):
    header = "/* Generated from ui-text/strings.toml by scripts/ui-text.py: edit the catalogue. */\n"
    for lang in LANGUAGES:
        folder = pathlib.Path(res_dir) / f"{lang}.lproj"
        folder.mkdir(parents=True, exist_ok=True)
        lines = [f'"{key}" = "{ios_text(texts[lang])}";' for key, texts in catalogue.items()]
        (folder / "Localizable.strings").write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
        info = [f'"{name}" = "{ios_text(catalogue[key][lang])}";' for name, key in INFO_PLIST.items()]
        (folder / "InfoPlist.strings").write_text(header + "\n".join(info) + "\n", encoding="utf-8")


def main(argv):
    if len(argv) < 2 or argv[1] not in ("android", "ios", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        catalogue = load()
    except (OSError, tomllib.TOMLDecodeError) as e:
        print(f"{CATALOGUE}: {e}", file=sys.stderr)
        return 1
    found = problems(catalogue, uses(argv[2:]) if argv[1] == "check" else ())
    if found:
        print(f"{CATALOGUE}: {len(found)} problem(s):", file=sys.stderr)
        for p in found:
            print(f"  {p}", file=sys.stderr)
        return 1
    if argv[1] in ("android", "ios"):
        if len(argv) != 3:
            print(__doc__, file=sys.stderr)
            return 2
        (write_android if argv[1] == "android" else write_ios)(catalogue, argv[2])
    else:
        print(f"ui-text: {len(catalogue)} keys in {', '.join(LANGUAGES)}, every key used by the apps present")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
