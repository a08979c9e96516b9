#!/usr/bin/env python3
"""Tests of the iOS checks themselves: the real sources pass, and a broken Swift file, a
binding function or type that does not exist, the FFI used outside the adapter, a log
call, a missing UI text key, a missing language and a non-literal key each make them fail.
Run by scripts/ios.sh check with the venv that has tree-sitter-swift."""
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import unittest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SWIFT_CHECK = ROOT / "scripts/swift-check.py"
UI_TEXT = ROOT / "scripts/ui-text.py"
GENERATED = ROOT / "ios/Generated/Sources/SamtalFFI/SamtalFFI.swift"
STRINGS_LINE = re.compile(r'^"((?:[^"\\]|\\.)*)" = "((?:[^"\\]|\\.)*)";$')


def run(*args, env=None):
    return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, env=env)


class IosChecks(unittest.TestCase):
    def setUp(self):
        self.tmp = pathlib.Path(tempfile.mkdtemp())
        self.ios = self.tmp / "ios"
        shutil.copytree(ROOT / "ios", self.ios, ignore=shutil.ignore_patterns("Generated", ".build", "Resources"))

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def swift_check(self):
        return run(SWIFT_CHECK, "--generated", GENERATED, "--adapter", self.ios / "Sources/SamtalKit/Core", self.ios)

    def edit(self, relative, old, new):
        path = self.ios / relative
        text = path.read_text(encoding="utf-8")
        self.assertIn(old, text)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def test_the_sources_pass(self):
        result = self.swift_check()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("3 passed, 0 failed", result.stdout)

    def test_a_broken_swift_file_fails_with_its_line(self):
        self.edit("App/Views/ApproveView.swift", "    var body: some View {", "    var body: some View {\n        if {")
        result = self.swift_check()
        self.assertEqual(result.returncode, 1)
        self.assertRegex(result.stdout, r"syntax: .*ApproveView\.swift:\d+:\d+")

    def test_a_binding_method_that_does_not_exist_fails(self):
        self.edit("Sources/SamtalKit/Core/Core.swift", "samtal.beginSession(", "samtal.beginMeeting(")
        result = self.swift_check()
        self.assertEqual(result.returncode, 1)
        self.assertIn("`beginMeeting` is not a member of Samtal", result.stdout)

    def test_a_binding_free_function_that_does_not_exist_fails(self):
        self.edit("Sources/SamtalKit/Core/Core.swift", "= recommendedQuantization()", "= recommendedFormat(for: 1)")
        self.assertIn("function `recommendedFormat` is not in the generated bindings", self.swift_check().stdout)

    def test_a_renamed_binding_type_or_case_fails(self):
        self.edit("Sources/SamtalKit/Core/Core.swift", "SamtalFFI.NoteDraft", "SamtalFFI.Note")
        self.edit("Sources/SamtalKit/Core/Core.swift", "return .sv\n", "return .svenska\n")
        self.edit("Sources/SamtalKit/Core/KeychainVault.swift", "SamtalError.Platform(", "SamtalError.PlatformFailure(")
        out = self.swift_check().stdout
        self.assertIn("type `Note` is not in the generated bindings", out)
        self.assertIn("`.svenska` is neither a binding enum case", out)
        self.assertIn("`SamtalError.PlatformFailure` is not in the generated bindings", out)

    def test_the_ffi_outside_the_adapter_fails(self):
        self.edit("App/Views/CitizenView.swift", "import SamtalKit", "import SamtalFFI\nimport SamtalKit")
        self.assertIn("imports SamtalFFI outside the adapter layer", self.swift_check().stdout)

    def test_logging_or_a_notification_fails(self):
        self.edit("App/Views/CitizenView.swift", "model.load()", "model.load(); print(model.text)")
        self.edit("App/Views/OutboxView.swift", "model.load()", "model.load(); _ = UNMutableNotificationContent()")
        out = self.swift_check().stdout
        self.assertIn("`print`: the app logs nothing", out)
        self.assertIn("`UNMutableNotificationContent`: the app posts no notifications", out)

    def test_the_ui_texts_of_both_apps_pass(self):
        result = run(UI_TEXT, "check", self.ios, ROOT / "android/app/src/main")
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_a_key_missing_from_the_catalogue_fails(self):
        self.edit("App/Views/ApproveView.swift", 'L("approve_explain")', 'L("approve_explained")')
        result = run(UI_TEXT, "check", self.ios)
        self.assertEqual(result.returncode, 1)
        self.assertRegex(result.stderr, r"approve_explained: used in .*ApproveView\.swift")

    def test_a_key_that_is_not_a_literal_fails(self):
        self.edit("App/Views/ApproveView.swift", 'L("approve_explain")', 'L(model.session)')
        result = run(UI_TEXT, "check", self.ios)
        self.assertEqual(result.returncode, 1)
        self.assertRegex(result.stderr, r"ApproveView\.swift:\d+: a UI text key must be a string literal")

    def test_a_language_missing_from_the_catalogue_fails(self):
        catalogue = (ROOT / "ui-text/strings.toml").read_text(encoding="utf-8")
        broken = self.tmp / "strings.toml"
        broken.write_text(catalogue.replace('da = "Godkend notatet"\n', "", 1), encoding="utf-8")
        self.assertNotEqual(broken.read_text(encoding="utf-8"), catalogue)
        result = run(UI_TEXT, "check", self.ios, env={**os.environ, "UI_TEXT_CATALOGUE": str(broken)})
        self.assertEqual(result.returncode, 1)
        self.assertIn("no da text", result.stderr)

    def test_ios_strings_files_hold_every_key_in_every_language(self):
        out = self.tmp / "Resources"
        self.assertEqual(run(UI_TEXT, "ios", out).returncode, 0)
        with open(ROOT / "ui-text/strings.toml", "rb") as f:
            catalogue = tomllib.load(f)
        for lang in ("sv", "da", "en"):
            lines = (out / f"{lang}.lproj/Localizable.strings").read_text(encoding="utf-8").splitlines()[1:]
            parsed = dict(STRINGS_LINE.match(line).groups() for line in lines)
            self.assertEqual(set(parsed), set(catalogue))
            self.assertEqual(parsed["session_line"].count("%1$@") + parsed["session_line"].count("%2$@"), 2)
            self.assertIn("%1$ld", parsed["review_unresolved"])
            self.assertNotRegex("".join(parsed.values()), r"%\d\$[sd]")
            info = (out / f"{lang}.lproj/InfoPlist.strings").read_text(encoding="utf-8")
            self.assertIn('"NSMicrophoneUsageDescription" = ', info)


if __name__ == "__main__":
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(IosChecks)
    result = unittest.TextTestRunner(verbosity=1).run(suite)
    failed = len(result.failures) + len(result.errors)
    print(f"ios checks: {result.testsRun - failed} passed, {failed} failed")
    sys.exit(0 if result.wasSuccessful() else 1)
