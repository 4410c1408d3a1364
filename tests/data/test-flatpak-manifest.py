#!/usr/bin/env python3
# Checks the Flatpak manifest, which cannot be built here: that it builds this repository as
# the app meson installs, and that the sandbox asks for nothing beyond what the app uses.
# Then it checks itself: manifests with a known fault must be rejected. TAP on standard output.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import argparse
import copy
import json
import os
import re
import sys

# What the app uses: the network, a display and the GPU. Secrets go through the Secret
# portal and files through the file chooser portal, both of which need no permission.
ALLOWED_FINISH_ARGS = {
    "--share=network",
    "--socket=wayland",
    "--socket=fallback-x11",
    "--device=dri",
    "--share=ipc",
}
X11_SOCKETS = {"--socket=x11", "--socket=fallback-x11"}
FORBIDDEN_PREFIXES = (
    "--filesystem",
    "--talk-name",
    "--own-name",
    "--system-talk-name",
    "--system-own-name",
    "--socket=session-bus",
    "--socket=system-bus",
    "--device=all",
    "--persist",
    "--env=LD_",
)
# Build options that open the build's sandbox (network, host files) or the app's.
SANDBOX_BUILD_ARGS = ("--share=network", "--filesystem", "--socket", "--device", "--talk-name")
# Only the service needs these, and the manifest builds the app without it.
SERVICE_ONLY_MODULES = ("libsodium", "sqlite")
LOCAL_SOURCE_TYPES = ("dir", "file", "patch", "script", "archive", "git")


def modules_of(manifest):
    """Every module, nested ones too, in build order."""
    def walk(modules):
        for module in modules:
            if isinstance(module, dict):
                yield from walk(module.get("modules", []))
            yield module
    return list(walk(manifest.get("modules", [])))


def check_identity(manifest, ctx):
    problems = []
    app_id = manifest.get("id", manifest.get("app-id"))
    if app_id != ctx.app_id:
        problems.append(f"id is {app_id!r}, not the project's {ctx.app_id!r}")
    if manifest.get("command") != ctx.command:
        problems.append(f"command is {manifest.get('command')!r}, not {ctx.command!r}")
    return problems


def check_runtime(manifest, ctx):
    problems = []
    if manifest.get("runtime") != "org.gnome.Platform":
        problems.append(f"runtime is {manifest.get('runtime')!r}, not org.gnome.Platform")
    if manifest.get("sdk") != "org.gnome.Sdk":
        problems.append(f"sdk is {manifest.get('sdk')!r}, not org.gnome.Sdk")
    version = manifest.get("runtime-version")
    if not isinstance(version, str) or not re.fullmatch(r"[0-9]+", version):
        problems.append(f"runtime-version {version!r} is not a stable GNOME release")
    elif int(version) < 43:
        problems.append(f"runtime-version {version} is older than the platform the app needs")
    return problems


def check_finish_args(manifest, ctx):
    problems = []
    args = manifest.get("finish-args", [])
    if not isinstance(args, list):
        return ["finish-args is not a list"]
    for arg in args:
        if any(arg.startswith(prefix) for prefix in FORBIDDEN_PREFIXES):
            problems.append(f"{arg} opens the sandbox beyond what the app needs")
        elif arg not in ALLOWED_FINISH_ARGS:
            problems.append(f"{arg} is not one of the permissions the app needs")
    if "--share=ipc" in args and not X11_SOCKETS & set(args):
        problems.append("--share=ipc is only for X11, and the manifest asks for no X11 socket")
    for needed in ("--share=network", "--socket=wayland"):
        if needed not in args:
            problems.append(f"{needed} is missing: the app cannot work without it")
    if len(args) != len(set(args)):
        problems.append("finish-args repeats itself")
    return problems


def check_build_options(manifest, ctx):
    problems = []
    holders = [("the manifest", manifest)]
    holders += [(f"module {m.get('name')!r}", m) for m in modules_of(manifest)
                if isinstance(m, dict)]
    for where, holder in holders:
        options = holder.get("build-options", {})
        for arch_options in [options] + list(options.get("arch", {}).values()):
            for arg in arch_options.get("build-args", []):
                if arg.startswith(SANDBOX_BUILD_ARGS):
                    problems.append(f"{where} builds with {arg}, outside the build sandbox")
    return problems


def check_cleanup(manifest, ctx):
    cleanup = manifest.get("cleanup", [])
    return [f"cleanup does not remove {path}"
            for path in ("/include", "/lib/pkgconfig") if path not in cleanup]


def resolve(ctx, path):
    return os.path.normpath(os.path.join(ctx.manifest_dir, path))


def check_project_module(manifest, ctx):
    modules = manifest.get("modules", [])
    if not modules or not isinstance(modules[-1], dict):
        return ["the last module does not build this repository"]
    module = modules[-1]
    problems = []
    if module.get("buildsystem") != "meson":
        problems.append(f"the last module builds with {module.get('buildsystem')!r}, not meson")
    opts = module.get("config-opts", [])
    if "-Dserver=false" not in opts:
        problems.append("the last module builds the service too: -Dserver=false is missing")
    if any(re.fullmatch(r"-Dapp=(false|disabled)", opt) for opt in opts):
        problems.append("the last module does not build the app")
    root = os.path.abspath(ctx.source_root)
    if not any(isinstance(s, dict) and s.get("type") == "dir" and "path" in s
               and resolve(ctx, s["path"]) == root
               for s in module.get("sources", [])):
        problems.append("the last module's sources are not this repository (a dir source)")
    for module in modules_of(manifest)[:-1]:
        name = module.get("name", "") if isinstance(module, dict) else str(module)
        if name.lower().startswith(SERVICE_ONLY_MODULES):
            problems.append(f"module {name!r} is only needed by the service")
    return problems


def check_sources_exist(manifest, ctx):
    problems = []
    for module in modules_of(manifest):
        if isinstance(module, str):
            if not os.path.exists(resolve(ctx, module)):
                problems.append(f"module file {module} does not exist")
            continue
        for source in module.get("sources", []):
            if isinstance(source, str):
                paths = [source]
            elif source.get("type") in LOCAL_SOURCE_TYPES:
                paths = [source["path"]] if "path" in source else []
                paths += source.get("paths", [])
            else:
                paths = []
            for path in paths:
                if not os.path.exists(resolve(ctx, path)):
                    problems.append(f"{module.get('name')!r}: source {path} does not exist")
    return problems


CHECKS = [
    ("the id and command are the app's", check_identity),
    ("the runtime and SDK are GNOME's", check_runtime),
    ("the sandbox allows only network, display and GPU", check_finish_args),
    ("no build option leaves the build sandbox", check_build_options),
    ("cleanup removes headers and pkg-config files", check_cleanup),
    ("the last module builds this repository with meson, without the service",
     check_project_module),
    ("every local source exists", check_sources_exist),
]


def finish_args_with(*extra):
    def mutate(manifest):
        manifest["finish-args"] += list(extra)
    return mutate


def ipc_without_x11(manifest):
    manifest["finish-args"] = [a for a in manifest["finish-args"] if a not in X11_SOCKETS]
    manifest["finish-args"].append("--share=ipc")


def set_key(key, value):
    def mutate(manifest):
        manifest[key] = value
    return mutate


def project_module(change):
    def mutate(manifest):
        change(manifest["modules"][-1])
    return mutate


# Each fault must be caught by the named check: the checks above can fail.
FAULTS = [
    ("--filesystem=home", check_finish_args, finish_args_with("--filesystem=home")),
    ("--socket=session-bus", check_finish_args, finish_args_with("--socket=session-bus")),
    ("--talk-name=org.freedesktop.secrets", check_finish_args,
     finish_args_with("--talk-name=org.freedesktop.secrets")),
    ("--device=all", check_finish_args, finish_args_with("--device=all")),
    ("--share=ipc without X11", check_finish_args, ipc_without_x11),
    ("another app id", check_identity, set_key("id", "org.example.Other")),
    ("another command", check_identity, set_key("command", "supportdesk-server")),
    ("a freedesktop runtime", check_runtime, set_key("runtime", "org.freedesktop.Platform")),
    ("the master runtime", check_runtime, set_key("runtime-version", "master")),
    ("network while building", check_build_options,
     set_key("build-options", {"build-args": ["--share=network"]})),
    ("no cleanup", check_cleanup, set_key("cleanup", [])),
    ("the service built too", check_project_module,
     project_module(lambda m: m.__setitem__("config-opts", []))),
    ("a cmake build", check_project_module,
     project_module(lambda m: m.__setitem__("buildsystem", "cmake-ninja"))),
    ("a libsodium module", check_project_module,
     lambda m: m["modules"].insert(0, {"name": "libsodium", "sources": []})),
    ("a missing dir source", check_sources_exist,
     project_module(lambda m: m["sources"].append({"type": "dir", "path": "no-such-dir"}))),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--app-id", required=True)
    parser.add_argument("--command", required=True)
    parser.add_argument("--source-root", required=True)
    ctx = parser.parse_args()
    ctx.manifest_dir = os.path.dirname(os.path.abspath(ctx.manifest))

    print(f"1..{1 + len(CHECKS) + len(FAULTS)}")
    number = 1
    try:
        with open(ctx.manifest, encoding="utf-8") as f:
            manifest = json.load(f)
        if not isinstance(manifest, dict):
            raise ValueError("the manifest is not a JSON object")
    except (OSError, ValueError) as e:
        print(f"not ok 1 - {os.path.basename(ctx.manifest)} is valid JSON")
        print(f"# {e}")
        for name, _ in CHECKS:
            number += 1
            print(f"not ok {number} - {name} # no manifest to check")
        return 1
    print(f"ok 1 - {os.path.basename(ctx.manifest)} is valid JSON")

    failed = 0
    for name, check in CHECKS:
        number += 1
        problems = check(manifest, ctx)
        print(f"{'not ok' if problems else 'ok'} {number} - {name}")
        for problem in problems:
            print(f"# {problem}")
        failed += bool(problems)

    for name, check, mutate in FAULTS:
        number += 1
        faulty = copy.deepcopy(manifest)
        mutate(faulty)
        # Only what the fault adds counts: a check that already fails proves nothing.
        known = check(manifest, ctx)
        caught = [problem for problem in check(faulty, ctx) if problem not in known]
        print(f"{'ok' if caught else 'not ok'} {number} - a manifest with {name} is rejected")
        for problem in caught:
            print(f"#   {problem}")
        failed += not caught

    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
