"""Make each add-on's README.rst from its readme/*.md fragments, as OCA does.

OCA makes an add-on's README.rst from the fragments of its readme/ folder with
oca-gen-addon-readme (maintainer-tools), which converts Markdown with pandoc.
Neither is at hand here: this script does the same with the standard library
only. Same fragments, same section titles and order, same badges (maturity and
licence from the manifest) and credits (authors and maintainers).

It converts the Markdown the fragments use: ATX headings (``##`` and deeper:
the fragment's title is the section), paragraphs, *emphasis*, **strong**,
`code`, [links](url) and <autolinks>, bullet and numbered lists (nested),
pipe tables, and fenced code blocks with a language. Markdown it does not
convert (block quotes, HTML, images, setext headings, indented code blocks,
thematic breaks) is refused with the file and line, rather than turned into
something else. Markup nested in emphasis or link texts has no reStructuredText
equivalent: its text is kept, without the inner markup.

    tools/readme.py [MODULE ...]            write addons/MODULE/README.rst
    tools/readme.py --check [MODULE ...]    exit status 1 when one is not what
                                            its fragments give (./kpa lint)

Without MODULE, every installable add-on of addons/. When docutils is
importable (it is in .venv), each README.rst is also read by docutils, as
GitHub and Odoo's Apps do: any warning is an error.
"""

import argparse
import ast
import html
import io
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FRAGMENTS_DIR = "readme"
# OCA's fragments, and the level of the title their text goes under
# (2: a section of the README, 3: a part of its Credits).
FRAGMENT_LEVELS = {
    "DESCRIPTION": 1,
    "CONTEXT": 2,
    "INSTALL": 2,
    "CONFIGURE": 2,
    "USAGE": 2,
    "ROADMAP": 2,
    "DEVELOP": 2,
    "CONTRIBUTORS": 3,
    "CREDITS": 3,
    "HISTORY": 2,
}
# The sections after the table of contents, in OCA's order, with its titles.
SECTIONS = (
    ("CONTEXT", "Use Cases / Context"),
    ("INSTALL", "Installation"),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("DEVELOP", "Development"),
    ("ROADMAP", "Known issues / Roadmap"),
    ("HISTORY", "Changelog"),
)
MATURITY_BADGES = {
    "alpha": ("Alpha", "red"),
    "beta": ("Beta", "yellow"),
    "production/stable": ("Production/Stable", "green"),
    "mature": ("Mature", "brightgreen"),
}
LICENCE_BADGES = {
    "AGPL-3": "http://www.gnu.org/licenses/agpl-3.0-standalone.html",
    "LGPL-3": "http://www.gnu.org/licenses/lgpl-3.0-standalone.html",
    "GPL-3": "http://www.gnu.org/licenses/gpl-3.0-standalone.html",
}
# Underlines of the README's titles by level: the add-on's name is level 0
# (over- and underlined with "="), its sections level 1, and so on.
ADORNMENTS = "=-~^\"'"
# What docutils is told, as OCA's check (after pypa/readme_renderer): no file
# inclusion, no raw HTML, and every warning reported.
DOCUTILS_SETTINGS = {
    "file_insertion_enabled": False,
    "raw_enabled": False,
    "syntax_highlight": "short",
    "report_level": 2,
    "halt_level": 5,
}


class ReadmeError(Exception):
    """A fragment this script cannot convert, or an add-on without one."""


# === MARKDOWN BLOCKS === #

ASCII_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
BULLET_RE = re.compile(r"([-+*])(?:[ \t]+|$)")
ORDERED_RE = re.compile(r"(\d{1,9})([.)])(?:[ \t]+|$)")
FENCE_RE = re.compile(r"(`{3,}|~{3,})[ \t]*([^`\s]*)[^`]*$")
HEADING_RE = re.compile(r"(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
THEMATIC_BREAK_RE = re.compile(r"(?:([-*_])[ \t]*){3,}$")
SETEXT_RE = re.compile(r"(?:=+|-+)[ \t]*$")
HTML_BLOCK_RE = re.compile(
    r"<!--|<\?|<![A-Za-z]|</?(?:address|article|aside|blockquote|br|center|"
    r"details|div|dl|figure|footer|form|h[1-6]|header|hr|iframe|img|li|nav|ol|p|"
    r"pre|script|section|style|summary|table|tbody|td|th|thead|tr|ul)(?:[\s/>]|$)"
    r"|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>[ \t]*$",
    re.IGNORECASE,
)
TABLE_DELIMITER_RE = re.compile(r"\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?")


def _indent(line):
    return len(line) - len(line.lstrip(" "))


def _list_marker(text):
    """(ordered, delimiter or bullet, start, marker length) of a list item."""
    match = BULLET_RE.match(text)
    if match:
        return False, match.group(1), None, len(match.group(0))
    match = ORDERED_RE.match(text)
    if match:
        return True, match.group(2), int(match.group(1)), len(match.group(0))
    return None


def _table_cells(text):
    """The cells of a pipe table row: split on the pipes that are not escaped."""
    text = text.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    cells, cell, i = [], "", 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] == "|":
            cell += "|"
            i += 2
            continue
        if text[i] == "|":
            cells.append(cell.strip())
            cell = ""
        else:
            cell += text[i]
        i += 1
    cells.append(cell.strip())
    return cells


def _is_table_start(lines, i):
    if i + 1 >= len(lines) or "|" not in lines[i][1]:
        return False
    delimiter = lines[i + 1][1].strip()
    return bool(TABLE_DELIMITER_RE.fullmatch(delimiter)) and len(
        _table_cells(delimiter)
    ) == len(_table_cells(lines[i][1]))


class BlockParser:
    """Markdown blocks of one fragment, as tuples:

    ("heading", level, text), ("paragraph", text), ("code", language, lines),
    ("table", header cells, rows), ("list", ordered, start, items, loose)
    where each item is a list of blocks.
    """

    def __init__(self, path):
        self.path = path

    def error(self, lineno, message):
        return ReadmeError(f"{self.path}:{lineno}: {message}")

    def parse(self, text):
        lines = [
            (n, line.expandtabs(4).rstrip())
            for n, line in enumerate(text.splitlines(), 1)
        ]
        return self.blocks(lines)

    def starts_block(self, text):
        """Whether a line (without its indentation) interrupts a paragraph."""
        marker = _list_marker(text)
        return bool(
            HEADING_RE.match(text)
            or FENCE_RE.match(text)
            or text.startswith(">")
            or THEMATIC_BREAK_RE.match(text)
            or HTML_BLOCK_RE.match(text)
            or (
                marker
                and text[marker[3] :].strip()
                and (not marker[0] or marker[2] == 1)
            )
        )

    def blocks(self, lines):
        blocks, i = [], 0
        while i < len(lines):
            lineno, line = lines[i]
            if not line.strip():
                i += 1
                continue
            indent = _indent(line)
            text = line[indent:]
            if indent >= 4:
                raise self.error(
                    lineno,
                    "indented code blocks are not converted: use a fenced code "
                    "block (```language), or indent the line less",
                )
            if FENCE_RE.match(text):
                block, i = self.code(lines, i, indent)
            elif HEADING_RE.match(text):
                level, title = HEADING_RE.match(text).group(1, 2)
                if not title:
                    raise self.error(lineno, "a heading without a title")
                block, i = ("heading", len(level), title, lineno), i + 1
            elif text.startswith(">"):
                raise self.error(lineno, "block quotes (>) are not converted")
            elif THEMATIC_BREAK_RE.match(text):
                raise self.error(lineno, "thematic breaks (---, ***) are not converted")
            elif HTML_BLOCK_RE.match(text):
                raise self.error(lineno, "HTML is not converted: write Markdown")
            elif _list_marker(text):
                block, i = self.list(lines, i)
            elif _is_table_start(lines, i):
                block, i = self.table(lines, i)
            else:
                block, i = self.paragraph(lines, i)
            blocks.append(block)
        return blocks

    def code(self, lines, i, indent):
        lineno, line = lines[i]
        fence, language = FENCE_RE.match(line[indent:]).groups()
        content, i = [], i + 1
        while i < len(lines):
            text = lines[i][1]
            stripped = text.strip()
            if (
                stripped.startswith(fence[0] * len(fence))
                and set(stripped) == {fence[0]}
                and _indent(text) < 4
            ):
                return ("code", language, content, lineno), i + 1
            content.append(text[min(indent, _indent(text)) :])
            i += 1
        raise self.error(lineno, f"this code block has no closing {fence}")

    def paragraph(self, lines, i):
        lineno = lines[i][0]
        texts = [lines[i][1].strip()]
        i += 1
        while i < len(lines):
            n, line = lines[i]
            text = line.strip()
            if not text or (_indent(line) < 4 and self.starts_block(text)):
                break
            if SETEXT_RE.fullmatch(text) and _indent(line) < 4:
                raise self.error(
                    n,
                    "setext headings (a line of = or - under the title) are not "
                    "converted: write ## Title",
                )
            if _is_table_start(lines, i):
                break
            texts.append(text)
            i += 1
        text = "\n".join(texts)
        if re.search(r"!\[[^\]]*\]\(", text):
            raise self.error(lineno, "images are not converted")
        return ("paragraph", text, lineno), i

    def table(self, lines, i):
        lineno = lines[i][0]
        header = _table_cells(lines[i][1])
        rows, i = [], i + 2
        while i < len(lines) and lines[i][1].strip() and "|" in lines[i][1]:
            cells = _table_cells(lines[i][1])[: len(header)]
            rows.append(cells + [""] * (len(header) - len(cells)))
            i += 1
        if not rows:
            raise self.error(lineno, "a table needs at least one row under its header")
        return ("table", header, rows, lineno), i

    def list(self, lines, i):
        lineno, line = lines[i]
        ordered, kind, start, _length = _list_marker(line[_indent(line) :])
        items, loose = [], False
        while True:
            n, line = lines[i]
            indent = _indent(line)
            marker = _list_marker(line[indent:])
            token = line[indent:].split()[0]
            first = line[indent + marker[3] :]
            if not first.strip():
                content_col = indent + len(token) + 1
            elif marker[3] - len(token) > 4:
                raise self.error(
                    n, "five spaces or more after a list marker: one is enough"
                )
            else:
                content_col = indent + marker[3]
            item, i = self.item(lines, i, content_col, first)
            loose = loose or any(not text for _n, text in item)
            items.append(self.blocks(item))
            # After blank lines, a sibling item makes the list loose.
            j = i
            while j < len(lines) and not lines[j][1].strip():
                j += 1
            if j == len(lines):
                return ("list", ordered, start, items, loose, lineno), j
            sibling = lines[j][1]
            sibling_marker = _list_marker(sibling[_indent(sibling) :])
            if not (
                sibling_marker
                and sibling_marker[:2] == (ordered, kind)
                and _indent(sibling) < min(content_col, 4)
            ):
                return ("list", ordered, start, items, loose, lineno), i
            loose = loose or j > i
            i = j

    def item(self, lines, i, content_col, first):
        """The lines of the list item at i, without its indentation, and the
        index after its last line that is not blank."""
        item, blanks = [(lines[i][0], first.strip())], []
        i += 1
        end = i
        while i < len(lines):
            n, line = lines[i]
            if not line.strip():
                blanks.append((n, ""))
            elif _indent(line) >= content_col:
                item += blanks + [(n, line[content_col:])]
                blanks, end = [], i + 1
            elif (
                not blanks
                and not _list_marker(line.strip())
                and not self.starts_block(line.strip())
            ):
                # A lazy continuation line of the item's paragraph.
                item.append((n, line.strip()))
                end = i + 1
            else:
                break
            i += 1
        return item, end


# === MARKDOWN INLINES === #


def _is_punctuation(char):
    return char in ASCII_PUNCTUATION or unicodedata.category(char).startswith("P")


def _left_flanking(text, i, length):
    after = text[i + length] if i + length < len(text) else " "
    before = text[i - 1] if i > 0 else " "
    return not after.isspace() and (
        not _is_punctuation(after) or before.isspace() or _is_punctuation(before)
    )


def _right_flanking(text, i, length):
    after = text[i + length] if i + length < len(text) else " "
    before = text[i - 1] if i > 0 else " "
    return not before.isspace() and (
        not _is_punctuation(before) or after.isspace() or _is_punctuation(after)
    )


def _run(text, i, char):
    j = i
    while j < len(text) and text[j] == char:
        j += 1
    return j - i


def _code_span_end(text, i):
    """Where the code span opening at i ends, and its content; None if open."""
    length = _run(text, i, "`")
    j = i + length
    while j < len(text):
        if text[j] == "`":
            run = _run(text, j, "`")
            if run == length:
                content = text[i + length : j].replace("\n", " ")
                if (
                    content.startswith(" ")
                    and content.endswith(" ")
                    and content.strip()
                ):
                    content = content[1:-1]
                return j + run, content
            j += run
        else:
            j += 1
    return None


def _bracket_end(text, i):
    """Index of the ] matching the [ at i (code spans and escapes skipped)."""
    depth, j = 0, i
    while j < len(text):
        char = text[j]
        if char == "\\":
            j += 2
            continue
        if char == "`":
            span = _code_span_end(text, j)
            j = span[0] if span else j + _run(text, j, "`")
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if not depth:
                return j
        j += 1
    return None


AUTOLINK_RE = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>")
EMAIL_AUTOLINK_RE = re.compile(r"<([\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+)>")
# Entities end with a semicolon in Markdown ("&para" alone is text).
ENTITY_RE = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
)
LINK_TARGET_RE = re.compile(r"\(\s*<?([^\s<>()]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")


def parse_inline(text):
    """Inline Markdown as nodes: ("text", str), ("code", str),
    ("emph", nodes), ("strong", nodes), ("link", nodes, url)."""
    nodes, buffer, i = [], [], 0

    def flush():
        if buffer:
            text = ENTITY_RE.sub(lambda m: html.unescape(m.group(0)), "".join(buffer))
            nodes.append(("text", text))
            buffer.clear()

    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            if text[i + 1] in ASCII_PUNCTUATION:
                # An escaped & never starts an entity.
                buffer.append("&amp;" if text[i + 1] == "&" else text[i + 1])
                i += 2
                continue
            if text[i + 1] == "\n":  # a hard line break: a line break
                i += 1
                continue
        if char == "`":
            span = _code_span_end(text, i)
            if span:
                flush()
                nodes.append(("code", span[1]))
                i = span[0]
            else:
                run = _run(text, i, "`")
                buffer.append("`" * run)
                i += run
            continue
        if char == "<":
            match = AUTOLINK_RE.match(text, i) or EMAIL_AUTOLINK_RE.match(text, i)
            if match:
                flush()
                url = match.group(1)
                target = url if AUTOLINK_RE.match(text, i) else f"mailto:{url}"
                nodes.append(("link", [("text", url)], target))
                i = match.end()
                continue
        if char == "[":
            end = _bracket_end(text, i)
            target = end is not None and LINK_TARGET_RE.match(text, end + 1)
            if target:
                flush()
                nodes.append(("link", parse_inline(text[i + 1 : end]), target.group(1)))
                i = target.end()
                continue
        if char in "*_":
            length = min(_run(text, i, char), 3)
            run = _run(text, i, char)
            before = text[i - 1] if i > 0 else " "
            opens = _left_flanking(text, i, run) and (
                char == "*" or not before.isalnum()
            )
            close = opens and _emphasis_end(text, i + length, char, length)
            if close is not None and close is not False:
                flush()
                inner = parse_inline(text[i + length : close])
                nodes.append(("strong" if length >= 2 else "emph", inner))
                i = close + length
                continue
            buffer.append(char * run)
            i += run
            continue
        buffer.append(char)
        i += 1
    flush()
    return nodes


def _emphasis_end(text, j, char, length):
    """Where the emphasis opened before j with `length` times `char` closes."""
    while j < len(text):
        current = text[j]
        if current == "\\":
            j += 2
            continue
        if current == "`":
            span = _code_span_end(text, j)
            j = span[0] if span else j + _run(text, j, "`")
            continue
        if current == "[":
            end = _bracket_end(text, j)
            if end is not None and LINK_TARGET_RE.match(text, end + 1):
                j = LINK_TARGET_RE.match(text, end + 1).end()
                continue
        if current == char:
            run = _run(text, j, char)
            after = text[j + run] if j + run < len(text) else " "
            if (
                run == length
                and _right_flanking(text, j, run)
                and (char == "*" or not after.isalnum())
            ):
                return j
            if run != length and length == 1 and run >= 2:
                # A strong span inside an emphasis: skip it whole.
                inner_end = _emphasis_end(text, j + 2, char, 2)
                if inner_end is not None and _left_flanking(text, j, 2):
                    j = inner_end + 2
                    continue
            j += run
            continue
        j += 1
    return None


# === REStructuredText === #


def width(text):
    """Columns the text takes, as docutils counts them for title underlines."""
    return sum(
        0
        if unicodedata.combining(char)
        else 2
        if unicodedata.east_asian_width(char) in "WF"
        else 1
        for char in text
    )


def escape(text):
    """Plain text as reStructuredText: no markup, no reference, no substitution."""
    out = []
    for i, char in enumerate(text):
        following = text[i + 1] if i + 1 < len(text) else " "
        if char in "\\*`|":
            out.append("\\" + char)
        elif char == "_" and not following.isalnum():
            out.append("\\_")
        else:
            out.append(char)
    return "".join(out)


def _plain(nodes):
    """The text of inline nodes, without their markup."""
    return "".join(
        node[1] if node[0] in ("text", "code") else _plain(node[1]) for node in nodes
    )


def _module_url(url):
    """A link of a fragment, seen from the add-on's folder (README.rst's)."""
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:|[/#]", url):
        return url
    if url.startswith("../"):
        return url[3:]
    return f"{FRAGMENTS_DIR}/{url.removeprefix('./')}"


def _markup(node):
    kind = node[0]
    if kind == "code":
        content = node[1]
        if not content.strip() or "``" in content or content != content.strip():
            raise ValueError(
                f"this code span cannot be written in reStructuredText: `{content}`"
            )
        return f"``{content}``"
    if kind in ("emph", "strong"):
        stars = "*" if kind == "emph" else "**"
        return f"{stars}{escape(_plain(node[1]))}{stars}"
    url = _module_url(node[2])
    label = _plain(node[1]) or url
    label = label.replace("\\", "\\\\").replace("`", "\\`").replace("<", "\\<")
    if url.endswith("_"):
        url = url[:-1] + "\\_"
    return f"`{label} <{url}>`__"


START_BEFORE = set("-:/'\"<([{")
END_AFTER = set("-.,:;!?\\/'\")]}>")


def _may_start_after(char):
    return (
        char.isspace()
        or char in START_BEFORE
        or unicodedata.category(char) in ("Pd", "Po", "Pi", "Pf", "Ps")
    )


def _may_end_before(char):
    return (
        char.isspace()
        or char in END_AFTER
        or unicodedata.category(char) in ("Pd", "Po", "Pi", "Pf", "Pe")
    )


def inline(text):
    """Inline Markdown as reStructuredText. Inline markup touching a letter is
    set apart with an escaped space, which reStructuredText removes."""
    pieces = []
    for node in parse_inline(text):
        if node[0] == "text":
            pieces.append((False, escape(node[1])))
        else:
            pieces.append((True, _markup(node)))
    out = ""
    for index, (is_markup, piece) in enumerate(pieces):
        if not piece:
            continue
        if is_markup:
            if out and not _may_start_after(out[-1]):
                out += "\\ "
            out += piece
            following = pieces[index + 1][1] if index + 1 < len(pieces) else ""
            if following and not _may_end_before(following[0]):
                out += "\\ "
        else:
            out += piece
    return out


ENUMERATOR = r"(?:\d+|#|[A-Za-z]|[ivxlcdm]+|[IVXLCDM]+)"
BLOCK_START_RE = re.compile(
    rf"(?:[-+*\u2022\u2023\u2043](?:\s|$)|{ENUMERATOR}[.)](?:\s|$)|"
    rf"\({ENUMERATOR}\)(?:\s|$)|\.\.(?:\s|$)|:[^:\s`]([^`]*?[^\s`])?:(?:\s|$)|>>>|::)"
)


def _text_block(text):
    """Lines of a paragraph (or cell): what would start another reStructuredText
    block (a list, a comment, a field, a literal block) is escaped."""
    if BLOCK_START_RE.match(text):
        text = "\\" + text
    if text.endswith("::"):
        text = text[:-1] + "\\:"
    return text.split("\n")


class RstWriter:
    def __init__(self, path, level):
        self.path = path
        self.level = level  # the level of the title the fragment goes under

    def error(self, lineno, message):
        return ReadmeError(f"{self.path}:{lineno}: {message}")

    def inline(self, text, lineno):
        try:
            return inline(text)
        except ValueError as exc:
            raise self.error(lineno, str(exc)) from None

    def blocks(self, blocks):
        """Lines of reStructuredText, blocks separated by a blank line."""
        lines = []
        for block in blocks:
            if lines:
                lines.append("")
            lines += getattr(self, block[0])(*block[1:])
        return lines

    def heading(self, level, text, lineno):
        if self.level < 2:
            raise self.error(
                lineno,
                "DESCRIPTION.md has no heading: it comes before the table of "
                "contents; put sections in CONTEXT.md or USAGE.md",
            )
        if level < 2:
            raise self.error(
                lineno,
                "the fragment's title is its section: its headings start at ##",
            )
        depth = level + self.level - 3
        if depth >= len(ADORNMENTS):
            raise self.error(lineno, "this heading is too deep")
        title = self.inline(text, lineno)
        return [title, ADORNMENTS[depth] * width(title)]

    def paragraph(self, text, lineno):
        return _text_block(self.inline(text, lineno))

    def code(self, language, content, lineno):
        while content and not content[-1].strip():
            content = content[:-1]
        head = [f".. code:: {language}", ""] if language else ["::", ""]
        return head + [f"   {line}" if line.strip() else "" for line in content]

    def table(self, header, rows, lineno):
        cells = [
            [" ".join(_text_block(self.inline(cell, lineno))) for cell in row]
            for row in [header, *rows]
        ]
        widths = [max(width(row[c]) for row in cells) + 2 for c in range(len(header))]

        def border(char):
            return "+" + "+".join(char * w for w in widths) + "+"

        def line(row):
            return (
                "|"
                + "|".join(
                    f" {cell}" + " " * (w - 1 - width(cell))
                    for cell, w in zip(row, widths, strict=True)
                )
                + "|"
            )

        lines = [border("-"), line(cells[0]), border("=")]
        for row in cells[1:]:
            lines += [line(row), border("-")]
        return lines

    def list(self, ordered, start, items, loose, lineno):
        separate = loose or any(len(item) > 1 for item in items)
        lines = []
        for index, item in enumerate(items):
            marker = f"{start + index}. " if ordered else "- "
            body = self.blocks(item) or [""]
            if lines and separate:
                lines.append("")
            lines.append((marker + body[0]).rstrip())
            lines += [" " * len(marker) + text if text else "" for text in body[1:]]
        return lines


def fragment_rst(path, name, text):
    blocks = BlockParser(path).parse(text)
    return "\n".join(RstWriter(path, FRAGMENT_LEVELS[name]).blocks(blocks))


# === README.rst === #


def read_manifest(module_dir):
    return ast.literal_eval((module_dir / "__manifest__.py").read_text())


def read_fragments(module_dir, shown=None):
    """{name: reStructuredText} of the add-on's fragments; `shown` is how
    messages name the add-on's folder."""
    folder = module_dir / FRAGMENTS_DIR
    relative = f"{shown or module_dir.name}/{FRAGMENTS_DIR}"
    fragments = {}
    for path in sorted(folder.glob("*")) if folder.is_dir() else ():
        if path.suffix == ".rst" and path.stem in FRAGMENT_LEVELS:
            raise ReadmeError(
                f"{relative}/{path.name}: write the fragments in Markdown "
                f"({path.stem}.md)"
            )
        if path.suffix != ".md":
            continue
        if path.stem not in FRAGMENT_LEVELS:
            raise ReadmeError(
                f"{relative}/{path.name} is not a readme fragment: they are "
                + ", ".join(f"{name}.md" for name in FRAGMENT_LEVELS)
            )
        text = path.read_text(encoding="utf-8")
        if text.strip():
            fragments[path.stem] = fragment_rst(
                f"{relative}/{path.name}", path.stem, text
            )
    if "DESCRIPTION" not in fragments:
        raise ReadmeError(
            f"{relative}/DESCRIPTION.md is missing: every add-on says what it "
            "does there (OCA readme fragments)"
        )
    return fragments


def _title(text, char, over=False):
    bar = char * width(text)
    return [bar, text, bar] if over else [text, bar]


def build(module_dir, shown=None):
    """The README.rst of an add-on, from its manifest and its fragments."""
    manifest = read_manifest(module_dir)
    fragments = read_fragments(module_dir, shown)
    name = escape(manifest["name"])
    lines = _title(name, "=", over=True) + [
        "",
        "..",
        "   This file is made by ./kpa readme (tools/readme.py) from the",
        "   manifest and the fragments in readme/: edit those, then run",
        "   ./kpa readme.",
        "",
    ]
    badges = []
    status = manifest.get("development_status", "Beta").lower()
    if status in MATURITY_BADGES:
        label, colour = MATURITY_BADGES[status]
        badges.append(
            (
                f"https://img.shields.io/badge/maturity-{label.replace('/', '%2F')}"
                f"-{colour}.png",
                "https://odoo-community.org/page/development-status",
                label,
            )
        )
    licence = manifest.get("license")
    if licence in LICENCE_BADGES:
        badges.append(
            (
                f"https://img.shields.io/badge/licence-{licence.replace('-', '--')}"
                "-blue.png",
                LICENCE_BADGES[licence],
                f"License: {licence}",
            )
        )
    if badges:
        lines += [
            " ".join(f"|badge{n}|" for n in range(1, len(badges) + 1)),
            "",
        ]
        for n, (image, target, alt) in enumerate(badges, 1):
            lines += [
                f".. |badge{n}| image:: {image}",
                f"    :target: {target}",
                f"    :alt: {alt}",
            ]
        lines.append("")
    lines += [fragments["DESCRIPTION"], ""]
    if status == "alpha":
        lines += [
            ".. IMPORTANT::",
            "   This is an alpha version, the data model and design can change at "
            "any time",
            "   without warning. Only for development or testing purpose, do not "
            "use in",
            "   production.",
            "",
        ]
    lines += ["**Table of contents**", "", ".. contents::", "   :local:", ""]
    for fragment, title in SECTIONS:
        if fragment in fragments:
            lines += _title(title, ADORNMENTS[0]) + ["", fragments[fragment], ""]
    lines += _title("Credits", ADORNMENTS[0]) + [""]
    authors = [a.strip() for a in manifest.get("author", "").split(",") if a.strip()]
    if authors:
        lines += _title("Authors", ADORNMENTS[1]) + [""]
        lines += [f"* {escape(author)}" for author in authors] + [""]
    for fragment, title in (
        ("CONTRIBUTORS", "Contributors"),
        ("CREDITS", "Other credits"),
    ):
        if fragment in fragments:
            lines += _title(title, ADORNMENTS[1]) + ["", fragments[fragment], ""]
    lines += _title("Maintainers", ADORNMENTS[1]) + [""]
    maintained_by = ", ".join(authors) or "its authors"
    website = manifest.get("website")
    lines.append(
        f"This module is maintained by {escape(maintained_by)}"
        + (f" ({website})." if website else ".")
    )
    maintainers = manifest.get("maintainers") or []
    if maintainers:
        lines += [
            "",
            (
                "Current maintainers: "
                if len(maintainers) > 1
                else "Current maintainer: "
            )
            + ", ".join(
                f"`{login} <https://github.com/{login}>`__" for login in maintainers
            )
            + ".",
        ]
    return "\n".join(lines).rstrip("\n") + "\n"


def docutils_messages(text, source_path):
    """Warnings and errors of docutils reading the text; None without docutils."""
    try:
        from docutils.core import publish_string
    except ImportError:
        return None
    stream = io.StringIO()
    publish_string(
        text,
        source_path=str(source_path),
        writer_name="html4css1",
        settings_overrides=dict(DOCUTILS_SETTINGS, warning_stream=stream),
    )
    return [line for line in stream.getvalue().splitlines() if line.strip()]


# === COMMAND === #


def find_modules(addons, names=()):
    """Installable add-ons of the addons folder (or the ones named)."""
    found = []
    for manifest in sorted(addons.glob("*/__manifest__.py")):
        if ast.literal_eval(manifest.read_text()).get("installable", True):
            found.append(manifest.parent)
    if names:
        by_name = {path.name: path for path in found}
        unknown = [name for name in names if name not in by_name]
        if unknown:
            raise ReadmeError(
                f"{', '.join(unknown)}: not an installable add-on of {addons}"
            )
        return [by_name[name] for name in names]
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="tools/readme.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("modules", nargs="*", help="add-ons (default: all)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit status 1 when a README.rst is not up to date",
    )
    parser.add_argument(
        "--addons", type=Path, default=ROOT / "addons", help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    addons = args.addons.resolve()
    try:
        modules = find_modules(addons, args.modules)
    except ReadmeError as exc:
        print(f"readme: {exc}", file=sys.stderr)
        return 2
    failed = no_docutils = False
    for module_dir in modules:
        shown = module_dir.relative_to(addons.parent)
        readme = module_dir / "README.rst"
        try:
            expected = build(module_dir, shown)
        except ReadmeError as exc:
            print(f"readme: {exc}", file=sys.stderr)
            failed = True
            continue
        current = readme.read_text(encoding="utf-8") if readme.exists() else None
        if args.check and current is None:
            print(
                f"readme: {shown}/README.rst is missing: run ./kpa readme",
                file=sys.stderr,
            )
            failed = True
        elif args.check and current != expected:
            print(
                f"readme: {shown}/README.rst is not what its readme/*.md and "
                "manifest give: run ./kpa readme",
                file=sys.stderr,
            )
            failed = True
        elif current != expected:
            readme.write_text(expected, encoding="utf-8")
            print(f"readme: {shown}/README.rst written")
        messages = docutils_messages(expected, f"{shown}/README.rst")
        if messages is None:
            no_docutils = True
        for message in messages or ():
            print(f"readme: {message}", file=sys.stderr)
            failed = True
    if no_docutils:
        print(
            "readme: docutils is not installed for this Python: the README.rst "
            "files were not read by docutils (.venv/bin/python reads them)",
            file=sys.stderr,
        )
    if not failed:
        print(
            f"readme: {len(modules)} README.rst "
            + ("up to date" if args.check else "written or up to date")
            + ("" if no_docutils else ", read by docutils without a warning")
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
