#!/usr/bin/env python3
# Installs the build into a temporary DESTDIR with `meson install` and checks the tree: the
# programs, what the desktop needs to show and start the app, the translations, the manual.
# TAP on standard output.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import argparse
import configparser
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SVG = "{http://www.w3.org/2000/svg}"


class Tap:
    def __init__(self):
        self.results = []

    def check(self, name, problems=(), skip=None):
        self.results.append((name, list(problems), skip))

    def print(self):
        print(f"1..{len(self.results)}")
        for number, (name, problems, skip) in enumerate(self.results, 1):
            if skip:
                print(f"ok {number} - {name} # SKIP {skip}")
                continue
            print(f"{'not ok' if problems else 'ok'} {number} - {name}")
            for problem in problems:
                print(f"# {problem}")
        return any(problems for _, problems, skip in self.results if not skip)


def unquote(text):
    return bytes(text, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


def read_po(path):
    """The translated, non-fuzzy messages of a .po file, as {msgid: msgstr}."""
    translations = {}
    entry, field, fuzzy = {}, None, False

    def flush():
        msgid, msgstr = entry.get("msgid", ""), entry.get("msgstr", "")
        if msgid and msgstr and not fuzzy and "msgctxt" not in entry:
            translations[msgid] = msgstr

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("#~"):
                continue
            if not line:
                flush()
                entry, field, fuzzy = {}, None, False
            elif line.startswith("#,"):
                fuzzy = fuzzy or "fuzzy" in line
            elif line.startswith("#"):
                continue
            else:
                match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[0\])?)\s+"(.*)"$', line)
                if match:
                    if match.group(1) == "msgid" and "msgid" in entry:
                        flush()
                        entry, fuzzy = {}, False
                    field = match.group(1).replace("[0]", "")
                    entry[field] = unquote(match.group(2))
                elif line.startswith('"') and field:
                    entry[field] += unquote(line[1:-1])
    flush()
    return translations


def squash(text):
    return " ".join((text or "").split())


def element_text(element):
    return squash("".join(element.itertext()))


def metainfo_messages(path):
    """The metainfo's translatable strings, as (tag, text), the way msgfmt splits them."""
    root = ET.parse(path).getroot()
    messages = []
    for tag in ("name", "summary", "developer_name"):
        for element in root.findall(tag):
            if element.get("translate") != "no":
                messages.append((tag, element_text(element)))
    for description in root.findall("description") + root.findall("releases/release/description"):
        for element in description.iter():
            if element.tag in ("p", "li"):
                messages.append((element.tag, element_text(element)))
    for caption in root.findall("screenshots/screenshot/caption"):
        messages.append(("caption", element_text(caption)))
    return messages


def desktop_entry(path):
    parser = configparser.RawConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def check_translations(tap, args, root, languages):
    desktop_in = os.path.join(args.data_dir, args.app_id + ".desktop.in")
    metainfo_in = os.path.join(args.data_dir, args.app_id + ".metainfo.xml.in")
    desktop_path = os.path.join(root, "applications", args.app_id + ".desktop")
    metainfo_path = os.path.join(root, "metainfo", args.app_id + ".metainfo.xml")

    source_entry = desktop_entry(desktop_in)
    desktop_keys = [key for key in ("Name", "GenericName", "Comment", "Keywords")
                    if key in source_entry]
    source_messages = metainfo_messages(metainfo_in)

    for lang in languages:
        po = read_po(os.path.join(args.po_dir, lang + ".po"))

        name = f"the desktop file carries the {lang} translation"
        expected = {f"{key}[{lang}]": po[source_entry[key]] for key in desktop_keys
                    if source_entry[key] in po}
        if not expected:
            tap.check(name, skip=f"po/{lang}.po translates none of its strings yet")
        elif os.path.exists(desktop_path):
            entry = desktop_entry(desktop_path)
            tap.check(name, [f"{key} is {entry.get(key)!r}, not {value!r}"
                             for key, value in expected.items() if entry.get(key) != value])
        else:
            tap.check(name, ["the desktop file is not installed"])

        name = f"the metainfo carries the {lang} translation"
        expected = [(tag, squash(po[text])) for tag, text in source_messages if text in po]
        if not expected:
            tap.check(name, skip=f"po/{lang}.po translates none of its strings yet")
        elif os.path.exists(metainfo_path):
            found = {(element.tag, element_text(element))
                     for element in ET.parse(metainfo_path).getroot().iter()
                     if element.get(XML_LANG) == lang}
            tap.check(name, [f"no <{tag} xml:lang=\"{lang}\">{text}</{tag}>"
                             for tag, text in expected if (tag, text) not in found])
        else:
            tap.check(name, ["the metainfo is not installed"])


def check_icons(tap, root, app_id):
    scalable = os.path.join(root, "icons/hicolor/scalable/apps", app_id + ".svg")
    symbolic = os.path.join(root, "icons/hicolor/symbolic/apps", app_id + "-symbolic.svg")
    problems = []
    for path, view_box in ((scalable, "0 0 128 128"), (symbolic, "0 0 16 16")):
        try:
            svg = ET.parse(path).getroot()
        except (OSError, ET.ParseError) as e:
            problems.append(f"{os.path.basename(path)}: {e}")
            continue
        if svg.tag != SVG + "svg" or svg.get("viewBox") != view_box:
            problems.append(f"{os.path.basename(path)} is not an SVG of {view_box}")
        if path == symbolic:
            colours = {element.get(attr).lower() for element in svg.iter()
                       for attr in ("fill", "stroke")
                       if element.get(attr) not in (None, "none")}
            if colours - {"#2e3436"}:
                problems.append(f"the symbolic icon uses {sorted(colours)}, not only #2e3436")
    tap.check("the icons are SVGs of the right size, the symbolic one in one colour", problems)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--meson", required=True)
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--bindir", required=True)
    parser.add_argument("--datadir", required=True)
    parser.add_argument("--localedir", required=True)
    parser.add_argument("--mandir", required=True)
    parser.add_argument("--app-id", required=True)
    parser.add_argument("--gettext-package", required=True)
    parser.add_argument("--app", choices=("true", "false"), required=True)
    parser.add_argument("--server", choices=("true", "false"), required=True)
    parser.add_argument("--po-dir", required=True)
    parser.add_argument("--data-dir", required=True)
    args = parser.parse_args()

    tap = Tap()
    destdir = tempfile.mkdtemp(prefix="supportdesk-install-")
    try:
        run = subprocess.run(
            [args.meson, "install", "-C", args.build_dir, "--destdir", destdir, "--no-rebuild"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        tap.check("meson install into a DESTDIR succeeds",
                  [] if run.returncode == 0 else
                  [f"exit status {run.returncode}"] + run.stdout.splitlines()[-20:])

        prefix = os.path.join(destdir, os.path.relpath(args.prefix, "/"))

        def under(directory, *parts):
            return os.path.join(prefix, directory, *parts)

        def present(*paths):
            return [f"{os.path.relpath(path, destdir)} is missing"
                    for path in paths if not os.path.isfile(path)]

        def absent(*paths):
            return [f"{os.path.relpath(path, destdir)} is installed, but was not built"
                    for path in paths if os.path.exists(path)]

        bindir = under(args.bindir)
        share = under(args.datadir)
        app_id = args.app_id

        def programs(*paths):
            return present(*paths) + [f"{os.path.relpath(path, destdir)} is not executable"
                                      for path in paths
                                      if os.path.isfile(path) and not os.access(path, os.X_OK)]

        cli = os.path.join(bindir, "supportdesk-cli")
        tap.check("supportdesk-cli is installed", programs(cli))
        server = os.path.join(bindir, "supportdesk-server")
        if args.server == "true":
            tap.check("supportdesk-server is installed", programs(server))
        else:
            tap.check("supportdesk-server is not installed without the service", absent(server))

        tap.check("the manual page of supportdesk-cli is installed",
                  present(under(args.mandir, "man1", "supportdesk-cli.1")))

        linguas = os.path.join(args.po_dir, "LINGUAS")
        with open(linguas, encoding="utf-8") as f:
            languages = [word for line in f for word in line.split("#")[0].split()]
        tap.check(f"the translations are installed ({', '.join(languages)})",
                  present(*[under(args.localedir, lang, "LC_MESSAGES",
                                  args.gettext_package + ".mo") for lang in languages]))

        app_files = {
            "the app": os.path.join(bindir, "supportdesk"),
            "the desktop file": os.path.join(share, "applications", app_id + ".desktop"),
            "the metainfo": os.path.join(share, "metainfo", app_id + ".metainfo.xml"),
            "the D-Bus service": os.path.join(share, "dbus-1", "services", app_id + ".service"),
            "the app icon": os.path.join(share, "icons/hicolor/scalable/apps", app_id + ".svg"),
            "the symbolic icon": os.path.join(share, "icons/hicolor/symbolic/apps",
                                              app_id + "-symbolic.svg"),
            "the GSettings schema": os.path.join(share, "glib-2.0/schemas",
                                                 app_id + ".gschema.xml"),
        }
        if args.app == "false":
            tap.check("nothing of the app is installed without it",
                      absent(*app_files.values()))
        else:
            for what, path in app_files.items():
                tap.check(f"{what} is installed",
                          programs(path) if what == "the app" else present(path))

            desktop = app_files["the desktop file"]
            service = app_files["the D-Bus service"]
            problems = []
            if os.path.isfile(desktop) and os.path.isfile(service):
                entry = desktop_entry(desktop)
                with open(service, encoding="utf-8") as f:
                    service_text = f.read()
                if entry.get("Icon") != app_id:
                    problems.append(f"Icon is {entry.get('Icon')!r}, not {app_id!r}")
                if entry.get("DBusActivatable") == "true":
                    if f"Name={app_id}\n" not in service_text:
                        problems.append(f"the D-Bus service is not named {app_id}")
                    exec_line = re.search(r"^Exec=(\S+)", service_text, re.M)
                    installed = os.path.join(args.prefix, args.bindir, "supportdesk")
                    if not exec_line or os.path.normpath(exec_line.group(1)) != installed:
                        problems.append(f"the D-Bus service does not start {installed}")
            else:
                problems.append("there is no desktop file or D-Bus service to compare")
            tap.check("the desktop file, icon and D-Bus service agree", problems)

            check_icons(tap, share, app_id)
            check_translations(tap, args, share, languages)
    finally:
        shutil.rmtree(destdir, ignore_errors=True)

    return 1 if tap.print() else 0


if __name__ == "__main__":
    sys.exit(main())
