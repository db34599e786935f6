"""Footer stage: mark the running page footer as a PDF/UA pagination artifact while the PDF is written.

WeasyPrint tags the text of page-margin boxes (our footer, repeated on every page) with marked
content ids but leaves their structure elements out of the tag tree (its comment: an Artifact
element in the tree is PDF 2.0 only). PDF/UA-1 wants every piece of content either in the tree or
an artifact, and a repeated footer is a pagination artifact: screen readers should not read it on
every page, and text extraction then starts with the page's first real fact. So every
marked-content sequence whose element is not reachable from the tree is opened as
``/Artifact <</Type /Pagination /Subtype /Footer>>`` instead, and its ParentTree entry is dropped.

This runs as WeasyPrint's ``finisher``: on the PDF's objects just before they are serialized, so
the written bytes are never parsed again. (Done afterwards with pikepdf, opening and saving each
PDF cost 6-8 ms; here it is a walk over objects already in memory.) Only pydyf's public objects
are read: ``PDF.catalog``, ``PDF.objects``, ``Dictionary``, ``Array`` and ``Stream.stream``.
"""

from __future__ import annotations

from typing import Any

import pydyf


def _number(reference: Any) -> int | None:
    """The object number of an indirect reference as pydyf writes one (``b"12 0 R"``), else None."""
    if isinstance(reference, bytes) and reference.endswith(b" R"):
        return int(reference.split()[0])
    return None


def _object(pdf: pydyf.PDF, reference: Any) -> Any:
    number = _number(reference)
    return pdf.objects[number] if number is not None else reference


def _reachable(pdf: pydyf.PDF, root: pydyf.Dictionary) -> set[int]:
    """Object numbers of every structure element reachable from the tag tree's root."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        kids = stack.pop().get("K")
        for kid in kids if isinstance(kids, list) else [kids]:
            number = _number(kid)
            if number is None or number in seen:
                continue
            element = pdf.objects[number]
            if isinstance(element, pydyf.Dictionary) and element.get("Type") == "/StructElem":
                seen.add(number)
                stack.append(element)
    return seen


def _open_as_artifacts(stream: pydyf.Stream, orphans: set[int]) -> None:
    """Each ``/Tag <</MCID n>> BDC`` in ``stream`` whose n is an orphan becomes a footer artifact."""
    operators = stream.stream
    for i in range(1, len(operators) - 1):
        properties = operators[i]
        if isinstance(properties, dict) and properties.get("MCID") in orphans and operators[i + 1] == b"BDC":
            operators[i - 1] = "/Artifact"
            operators[i] = pydyf.Dictionary({"Type": "/Pagination", "Subtype": "/Footer"})


def mark_footer(document: object, pdf: pydyf.PDF) -> None:
    """WeasyPrint finisher: the footer's marked content becomes an artifact (see the module's docstring)."""
    root = _object(pdf, pdf.catalog.get("StructTreeRoot"))
    if not isinstance(root, pydyf.Dictionary):
        return
    nums = _object(pdf, root["ParentTree"])["Nums"]
    mappings = {nums[i]: nums[i + 1] for i in range(0, len(nums), 2) if isinstance(nums[i + 1], list)}
    reachable = _reachable(pdf, root)
    for page_number in pdf.pages["Kids"][::3]:
        page = pdf.objects[page_number]
        mapping = mappings.get(page.get("StructParents"))
        if mapping is None:
            continue
        orphans = {mcid for mcid, element in enumerate(mapping) if _number(element) not in reachable}
        if not orphans:
            continue
        _open_as_artifacts(_object(pdf, page["Contents"]), orphans)
        for mcid in orphans:
            mapping[mcid] = b"null"
