#!/usr/bin/env python3
"""Checks of the iOS app's Swift sources that need no Swift toolchain (there is none here):

  swift-check.py [--generated SWIFT] [--adapter DIR] SRC_DIR ...

- syntax: every .swift file parses with tree-sitter-swift, errors reported as file:line:col;
- bindings: the generated UniFFI Swift (default ios/Generated/Sources/SamtalFFI/SamtalFFI.swift,
  with the other crates' files beside it, which make the same Swift module) declares every binding function, method, enum case and type the Swift code names: calls
  on variables declared with a binding type, `Type.member` on binding types, labelled free
  calls, implicit `.members` and type names in the files that import SamtalFFI; and only
  the adapter layer (default ios/Sources/SamtalKit/Core) imports SamtalFFI;
- quiet: no logging (print, NSLog, os_log, Logger, debugPrint, dump) and no local
  notifications (UserNotifications) anywhere in the app: no note text can leave that way.

Exit status 1 with one line per problem; the closing line counts the checks that passed.
"""
import argparse
import pathlib
import re
import sys

import tree_sitter
import tree_sitter_swift

ROOT = pathlib.Path(__file__).resolve().parent.parent
GENERATED = ROOT / "ios/Generated/Sources/SamtalFFI/SamtalFFI.swift"
ADAPTER = ROOT / "ios/Sources/SamtalKit/Core"
PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_swift.language()))

# Names the adapter files use from Swift, Foundation and Security rather than from the
# bindings or our own code. A new platform name used in the adapter belongs here.
PLATFORM_TYPES = {
    "Any", "AnyObject", "Bool", "CFBoolean", "CFDictionary", "CFTypeRef", "Data", "Double", "Error",
    "Float", "Int", "Int32", "Int64", "NSLock", "OSStatus", "Sendable", "String", "T", "UInt16",
    "UInt32", "UInt64", "UInt8", "URL", "Void",
}
PLATFORM_MEMBERS = {"some", "none", "init", "self"}
# Swift standard library free functions that take argument labels.
STDLIB_LABELLED = {"print", "stride", "repeatElement", "type", "withExtendedLifetime", "zip", "max", "min"}
LOGGING = {"print", "debugPrint", "dump", "NSLog", "os_log", "Logger", "OSLog"}
NOTIFYING = {"UNUserNotificationCenter", "UNMutableNotificationContent", "UNNotificationRequest"}


def parse(path):
    """(tree, source bytes); attributes between `#if`/`#endif` that tree-sitter-swift cannot
    read (UniFFI's `@_documentation`) are blanked, keeping line numbers."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(
        r"#if swift\(>=5\.8\)\n\s*@_documentation\(visibility: private\)\n#endif",
        lambda m: "\n" * m.group(0).count("\n"),
        text,
    )
    source = text.encode()
    return PARSER.parse(source), source


def walk(node):
    yield node
    for child in node.children:
        yield from walk(child)


def text_of(node, source):
    return source[node.start_byte:node.end_byte].decode().strip("`")


def where(path, node):
    return f"{path}:{node.start_point[0] + 1}:{node.start_point[1] + 1}"


def syntax_errors(path):
    tree, source = parse(path)
    found = []
    for node in walk(tree.root_node):
        if node.type == "ERROR" or node.is_missing:
            snippet = text_of(node, source).splitlines()[0][:60] if text_of(node, source) else node.type
            kind = f"missing {node.type}" if node.is_missing else f"cannot parse `{snippet}`"
            found.append(f"{where(path, node)}: {kind}")
            if len(found) >= 20:
                break
    return found


class Api:
    """What a Swift file declares: types with their members, free functions, enum cases."""

    def __init__(self):
        self.members = {}
        self.functions = set()
        self.implicit = set()

    def add(self, path):
        tree, source = parse(path)
        self._scan(tree.root_node, source, None)
        return self

    @property
    def types(self):
        return set(self.members)

    def _scan(self, node, source, owner):
        for child in node.children:
            kind = child.type
            if kind in ("class_declaration", "protocol_declaration"):
                name = child.child_by_field_name("name")
                type_name = text_of(name, source).split("<")[0].split(".")[-1] if name else None
                self.members.setdefault(type_name, set())
                body = child.child_by_field_name("body")
                if body is not None:
                    self._scan(body, source, type_name)
            elif kind == "typealias_declaration":
                name = child.child_by_field_name("name")
                self.members.setdefault(text_of(name, source), set())
                if owner:
                    self.members[owner].add(text_of(name, source))
            elif kind in ("function_declaration", "protocol_function_declaration"):
                name = text_of(child.child_by_field_name("name"), source)
                if owner:
                    self.members[owner].add(name)
                    if self._is_static(child, source):
                        self.implicit.add(name)
                else:
                    self.functions.add(name)
            elif kind in ("property_declaration", "protocol_property_declaration") and owner:
                for pattern in (c for c in walk(child) if c.type == "pattern"):
                    bound = pattern.child_by_field_name("bound_identifier")
                    if bound is not None:
                        self.members[owner].add(text_of(bound, source))
                        if self._is_static(child, source):
                            self.implicit.add(text_of(bound, source))
            elif kind == "enum_entry" and owner:
                for i, c in enumerate(child.children):
                    if child.field_name_for_child(i) == "name" and c.type == "simple_identifier":
                        self.members[owner].add(text_of(c, source))
                        self.implicit.add(text_of(c, source))
            elif kind in ("class_body", "enum_class_body", "protocol_body"):
                self._scan(child, source, owner)

    @staticmethod
    def _is_static(node, source):
        mods = next((c for c in node.children if c.type == "modifiers"), None)
        return mods is not None and re.search(r"\b(static|class)\b", text_of(mods, source)) is not None


def imports(tree, source):
    return {
        text_of(c, source).split()[-1]
        for c in tree.root_node.children
        if c.type == "import_declaration"
    }


SCOPES = {"source_file", "class_declaration", "function_declaration", "init_declaration", "lambda_literal"}


def scope_of(node):
    node = node.parent
    while node is not None and node.type not in SCOPES:
        node = node.parent
    return node


def declared_types(node, source, bindings):
    """(scope node id, variable name) -> binding type, from `name: Type` annotations."""
    found = {}
    for n in walk(node):
        if n.type == "parameter":
            names = [n.child_by_field_name("name")]
            types = [c for c in n.children if c.type in ("user_type", "optional_type")]
        elif n.type == "property_declaration":
            names = [c.child_by_field_name("bound_identifier") for c in n.children if c.type == "pattern"]
            types = [c for c in n.children if c.type == "type_annotation"]
        else:
            continue
        annotated = [c for t in types[:1] for c in walk(t) if c.type == "user_type"][:1]
        if names and names[0] is not None and annotated:
            type_name = text_of(annotated[0], source).split(".")[-1]
            if type_name in bindings.types:
                found[(scope_of(n).id, text_of(names[0], source))] = type_name
    return found


def variable_type(variables, node, name):
    """The binding type of `name` as seen from `node`: the innermost declaration."""
    scope = scope_of(node)
    while scope is not None:
        if (scope.id, name) in variables:
            return variables[(scope.id, name)]
        scope = scope_of(scope)
    return None


def navigation(node, source):
    """(target text, member) of `a.b` or `self.a.b`; None when not that shape."""
    target = node.child_by_field_name("target")
    suffix = node.child_by_field_name("suffix")
    if target is None or suffix is None:
        return None
    member = suffix.child_by_field_name("suffix")
    if member is None:
        return None
    name = text_of(target, source)
    if name.startswith("self."):
        name = name[len("self."):]
    return name, text_of(member, source)


def binding_problems(path, bindings, ours):
    tree, source = parse(path)
    if "SamtalFFI" not in imports(tree, source):
        return []
    variables = declared_types(tree.root_node, source, bindings)
    known_types = bindings.types | ours.types | PLATFORM_TYPES
    found = []

    def member_of(type_name, member):
        names = bindings.members.get(type_name, set()) | bindings.members.get(type_name + "Protocol", set())
        return member in names

    for node in walk(tree.root_node):
        if node.type == "user_type" and node.parent is not None and node.parent.type != "attribute":
            parts = [text_of(c, source) for c in node.children if c.type == "type_identifier"]
            name = parts[-1] if parts else ""
            if parts[:1] == ["SamtalFFI"] and name not in bindings.types:
                found.append(f"{where(path, node)}: type `{name}` is not in the generated bindings")
            elif name and name not in known_types:
                found.append(f"{where(path, node)}: type `{name}` is neither in the generated bindings nor declared here")
        elif node.type == "navigation_expression":
            shape = navigation(node, source)
            if shape is None:
                continue
            target, member = shape
            qualified = target.split(".")
            if qualified[0] == "SamtalFFI" and len(qualified) == 1:
                continue
            if qualified[0] == "SamtalFFI":
                target = qualified[-1]
            variable = variable_type(variables, node, target)
            if variable is not None and not member_of(variable, member):
                found.append(f"{where(path, node)}: `{member}` is not a member of {variable} in the generated bindings")
            elif target in bindings.types and not member_of(target, member):
                found.append(f"{where(path, node)}: `{target}.{member}` is not in the generated bindings")
        elif node.type == "prefix_expression" and text_of(node, source).startswith("."):
            target = node.child_by_field_name("target")
            name = text_of(target, source) if target is not None else ""
            if name and name not in bindings.implicit | ours.implicit | PLATFORM_MEMBERS:
                found.append(f"{where(path, node)}: `.{name}` is neither a binding enum case nor declared here")
        elif node.type == "call_expression" and node.children and node.children[0].type == "simple_identifier":
            name = text_of(node.children[0], source)
            labelled = any(c.type == "value_argument_label" for c in walk(node.children[-1]))
            if (
                labelled
                and name[:1].islower()
                and name not in bindings.functions | ours.functions | STDLIB_LABELLED
                and not any(name in members for members in ours.members.values())
            ):
                found.append(f"{where(path, node)}: function `{name}` is not in the generated bindings")
    return found


def adapter_problems(path, adapter):
    tree, source = parse(path)
    if "SamtalFFI" in imports(tree, source) and adapter not in path.resolve().parents:
        return [f"{path}: imports SamtalFFI outside the adapter layer ({adapter}): use SamtalKit's own types"]
    return []


def quiet_problems(path):
    tree, source = parse(path)
    found = []
    if "UserNotifications" in imports(tree, source):
        found.append(f"{path}: imports UserNotifications: the app posts no notifications")
    for node in walk(tree.root_node):
        if node.type in ("simple_identifier", "type_identifier"):
            name = text_of(node, source)
            if name in LOGGING and node.parent is not None and node.parent.type in ("call_expression", "user_type"):
                found.append(f"{where(path, node)}: `{name}`: the app logs nothing (no content in logs)")
            elif name in NOTIFYING:
                found.append(f"{where(path, node)}: `{name}`: the app posts no notifications")
    return found


def main(argv):
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--generated", type=pathlib.Path, default=GENERATED)
    args.add_argument("--adapter", type=pathlib.Path, default=ADAPTER)
    args.add_argument("dirs", nargs="+", type=pathlib.Path)
    opts = args.parse_args(argv[1:])
    if not opts.generated.is_file():
        print(f"swift-check: {opts.generated} is missing: run `make bindings` first", file=sys.stderr)
        return 1
    files = sorted({f for d in opts.dirs for f in ([d] if d.is_file() else d.rglob("*.swift"))})
    files = [f for f in files if "Generated" not in f.parts]
    if not files:
        print("swift-check: no Swift files found", file=sys.stderr)
        return 1
    bindings = Api()
    for generated in sorted(opts.generated.parent.glob("*.swift")):
        bindings.add(generated)
    if not bindings.functions or "Samtal" not in bindings.types:
        print(f"swift-check: {opts.generated} declares no Samtal API; is it the UniFFI output?", file=sys.stderr)
        return 1
    ours = Api()
    for f in files:
        ours.add(f)
    checks = {"syntax": [], "bindings": [], "quiet": []}
    for f in files:
        checks["syntax"] += syntax_errors(f)
        checks["bindings"] += adapter_problems(f, opts.adapter.resolve()) + binding_problems(f, bindings, ours)
        checks["quiet"] += quiet_problems(f)
    for name, problems in checks.items():
        for p in problems:
            print(f"{name}: {p}")
    failed = sum(1 for p in checks.values() if p)
    print(f"swift-check: {len(files)} Swift files; syntax, bindings, quiet")
    print(f"swift-check: {len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
