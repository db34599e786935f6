"""Combine tagged PDFs into one, keeping it tagged PDF/UA-1 (pikepdf).

A print run is one PDF: separator sheets and documents, each rendered by WeasyPrint as its own
PDF/UA-1 file (``pdf.PdfRenderer``), some of them several times (the count of copies). Appending
pages alone would keep the text but drop every tag tree but none: a screen reader would find an
untagged file. So each part's structure is grafted in whole:

- the part's top ``Document`` element becomes a ``Part`` under the run's one ``Document``, in
  page order, so the reading order is the print order;
- each page's ``StructParents`` key and its ``ParentTree`` entry are renumbered into one tree
  (what ties every marked-content id on the page to its element); the footer stays an artifact
  (``footer.mark_footer`` already ran on each part);
- element ids (table headers) get a per-part prefix, and cells' ``Headers`` follow, so a second
  copy of the same crisis plan does not point at the first one's headers;
- the catalog gets ``/MarkInfo``, ``/Lang``, ``/DisplayDocTitle``, the title (info and XMP) and
  ``pdfuaid:part 1``, and an outline with one entry per bookmark.

Each part is opened separately (a copy of the same bytes too), so copies share no objects.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pikepdf
from pikepdf import Array, Dictionary, Name, String


def _kids(element: pikepdf.Object) -> list[pikepdf.Object]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _elements(element: pikepdf.Object) -> Iterator[pikepdf.Object]:
    """Every structure element under ``element`` (itself included)."""
    stack = [element]
    while stack:
        node = stack.pop()
        yield node
        stack += [kid for kid in _kids(node) if isinstance(kid, Dictionary) and "/S" in kid]


def _parent_tree(tree: pikepdf.Object) -> dict[int, pikepdf.Object]:
    """A number tree's leaves (WeasyPrint writes one flat /Nums; /Kids are read for safety)."""
    out: dict[int, pikepdf.Object] = {}
    stack = [tree.ParentTree] if "/ParentTree" in tree else []
    while stack:
        node = stack.pop()
        nums = node.get("/Nums", Array())
        out |= {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        stack += list(node.get("/Kids", Array()))
    return out


def _prefix_ids(top: pikepdf.Object, prefix: str) -> None:
    for element in _elements(top):
        if "/ID" in element:
            element.ID = String(prefix + str(element.ID))
        attributes = element.get("/A")
        for attribute in list(attributes) if isinstance(attributes, Array) else [attributes]:
            if isinstance(attribute, Dictionary) and "/Headers" in attribute:
                attribute.Headers = Array([String(prefix + str(h)) for h in attribute.Headers])


def _copied(out: pikepdf.Pdf, value: pikepdf.Object) -> pikepdf.Object:
    """A ParentTree value in ``out``: an element, or a page's direct array of elements (or nulls)."""
    if isinstance(value, Array) and not value.is_indirect:
        return Array(
            [
                out.copy_foreign(item) if isinstance(item, pikepdf.Object) and item.is_indirect else item
                for item in value
            ]
        )
    return out.copy_foreign(value)


def combine(parts: list[bytes], title: str, bookmarks: list[tuple[str, int]]) -> bytes:
    """One tagged PDF of ``parts`` in order; ``bookmarks`` are (title, 0-based page) outline entries."""
    out = pikepdf.new()
    document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
    tree = out.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=Array([document])))
    document.P = tree
    nums = Array()
    next_key = 0
    sources = []
    try:
        for index, data in enumerate(parts):
            source = pikepdf.open(io.BytesIO(data))
            sources.append(source)
            source_tree = source.Root.get("/StructTreeRoot")
            first = len(out.pages)
            for page in source.pages:
                out.pages.append(page)
            if source_tree is None:
                continue
            leaves = _parent_tree(source_tree)
            tops = _kids(source_tree)
            for top in tops:
                del top["/P"]  # so copying the element does not drag the part's own tree root along
            for top in tops:
                copied = out.copy_foreign(top)
                copied.P = document
                if copied.get("/S") == Name.Document:
                    copied.S = Name.Part
                _prefix_ids(copied, f"p{index}-")
                document.K.append(copied)
            for offset, page in enumerate(source.pages):
                target = out.pages[first + offset].obj
                holders: list[tuple[pikepdf.Object, pikepdf.Object, str]] = [(target, page.obj, "/StructParents")]
                holders += [
                    (mine, theirs, "/StructParent")
                    for mine, theirs in zip(
                        target.get("/Annots", Array()), page.obj.get("/Annots", Array()), strict=False
                    )
                ]
                for mine, theirs, key_name in holders:
                    key = theirs.get(key_name)
                    if key is None or int(key) not in leaves:
                        continue
                    mine[key_name] = next_key
                    nums.append(next_key)
                    nums.append(_copied(out, leaves[int(key)]))
                    next_key += 1
        tree.ParentTree = out.make_indirect(Dictionary(Nums=nums))
        tree.ParentTreeNextKey = next_key
        root = out.Root
        root.StructTreeRoot = tree
        root.MarkInfo = Dictionary(Marked=True)
        root.Lang = String("en")
        root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        out.docinfo[Name.Title] = String(title)
        out.docinfo[Name.Creator] = String("packetgen")
        with out.open_metadata(set_pikepdf_as_editor=False) as xmp:
            xmp["dc:title"] = title
            xmp["pdfuaid:part"] = "1"
            xmp["xmp:CreatorTool"] = "packetgen"
        with out.open_outline() as outline:
            outline.root.extend(pikepdf.OutlineItem(text, page) for text, page in bookmarks)
        buffer = io.BytesIO()
        # Object streams, as WeasyPrint writes: smaller, and pdfminer (pdfplumber) reads their nulls right.
        out.save(buffer, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return buffer.getvalue()
    finally:
        for source in sources:
            source.close()
