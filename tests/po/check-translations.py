#!/usr/bin/env python3
"""Keeps the app fully translatable, and fully translated.

    check-translations.py SOURCE_ROOT

1. Every string literal that src/app's C code puts on screen is marked for translation.
   A literal is "put on screen" when it is passed, directly, as the text argument of:
   - a GTK, libadwaita or GIO call that shows text: gtk_label_new, gtk_button_new_with_label,
     adw_toast_new, adw_message_dialog_new and _add_response(s), g_notification_new,
     gtk_file_chooser_native_new, g_menu_append, g_print/g_printerr, …, and every
     gtk_/adw_/g_…_set_title/subtitle/description/label/text/markup/heading/body/
     tooltip_text/tooltip_markup/placeholder_text/button_label (not the setters of what the
     user types: gtk_editable_set_text, gtk_text_buffer_set_text, gtk_entry_buffer_set_text);
   - gtk_accessible_update_property, after GTK_ACCESSIBLE_PROPERTY_LABEL, _DESCRIPTION,
     _PLACEHOLDER, _ROLE_DESCRIPTION or _VALUE_TEXT;
   - g_object_new/g_object_set, as the value of a property that shows text ("title",
     "comments", "developer-name", …);
   - gtk_widget_activate_action (…, "win.toast", "s", text);
   - the app's own helpers: a function defined in src/app with a `const char *` parameter
     named text, message, title, subtitle, label, heading, body, tooltip or what.
   "Directly" means at the top of the argument, through parentheses, casts, `?:` and the
   string builders g_strdup, g_strdup_printf, g_strconcat, g_markup_printf_escaped and
   g_variant_new_string; a literal given to any other call inside the argument is that
   call's business (a key, an id). Marked means inside _(), N_(), C_(), NC_(), Q_(),
   g_dngettext(), ngettext(), g_dpgettext2() or another gettext call. Literals without a
   letter ("", "%s", "·") are not words and need no marking. A rare false positive is
   excused by a comment saying "Not for translation" on the line of the literal or the
   line before the call.
2. Every .ui file under src/app gives each property that shows text (label, title,
   subtitle, tooltip-text, placeholder-text, text, description, heading, body, the
   accessible label and description, menu labels, string list items, …) either no words
   or translatable="yes"; translatable="no" says on purpose that a value is not translated.
3. po/POTFILES.in lists, sorted and once each, exactly the files with translatable
   strings: C files with gettext calls and .ui files with translatable="yes" under src/,
   and under data/ the desktop file, the metainfo file, and a GSettings schema that names
   its gettext-domain.
4. Every language of po/LINGUAS has a po/LL.po in which, merged with a template made now
   from the sources (xgettext with po/meson.build's options), no message is untranslated
   or fuzzy, msgfmt --check finds nothing wrong, and a label with a mnemonic keeps one.
   xgettext must not warn either (a msgid that is not a valid C format string).

Exits 1 if any check fails; 77 (skipped) if all others pass but the gettext tools are
missing, so that check 4 could not run.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.parsers.expat

SKIP = 77

# --- C ------------------------------------------------------------------------------------

MARKERS = {
    '_', 'N_', 'C_', 'NC_', 'Q_', 'gettext', 'dgettext', 'dcgettext', 'ngettext', 'dngettext',
    'dcngettext', 'pgettext', 'npgettext', 'g_dgettext', 'g_dcgettext', 'g_dngettext',
    'g_dpgettext', 'g_dpgettext2', 'g_strip_context',
}

# Calls whose string arguments end up, as they are, in their result.
PASSTHROUGH = {
    'g_strdup', 'g_strdup_printf', 'g_strconcat', 'g_markup_printf_escaped',
    'g_variant_new_string', 'g_string_new',
}

# Function -> indexes of its arguments that are shown.
TEXT_ARGS = {
    'gtk_label_new': [0],
    'gtk_label_new_with_mnemonic': [0],
    'gtk_button_new_with_label': [0],
    'gtk_button_new_with_mnemonic': [0],
    'gtk_check_button_new_with_label': [0],
    'gtk_check_button_new_with_mnemonic': [0],
    'gtk_toggle_button_new_with_label': [0],
    'gtk_toggle_button_new_with_mnemonic': [0],
    'gtk_link_button_new_with_label': [1],
    'gtk_menu_button_set_label': [1],
    'gtk_frame_new': [0],
    'gtk_expander_new': [0],
    'gtk_expander_new_with_mnemonic': [0],
    'gtk_column_view_column_new': [0],
    'gtk_stack_add_titled': [3],
    'gtk_string_list_append': [1],
    'gtk_file_chooser_native_new': [0, 3, 4],
    'gtk_file_chooser_dialog_new': [0],
    'gtk_file_filter_set_name': [1],
    'adw_toast_new': [0],
    'adw_message_dialog_new': [1, 2],
    'adw_message_dialog_add_response': [2],
    'adw_message_dialog_set_response_label': [2],
    'adw_message_dialog_format_heading': [1],
    'adw_message_dialog_format_heading_markup': [1],
    'adw_message_dialog_format_body': [1],
    'adw_message_dialog_format_body_markup': [1],
    'adw_view_stack_add_titled': [3],
    'adw_about_window_add_credit_section': [1],
    'adw_about_window_add_acknowledgement_section': [1],
    'adw_about_window_add_legal_section': [1],
    'g_notification_new': [0],
    'g_notification_add_button': [1],
    'g_notification_add_button_with_target': [1],
    'g_notification_add_button_with_target_value': [1],
    'g_menu_append': [1],
    'g_menu_prepend': [1],
    'g_menu_insert': [2],
    'g_menu_append_section': [1],
    'g_menu_append_submenu': [1],
    'g_menu_item_new': [0],
    'g_menu_item_new_section': [0],
    'g_menu_item_new_submenu': [0],
    'g_print': [0],
    'g_printerr': [0],
}

SETTER = re.compile(
    r'^(gtk|adw|g)_\w+?_set_(title|subtitle|description|label|text|markup|heading|body|'
    r'tooltip_text|tooltip_markup|placeholder_text|button_label|comments|developer_name|'
    r'application_name|copyright|release_notes|translator_credits|website_label)$')

# What the user types, not what the app says.
CONTENT_SETTERS = {
    'gtk_editable_set_text', 'gtk_entry_buffer_set_text', 'gtk_text_buffer_set_text',
    'gtk_text_buffer_set_markup',
}

ACCESSIBLE_TEXT = re.compile(
    r'^GTK_ACCESSIBLE_PROPERTY_(LABEL|DESCRIPTION|PLACEHOLDER|ROLE_DESCRIPTION|VALUE_TEXT)$')

VISIBLE_PROPERTIES = {
    'label', 'title', 'subtitle', 'tooltip-text', 'tooltip-markup', 'placeholder-text',
    'description', 'heading', 'body', 'secondary-text', 'application-name', 'comments',
    'developer-name', 'copyright', 'release-notes', 'translator-credits', 'website-label',
    'button-label', 'text',
}

HELPER_PARAMS = {'text', 'message', 'title', 'subtitle', 'label', 'heading', 'body', 'tooltip',
                 'what'}

OPT_OUT = re.compile(r'not\s+for\s+translation', re.I)

TOKEN = re.compile(r'''
    (?P<comment>/\*.*?\*/|//[^\n]*)
  | (?P<string>(?:u8|[uUL])?"(?:\\.|[^"\\\n])*")
  | (?P<char>'(?:\\.|[^'\\\n])*')
  | (?P<ident>[A-Za-z_]\w*)
  | (?P<number>\.?\d[\w.]*)
  | (?P<punct>\#\#?|->|\+\+|--|<<=?|>>=?|[<>=!+\-*/%&|^]=|&&|\|\||\.\.\.|[^\s])
  | (?P<space>\s+)
''', re.S | re.X)


class Token:
    __slots__ = ('kind', 'text', 'line')

    def __init__(self, kind, text, line):
        self.kind, self.text, self.line = kind, text, line


def tokenize(source):
    """Returns the tokens of @source without comments, and the comments' lines."""
    tokens, comment_lines = [], {}
    line = 1
    for match in TOKEN.finditer(source):
        kind, text = match.lastgroup, match.group()
        if kind == 'comment':
            for offset in range(text.count('\n') + 1):
                comment_lines.setdefault(line + offset, []).append(text)
        elif kind != 'space':
            tokens.append(Token(kind, text, line))
        line += text.count('\n')
    return tokens, comment_lines


def matching(tokens, i):
    """Index of the bracket closing the one at @i."""
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j].kind == 'punct':
            if tokens[j].text in '([{':
                depth += 1
            elif tokens[j].text in ')]}':
                depth -= 1
                if depth == 0:
                    return j
    return len(tokens) - 1


def split_args(tokens, open_index, close_index):
    args, start, depth = [], open_index + 1, 0
    for j in range(open_index + 1, close_index):
        text = tokens[j].text
        if tokens[j].kind != 'punct':
            continue
        if text in '([{':
            depth += 1
        elif text in ')]}':
            depth -= 1
        elif text == ',' and depth == 0:
            args.append(tokens[start:j])
            start = j + 1
    if start < close_index or args:
        args.append(tokens[start:close_index])
    return args


def literal_value(token):
    return token.text[token.text.index('"') + 1:-1]


def is_words(text):
    """Whether a literal's text has something to translate: a letter outside directives."""
    text = re.sub(r'%(\d+\$)?[-+ #0\'I]*(\*|\d+)?(\.(\*|\d+))?(hh|h|ll|l|L|q|j|z|t)?[a-zA-Z%]',
                  '', text)
    text = re.sub(r'\\(x[0-9a-fA-F]+|[0-7]{1,3}|.)', '', text)
    return re.search(r'[^\W\d_]', text) is not None


def unmarked_literals(arg):
    """The word-like literals of one argument that are given directly and not marked."""
    stack, found = [], []
    for k, token in enumerate(arg):
        if token.kind == 'punct' and token.text in '([{':
            before = arg[k - 1] if k > 0 else None
            stack.append(before.text if before is not None and before.kind == 'ident'
                         and token.text == '(' else None)
        elif token.kind == 'punct' and token.text in ')]}':
            if stack:
                stack.pop()
        elif token.kind == 'string':
            if any(name in MARKERS for name in stack):
                continue
            if any(name is not None and name not in PASSTHROUGH for name in stack):
                continue
            if is_words(literal_value(token)):
                found.append(token)
    return found


def find_helpers(tokens):
    """The functions defined here that show one of their parameters: name -> indexes."""
    helpers, depth, i = {}, 0, 0
    while i < len(tokens):
        token = tokens[i]
        if token.kind == 'punct' and token.text == '{':
            depth += 1
        elif token.kind == 'punct' and token.text == '}':
            depth -= 1
        elif (depth == 0 and token.kind == 'ident' and i + 1 < len(tokens)
              and tokens[i + 1].text == '('):
            close = matching(tokens, i + 1)
            if close + 1 < len(tokens) and tokens[close + 1].text == '{':
                for index, param in enumerate(split_args(tokens, i + 1, close)):
                    texts = [t.text for t in param]
                    idents = [t.text for t in param if t.kind == 'ident']
                    if ('char' in texts and texts.count('*') == 1 and idents
                            and idents[-1] in HELPER_PARAMS):
                        helpers.setdefault(token.text, []).append(index)
            i = close
        i += 1
    return helpers


def text_args(name, args, helpers):
    """The arguments of a call to @name that are shown."""
    if name in CONTENT_SETTERS:
        return []
    if name in TEXT_ARGS:
        return [args[k] for k in TEXT_ARGS[name] if k < len(args)]
    if SETTER.match(name):
        return args[1:2]
    if name == 'adw_message_dialog_add_responses':
        return args[2::2]
    if name == 'gtk_accessible_update_property':
        return [args[k + 1] for k in range(1, len(args) - 1)
                if any(ACCESSIBLE_TEXT.match(t.text) for t in args[k])]
    if name in ('g_object_new', 'g_object_set'):
        shown = []
        for k in range(1, len(args) - 1):
            if (len(args[k]) == 1 and args[k][0].kind == 'string'
                    and literal_value(args[k][0]) in VISIBLE_PROPERTIES):
                shown.append(args[k + 1])
        return shown
    if name in ('gtk_widget_activate_action', 'gtk_widget_activate_action_variant'):
        if (len(args) > 1 and len(args[1]) == 1 and args[1][0].kind == 'string'
                and literal_value(args[1][0]) == 'win.toast'):
            return args[3:] if name == 'gtk_widget_activate_action' else args[2:]
        return []
    if name in helpers:
        return [args[k] for k in helpers[name] if k < len(args)]
    return []


def check_c_files(root, c_files):
    parsed = {}
    helpers = {}
    for path in c_files:
        with open(os.path.join(root, path), encoding='utf-8') as f:
            parsed[path] = tokenize(f.read())
        for name, indexes in find_helpers(parsed[path][0]).items():
            helpers.setdefault(name, indexes)

    problems = []
    for path in c_files:
        tokens, comment_lines = parsed[path]
        for i, token in enumerate(tokens[:-1]):
            if token.kind != 'ident' or tokens[i + 1].text != '(':
                continue
            close = matching(tokens, i + 1)
            args = split_args(tokens, i + 1, close)
            for arg in text_args(token.text, args, helpers):
                for literal in unmarked_literals(arg):
                    lines = range(token.line - 1, literal.line + 1)
                    if any(OPT_OUT.search(c) for n in lines for c in comment_lines.get(n, [])):
                        continue
                    problems.append(f'{path}:{literal.line}: {literal.text} is shown by '
                                    f'{token.text}() but not marked for translation')
    return sorted(set(problems))


# --- .ui ----------------------------------------------------------------------------------

UI_PROPERTIES = VISIBLE_PROPERTIES | {'placeholder', 'role-description', 'value-text'}


def check_ui_file(root, path):
    problems, stack = [], []
    parser = xml.parsers.expat.ParserCreate()

    def start(name, attrs):
        stack.append([name, attrs, parser.CurrentLineNumber, ''])

    def data(text):
        if stack:
            stack[-1][3] += text

    def end(name):
        name, attrs, line, text = stack.pop()
        if 'comments' in attrs and any(e[0] == 'accessibility' for e in stack):
            problems.append(f'{path}:{line}: GTK 4.8 refuses a comments attribute inside '
                            '<accessibility>; give it to the same text elsewhere')
        shown = ((name in ('property', 'attribute') and attrs.get('name') in UI_PROPERTIES)
                 or name in ('item', 'col'))
        if not shown or not is_words(text.strip()):
            return
        # translatable="no" says that the value is not translated, on purpose.
        if attrs.get('translatable', '').lower() in ('yes', 'true', '1', 'no', 'false', '0'):
            return
        what = f'<{name} name="{attrs["name"]}">' if 'name' in attrs else f'<{name}>'
        problems.append(f'{path}:{line}: {what}{text.strip()!r} is shown but not '
                        'translatable="yes"')

    parser.StartElementHandler = start
    parser.CharacterDataHandler = data
    parser.EndElementHandler = end
    with open(os.path.join(root, path), 'rb') as f:
        parser.ParseFile(f)
    return problems


# --- POTFILES.in --------------------------------------------------------------------------

MARKER_CALL = re.compile(r'\b(' + '|'.join(sorted(MARKERS, key=len, reverse=True)) + r')\s*\(')


def has_translatable_strings(root, path):
    full = os.path.join(root, path)
    with open(full, encoding='utf-8') as f:
        text = f.read()
    if path.endswith(('.c', '.h')):
        tokens, _ = tokenize(text)
        return any(t.kind == 'ident' and t.text in MARKERS and k + 1 < len(tokens)
                   and tokens[k + 1].text == '(' for k, t in enumerate(tokens))
    if path.endswith('.ui'):
        return re.search(r'translatable="(yes|true|1)"', text) is not None
    if path.endswith(('.desktop.in', '.desktop')):
        return re.search(r'^(Name|GenericName|Comment|Keywords|X-GNOME-FullName)=', text,
                         re.M) is not None
    if path.endswith(('.metainfo.xml.in', '.appdata.xml.in')):
        return re.search(r'<(summary|description|caption)\b', text) is not None
    if path.endswith(('.gschema.xml.in', '.gschema.xml')):
        return (re.search(r'<schemalist\b[^>]*\bgettext-domain=', text) is not None
                and re.search(r'<(summary|description)\b', text) is not None)
    return False


def translatable_candidates(root):
    found = []
    for top, suffixes in (('src', ('.c', '.h', '.ui')),
                          ('data', ('.desktop.in', '.metainfo.xml.in', '.appdata.xml.in',
                                    '.gschema.xml.in'))):
        for folder, _, files in os.walk(os.path.join(root, top)):
            for name in files:
                if name.endswith(suffixes):
                    path = os.path.relpath(os.path.join(folder, name), root)
                    if has_translatable_strings(root, path):
                        found.append(path.replace(os.sep, '/'))
    return set(found)


def read_potfiles(root):
    listed = []
    with open(os.path.join(root, 'po', 'POTFILES.in'), encoding='utf-8') as f:
        for line in f:
            line = re.sub(r'^\[[^]]*\]\s*', '', line.split('#', 1)[0].strip())
            if line:
                listed.append(line)
    return listed


def check_potfiles(root):
    problems = []
    listed = read_potfiles(root)
    if listed != sorted(listed):
        problems.append('po/POTFILES.in is not sorted')
    for path in sorted({p for p in listed if listed.count(p) > 1}):
        problems.append(f'po/POTFILES.in lists {path} more than once')
    for path in sorted(set(listed)):
        if not os.path.isfile(os.path.join(root, path)):
            problems.append(f'po/POTFILES.in lists {path}, which does not exist')
        elif not has_translatable_strings(root, path):
            problems.append(f'po/POTFILES.in lists {path}, which has no translatable strings')
    for path in sorted(translatable_candidates(root) - set(listed)):
        problems.append(f'{path} has translatable strings but is not in po/POTFILES.in')
    return problems


# --- Translations -------------------------------------------------------------------------

# What `preset: 'glib'` in po/meson.build gives xgettext (meson's i18n module).
GLIB_PRESET = [
    '--from-code=UTF-8', '--add-comments',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format', '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format', '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format', '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format', '--flag=g_set_error:4:c-format',
    '--flag=g_markup_printf_escaped:1:c-format', '--flag=g_log:3:c-format',
    '--flag=g_print:1:c-format', '--flag=g_printerr:1:c-format', '--flag=g_printf:1:c-format',
    '--flag=g_fprintf:2:c-format', '--flag=g_sprintf:2:c-format',
    '--flag=g_snprintf:3:c-format',
]


def meson_gettext_args(root):
    """The args: of i18n.gettext() in po/meson.build."""
    with open(os.path.join(root, 'po', 'meson.build'), encoding='utf-8') as f:
        text = f.read()
    match = re.search(r'\bargs\s*:\s*\[(.*?)\]', text, re.S)
    return re.findall(r"'([^']*)'", match.group(1)) if match else []


def po_entries(path):
    """(msgid, [msgstr…], flags) of each live message of a PO file."""
    entries, entry, key = [], None, None

    def unquote(s):
        s = s.strip()[1:-1]
        return re.sub(r'\\(.)', lambda m: {'n': '\n', 't': '\t'}.get(m.group(1), m.group(1)), s)

    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line.strip() or line.startswith('#~'):
                if entry is not None and 'msgid' in entry:
                    entries.append(entry)
                entry = key = None
                continue
            if entry is None:
                entry = {'flags': '', 'msgstr': {}}
            if line.startswith('#,'):
                entry['flags'] += line[2:]
            elif line.startswith('#'):
                continue
            elif line.startswith('"'):
                if isinstance(key, int):
                    entry['msgstr'][key] += unquote(line)
                else:
                    entry[key] += unquote(line)
            else:
                word, _, rest = line.partition(' ')
                match = re.match(r'msgstr(\[(\d+)\])?$', word)
                if match:
                    key = int(match.group(2) or 0)
                    entry['msgstr'][key] = unquote(rest)
                else:
                    key = word
                    entry[key] = unquote(rest)
    if entry is not None and 'msgid' in entry:
        entries.append(entry)
    return [(e['msgid'], [e['msgstr'][k] for k in sorted(e['msgstr'])], e['flags'])
            for e in entries if e['msgid']]


MNEMONIC = re.compile(r'_[^\W_]')


def check_translations(root):
    """Problems, or None when the gettext tools are missing."""
    tools = {name: shutil.which(name) for name in ('xgettext', 'msgmerge', 'msgfmt')}
    if not all(tools.values()):
        return None

    problems = []
    with open(os.path.join(root, 'po', 'LINGUAS'), encoding='utf-8') as f:
        languages = [w for line in f for w in line.split('#', 1)[0].split()]
    env = dict(os.environ, LC_ALL='C', LANGUAGE='')

    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, 'template.pot')
        result = subprocess.run(
            [tools['xgettext'], '--package-name=supportdesk', '-f',
             os.path.join('po', 'POTFILES.in'), '-D', root, '-k_', '-o', pot]
            + GLIB_PRESET + meson_gettext_args(root),
            cwd=root, env=env, capture_output=True, text=True)
        for line in result.stderr.splitlines():
            if 'warning' in line or 'error' in line:
                problems.append(f'xgettext: {line}')
        if result.returncode != 0:
            problems.append(f'xgettext failed: {result.stderr.strip()}')
            return problems

        for lang in languages:
            po = os.path.join(root, 'po', f'{lang}.po')
            if not os.path.isfile(po):
                problems.append(f'po/{lang}.po is missing (po/LINGUAS lists {lang})')
                continue
            merged = os.path.join(tmp, f'{lang}.po')
            result = subprocess.run([tools['msgmerge'], '--quiet', '-o', merged, po, pot],
                                    env=env, capture_output=True, text=True)
            if result.returncode != 0:
                problems.append(f'msgmerge po/{lang}.po failed: {result.stderr.strip()}')
                continue
            result = subprocess.run([tools['msgfmt'], '--check', '--check-format',
                                     '--statistics', '-o', os.devnull, merged],
                                    env=env, capture_output=True, text=True)
            if result.returncode != 0:
                problems.append(f'po/{lang}.po: msgfmt --check: '
                                + result.stderr.strip().replace(merged, f'po/{lang}.po'))
            stats = result.stderr.splitlines()[-1] if result.stderr else ''
            for count, what in re.findall(r'(\d+) (fuzzy|untranslated)', stats):
                if int(count) > 0:
                    problems.append(f'po/{lang}.po: {count} {what} message(s) for the current '
                                    'sources')
            for msgid, msgstrs, flags in po_entries(merged):
                if 'fuzzy' in flags or not all(msgstrs):
                    problems.append(f'po/{lang}.po: {msgid!r} is not translated yet')
                elif MNEMONIC.search(msgid) and not all(MNEMONIC.search(s) for s in msgstrs):
                    problems.append(f'po/{lang}.po: {msgid!r} has a mnemonic, its translation '
                                    'has none')
    return problems


# --- Main ---------------------------------------------------------------------------------

def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(__file__), '..', '..'))
    app = os.path.join(root, 'src', 'app')
    c_files, ui_files = [], []
    for folder, _, files in os.walk(app):
        for name in sorted(files):
            path = os.path.relpath(os.path.join(folder, name), root).replace(os.sep, '/')
            if name.endswith('.c'):
                c_files.append(path)
            elif name.endswith('.ui'):
                ui_files.append(path)

    checks = [
        ('strings shown by src/app C code are marked', check_c_files(root, sorted(c_files))),
        ('texts in src/app .ui files are translatable',
         [p for path in sorted(ui_files) for p in check_ui_file(root, path)]),
        ('po/POTFILES.in lists exactly the files with translatable strings',
         check_potfiles(root)),
    ]
    translations = check_translations(root)

    failed = 0
    for number, (name, problems) in enumerate(checks, 1):
        print(f'{"not ok" if problems else "ok"} {number} - {name}')
        for problem in problems:
            print(f'# {problem}')
        failed += bool(problems)
    name = 'every language in po/LINGUAS is fully translated'
    if translations is None:
        print(f'# {name}: skipped, xgettext, msgmerge or msgfmt is missing')
    else:
        print(f'{"not ok" if translations else "ok"} {len(checks) + 1} - {name}')
        for problem in translations:
            print(f'# {problem}')
        failed += bool(translations)

    if failed:
        return 1
    return SKIP if translations is None else 0


if __name__ == '__main__':
    sys.exit(main())
