"""tools/readme.py makes each add-on's README.rst from its readme/*.md.

Plain pytest, no Odoo and no database (also runs alone:
`.venv/bin/pytest tests/test_readme_tool.py -p no:odoo`). What the converter
writes is read back by docutils, as GitHub and Odoo's Apps read a README.rst:
the tests check the document docutils builds (lists, tables, literals, links),
and that docutils reports nothing, not only the text.
"""

import importlib.util
import io
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from docutils import nodes
from docutils.core import publish_doctree

ROOT = Path(__file__).resolve().parent.parent


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


readme = load("kpa_readme_tool", ROOT / "tools" / "readme.py")


def convert(markdown, fragment="USAGE"):
    return readme.fragment_rst(
        f"kpa_x/readme/{fragment}.md", fragment, textwrap.dedent(markdown)
    )


def doctree(text, **settings):
    """docutils' document of a reStructuredText text; no warning allowed."""
    stream = io.StringIO()
    document = publish_doctree(
        text,
        settings_overrides=dict(
            readme.DOCUTILS_SETTINGS, warning_stream=stream, **settings
        ),
    )
    assert stream.getvalue() == ""
    return document


def usage(markdown):
    """The document of a USAGE.md fragment, under its section title."""
    return doctree("Usage\n=====\n\n" + convert(markdown), doctitle_xform=False)


def find(document, kind):
    return list(document.findall(kind))


def badges(document):
    """The images shown (not their substitution definitions)."""
    shown = []
    for image in document.findall(nodes.image):
        parent = image.parent
        while parent is not None and not isinstance(
            parent, nodes.substitution_definition
        ):
            parent = parent.parent
        if parent is None:
            shown.append(image["uri"])
    return shown


def texts(document, kind):
    return [node.astext() for node in document.findall(kind)]


# === INLINE MARKUP === #


def test_inline_markup():
    document = usage(
        "A *word*, **strong words**, `kpa.cooperative`, [the docs]"
        "(https://example.org/docs) and <https://example.org>.\n"
    )
    assert texts(document, nodes.emphasis) == ["word"]
    assert texts(document, nodes.strong) == ["strong words"]
    assert texts(document, nodes.literal) == ["kpa.cooperative"]
    references = find(document, nodes.reference)
    assert [(r.astext(), r["refuri"]) for r in references] == [
        ("the docs", "https://example.org/docs"),
        ("https://example.org", "https://example.org"),
    ]
    paragraph = find(document, nodes.paragraph)[0]
    assert paragraph.astext() == (
        "A word, strong words, kpa.cooperative, the docs and https://example.org."
    )


def test_markup_touching_a_letter_keeps_the_letter():
    text = convert("the `kpa.rule`s and **in**side and x`y`\n")
    assert "``kpa.rule``\\ s" in text
    assert "**in**\\ side" in text
    assert "x\\ ``y``" in text
    document = usage("the `kpa.rule`s and **in**side and x`y`\n")
    assert find(document, nodes.paragraph)[0].astext() == (
        "the kpa.rules and inside and xy"
    )
    assert texts(document, nodes.literal) == ["kpa.rule", "y"]


def test_emphasis_across_lines():
    document = usage(
        "Go to *KPA-Cité > Network >\nCooperatives > New* and **save\nit**.\n"
    )
    assert [" ".join(t.split()) for t in texts(document, nodes.emphasis)] == [
        "KPA-Cité > Network > Cooperatives > New"
    ]
    assert [" ".join(t.split()) for t in texts(document, nodes.strong)] == ["save it"]


def test_plain_text_stays_plain():
    """What reStructuredText would read as markup, a reference or a
    substitution is escaped: the reader sees the characters."""
    markdown = (
        "snake_case, name_, 2 * 3, a |b| c, \\*not emphasis\\*, `` a`b ``, "
        "a back\\\\slash, [1]_, 5 &lt; 6 &amp; AT&T and _private.\n"
    )
    document = usage(markdown)
    assert find(document, nodes.emphasis) == []
    assert find(document, nodes.reference) == []
    assert find(document, nodes.substitution_reference) == []
    assert find(document, nodes.footnote_reference) == []
    assert texts(document, nodes.literal) == ["a`b"]
    assert find(document, nodes.paragraph)[0].astext() == (
        "snake_case, name_, 2 * 3, a |b| c, *not emphasis*, a`b, "
        "a back\\slash, [1]_, 5 < 6 & AT&T and _private."
    )


def test_intraword_underscores_are_not_emphasis():
    document = usage("the field kpa_cooperative_id and a__b__c stay.\n")
    assert find(document, nodes.emphasis) == []
    assert find(document, nodes.strong) == []
    assert find(document, nodes.paragraph)[0].astext() == (
        "the field kpa_cooperative_id and a__b__c stay."
    )


def test_links_of_a_fragment_are_seen_from_the_module():
    """readme/ links work on GitHub from readme/; README.rst is one folder up."""
    document = usage(
        "[schema](../static/schema/accounts.schema.json), [notes](notes.md), "
        "[top](#usage), [mail](mailto:a@example.org), <b@example.org> and "
        "[`code` in a link](https://example.org/a_)\n"
    )
    assert [r["refuri"] for r in find(document, nodes.reference)] == [
        "static/schema/accounts.schema.json",
        "readme/notes.md",
        "#usage",
        "mailto:a@example.org",
        "mailto:b@example.org",
        "https://example.org/a_",
    ]
    assert texts(document, nodes.reference)[-1] == "code in a link"


def test_paragraph_that_looks_like_a_list_stays_a_paragraph():
    document = usage(
        "A. Einstein wrote it.\n\n(b) is not a list either.\n\n"
        ".. is not a comment\n\n:field: is not a field list\n\nSee this::\n"
    )
    assert find(document, nodes.enumerated_list) == []
    assert find(document, nodes.field_list) == []
    assert find(document, nodes.comment) == []
    assert find(document, nodes.literal_block) == []
    assert texts(document, nodes.paragraph) == [
        "A. Einstein wrote it.",
        "(b) is not a list either.",
        ".. is not a comment",
        ":field: is not a field list",
        "See this::",
    ]


# === BLOCKS === #


def test_headings_are_subsections_of_the_fragment_section():
    text = convert("## Selling\n\nText.\n\n### Details\n\nMore.\n")
    assert "Selling\n-------" in text
    assert "Details\n~~~~~~~" in text
    document = usage("## Selling\n\nText.\n\n### Details\n\nMore.\n")
    usage_section = find(document, nodes.section)[0]
    assert usage_section[0].astext() == "Usage"
    selling = usage_section[1]
    assert selling[0].astext() == "Selling"
    assert selling[2][0].astext() == "Details"


def test_nested_lists():
    document = usage(
        """\
        1. **Host structures.** Each host structure is a company.
        2. **Roles.** Give each person a role:

           - *Member*: reads their cooperatives;
           - *Coordinator*: manages them,
             and their page;

        3. **Activities.** Lazy
        continuation line.
        4. Last.
        """
    )
    ordered = find(document, nodes.enumerated_list)
    assert len(ordered) == 1 and ordered[0]["enumtype"] == "arabic"
    items = ordered[0].children
    assert [item[0].astext().split(".")[0] for item in items] == [
        "Host structures",
        "Roles",
        "Activities",
        "Last",
    ]
    nested = items[1][1]
    assert isinstance(nested, nodes.bullet_list)
    assert [" ".join(item.astext().split()) for item in nested.children] == [
        "Member: reads their cooperatives;",
        "Coordinator: manages them, and their page;",
    ]
    assert " ".join(items[2].astext().split()) == (
        "Activities. Lazy continuation line."
    )


def test_numbered_list_keeps_its_start_and_numbers_in_order():
    text = convert("3. three\n3. four\n3. five\n")
    assert text == "3. three\n4. four\n5. five"
    assert find(usage("3. three\n3. four\n"), nodes.enumerated_list)[0]["start"] == 3


def test_tight_list_stays_tight_and_loose_list_stays_loose():
    assert convert("- a\n- b\n  on two lines\n- c\n") == "- a\n- b\n  on two lines\n- c"
    assert convert("- a\n\n- b\n") == "- a\n\n- b"
    document = usage("- a\n- b\n\n  second paragraph of b\n- c\n")
    items = find(document, nodes.bullet_list)[0].children
    assert [len(item.children) for item in items] == [1, 2, 1]


def test_pipe_table():
    document = usage(
        """\
        | route | what |
        |---|:---:|
        | `/cooperatives/<slug>` | its page |
        | `a\\|b` | 2 * 3, missing cell |
        | short |
        """
    )
    table = find(document, nodes.table)[0]
    rows = [
        [entry.astext() for entry in row.children] for row in table.findall(nodes.row)
    ]
    assert rows == [
        ["route", "what"],
        ["/cooperatives/<slug>", "its page"],
        ["a|b", "2 * 3, missing cell"],
        ["short", ""],
    ]
    assert len(find(table, nodes.thead)[0].children) == 1
    assert texts(table, nodes.literal) == ["/cooperatives/<slug>", "a|b"]


def test_table_cell_that_starts_like_a_list():
    document = usage(
        "| account | amount |\n|---|---|\n| host | + fee |\n| coop | - fee |\n"
    )
    assert find(document, nodes.bullet_list) == []
    assert [r[1].astext() for r in find(document, nodes.row)[1:]] == ["+ fee", "- fee"]


def test_fenced_code_blocks():
    markdown = """\
        Verify:

        ```python
        import json

        print(json.dumps({"a": 1}))
        ```

        - in a list:

          ```sh
          ./kpa readme
          ```

        ~~~
        plain *text* `here`
        ~~~
        """
    text = convert(markdown)
    assert ".. code:: python\n\n   import json\n\n   print(" in text
    document = usage(markdown)
    blocks = find(document, nodes.literal_block)
    assert [block.astext() for block in blocks] == [
        'import json\n\nprint(json.dumps({"a": 1}))',
        "./kpa readme",
        "plain *text* `here`",
    ]
    assert blocks[0]["classes"] == ["code", "python"]
    assert blocks[1]["classes"] == ["code", "sh"]
    assert isinstance(blocks[1].parent, nodes.list_item)


@pytest.mark.parametrize(
    "markdown, line, message",
    [
        ("Text.\n\n> quoted\n", 3, "block quotes"),
        ("1. set (*Website > Configuration\n   > Settings*)\n", 2, "block quotes"),
        ("<div>html</div>\n", 1, "HTML"),
        ("Title\n=====\n", 2, "setext headings"),
        ("Text.\n\n    indented code\n", 3, "indented code blocks"),
        ("Text.\n\n---\n", 3, "thematic breaks"),
        ("See ![the logo](logo.png).\n", 1, "images"),
        ("```python\nprint(1)\n", 1, "no closing ```"),
        ("# Usage\n", 1, "headings start at ##"),
        ("| a | b |\n|---|---|\n", 1, "at least one row"),
    ],
)
def test_markdown_it_does_not_convert_is_refused_with_its_line(markdown, line, message):
    with pytest.raises(readme.ReadmeError) as error:
        convert(markdown)
    assert str(error.value).startswith(f"kpa_x/readme/USAGE.md:{line}: ")
    assert message in str(error.value)


def test_description_has_no_heading():
    with pytest.raises(readme.ReadmeError, match="DESCRIPTION.md has no heading"):
        convert("Text.\n\n## Section\n", fragment="DESCRIPTION")


# === README.rst OF AN ADD-ON === #


MANIFEST = {
    "name": "KPA-Cité: example",
    "version": "18.0.1.0.0",
    "author": "KPA-Cité, Someone Else",
    "maintainers": ["kpa-cite"],
    "website": "https://github.com/kpa-cite/kpa-odoo",
    "license": "AGPL-3",
    "development_status": "Beta",
}


def make_addon(addons, name="kpa_example", manifest=None, **fragments):
    module = addons / name
    (module / "readme").mkdir(parents=True)
    (module / "__manifest__.py").write_text(repr(dict(MANIFEST, **(manifest or {}))))
    for fragment, text in fragments.items():
        (module / "readme" / f"{fragment}.md").write_text(textwrap.dedent(text))
    return module


def test_readme_of_an_addon(tmp_path):
    module = make_addon(
        tmp_path,
        DESCRIPTION="What it does, for whom.\n",
        USAGE="## First steps\n\nDo this.\n",
        CONFIGURE="- Set that.\n",
        CONTEXT="Why it is so.\n",
        ROADMAP="Later.\n",
        CONTRIBUTORS="- Nadia\n",
    )
    text = readme.build(module)
    assert text.startswith("=================\nKPA-Cité: example\n=================\n")
    assert text.endswith("\n") and not text.endswith("\n\n")
    document = doctree(text)
    assert document["title"] == "KPA-Cité: example"
    assert badges(document) == [
        "https://img.shields.io/badge/maturity-Beta-yellow.png",
        "https://img.shields.io/badge/licence-AGPL--3-blue.png",
    ]
    top = [s for s in document.children if isinstance(s, nodes.section)]
    assert [s[0].astext() for s in top] == [
        "Use Cases / Context",
        "Configuration",
        "Usage",
        "Known issues / Roadmap",
        "Credits",
    ]
    credits = [s[0].astext() for s in top[-1].children if isinstance(s, nodes.section)]
    assert credits == ["Authors", "Contributors", "Maintainers"]
    assert texts(top[-1], nodes.list_item)[:2] == ["KPA-Cité", "Someone Else"]
    assert "This module is maintained by KPA-Cité, Someone Else" in top[-1].astext()
    # The description comes first, then the table of contents.
    paragraphs = texts(document, nodes.paragraph)
    assert paragraphs.index("What it does, for whom.") < paragraphs.index(
        "Table of contents"
    )
    assert len(find(document, nodes.topic)) == 1  # .. contents::


def test_alpha_addon_says_so(tmp_path):
    module = make_addon(
        tmp_path,
        manifest={"development_status": "Alpha", "license": "LGPL-3"},
        DESCRIPTION="Early.\n",
    )
    document = doctree(readme.build(module))
    assert len(find(document, nodes.important)) == 1
    assert badges(document) == [
        "https://img.shields.io/badge/maturity-Alpha-red.png",
        "https://img.shields.io/badge/licence-LGPL--3-blue.png",
    ]


def test_command_writes_then_checks(tmp_path, capsys):
    addons = tmp_path / "addons"
    module = make_addon(addons, DESCRIPTION="First text.\n")
    assert readme.main(["--check", "--addons", str(addons)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "readme: addons/kpa_example/README.rst is missing: run ./kpa readme"
    ]
    assert readme.main(["--addons", str(addons)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "readme: addons/kpa_example/README.rst written",
        "readme: 1 README.rst written or up to date, read by docutils without a "
        "warning",
    ]
    assert readme.main(["--check", "--addons", str(addons)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "readme: 1 README.rst up to date, read by docutils without a warning"
    ]
    assert readme.main(["--addons", str(addons)]) == 0  # nothing to write
    assert "written\n" not in capsys.readouterr().out
    (module / "readme" / "DESCRIPTION.md").write_text("Second text.\n")
    assert readme.main(["--check", "--addons", str(addons)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "readme: addons/kpa_example/README.rst is not what its readme/*.md and "
        "manifest give: run ./kpa readme"
    ]
    assert (
        "First text." in (module / "README.rst").read_text()
    )  # --check writes nothing


@pytest.mark.parametrize(
    "fragments, message",
    [
        ({}, "addons/kpa_example/readme/DESCRIPTION.md is missing"),
        (
            {"DESCRIPTION": "Text.\n", "NOTES": "Other.\n"},
            "addons/kpa_example/readme/NOTES.md is not a readme fragment",
        ),
        (
            {"DESCRIPTION": "Text.\n", "USAGE": "Fine.\n\n> not this\n"},
            "addons/kpa_example/readme/USAGE.md:3: block quotes (>) are not converted",
        ),
    ],
)
def test_command_says_what_is_wrong_in_one_line(tmp_path, capsys, fragments, message):
    addons = tmp_path / "addons"
    make_addon(addons, **fragments)
    assert readme.main(["--check", "--addons", str(addons)]) == 1
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 1 and errors[0].startswith(f"readme: {message}")


def test_command_reports_what_docutils_reports(tmp_path, capsys):
    addons = tmp_path / "addons"
    make_addon(addons, DESCRIPTION="Text.\n", USAGE="```nosuchlanguage\nx\n```\n")
    assert readme.main(["--addons", str(addons)]) == 1
    errors = capsys.readouterr().err
    assert "addons/kpa_example/README.rst:" in errors
    assert "nosuchlanguage" in errors


def test_non_installable_and_unknown_addons(tmp_path, capsys):
    addons = tmp_path / "addons"
    make_addon(addons, DESCRIPTION="Text.\n")
    make_addon(addons, "kpa_old", manifest={"installable": False})
    (addons / "not_a_module").mkdir()
    assert [m.name for m in readme.find_modules(addons)] == ["kpa_example"]
    assert readme.main(["--addons", str(addons), "kpa_nope"]) == 2
    assert "kpa_nope: not an installable add-on" in capsys.readouterr().err


# === THE REPOSITORY === #


def test_every_addon_readme_is_what_its_fragments_give(capsys):
    """The same check as ./kpa lint: a README.rst edited by hand, or fragments
    changed without ./kpa readme, fail here."""
    assert readme.main(["--check"]) == 0, capsys.readouterr().err


def test_rst2html_reads_every_addon_readme_without_a_warning():
    rst2html = Path(sys.executable).parent / "rst2html.py"
    for module in readme.find_modules(ROOT / "addons"):
        result = subprocess.run(
            [
                sys.executable,
                str(rst2html),
                "--halt=warning",
                "--no-raw",
                "--no-file-insertion",
                str(module / "README.rst"),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0 and not result.stderr, (
            module.name,
            result.stderr,
        )


def test_docker_commands_install_and_test_every_addon():
    """The README's Docker commands name the add-ons ./kpa installs (its
    MODULES): adding an add-on without saying so there fails here."""
    kpa = load("kpa_tool_for_readme", ROOT / "tools" / "kpa.py")
    text = (ROOT / "README.md").read_text()
    docker = text[text.index("## Docker") :]
    installs = re.findall(r"odoo -d kpa(?:_test)? -i (\S+)", docker)
    tags = re.findall(r"--test-tags (\S+)", docker)
    modules = set(kpa.MODULES)
    lists = [set(i.split(",")) for i in installs if "kpa_" in i]
    assert lists, "no Docker command installs the add-ons"
    for found in lists:
        assert {m for m in found if m.startswith("kpa_")} == modules, found
    assert tags, "no Docker command runs the tests"
    for tag in tags:
        assert {t.strip("/") for t in tag.split(",")} == modules, tag
