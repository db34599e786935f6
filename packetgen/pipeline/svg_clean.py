"""SVG photos, rebuilt from an allowlist so no script can run and no external reference can load.

An SVG is a program as much as a picture: it can hold scripts, event handlers, HTML in
``foreignObject``, animations that rewrite links, and references (``href``, ``url()``, ``@import``)
that make a viewer fetch other files or the network. A browser showing an SVG through ``<img>``
runs none of that, but the PDF renderer and anyone who opens the embedded image on its own may.

Why an allowlist we keep, not a library: no maintained Python library sanitizes SVG (bleach is
deprecated and nh3 handles HTML only), and rasterizing would need a new native dependency.
Photos need only shapes, text, gradients, clipping and simple filters, so the copy made here keeps
exactly those elements, drops every other element with its content, drops every event attribute,
every attribute from another namespace, every element linking to anything but a fragment of the
same image (``#id``), and every style or attribute value using a CSS function outside a short list, or
``url()`` to anything but ``#id``. Documents with a DOCTYPE are refused (no entities, so no
entity-expansion bomb and no external entity). Comments and processing instructions are dropped.
``<style>`` blocks and embedded raster ``<image>`` elements are dropped too: a photo that needs
them should be saved as PNG or JPEG instead.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

ELEMENTS = frozenset(
    {
        "svg",
        "g",
        "defs",
        "title",
        "desc",
        "symbol",
        "use",
        "marker",
        "path",
        "rect",
        "circle",
        "ellipse",
        "line",
        "polyline",
        "polygon",
        "text",
        "tspan",
        "linearGradient",
        "radialGradient",
        "stop",
        "clipPath",
        "mask",
        "pattern",
        "filter",
        "feGaussianBlur",
        "feOffset",
        "feBlend",
        "feColorMatrix",
        "feComposite",
        "feFlood",
        "feMerge",
        "feMergeNode",
        "feMorphology",
        "feDropShadow",
    }
)
"""What a drawing or traced photo needs. Not here, so dropped: script, style, foreignObject,
image, a, animate, set, feImage, iframe, and anything in another namespace (editor metadata)."""

CSS_FUNCTIONS = frozenset(
    {
        "url",
        "rgb",
        "rgba",
        "hsl",
        "hsla",
        "calc",
        "matrix",
        "translate",
        "translatex",
        "translatey",
        "scale",
        "rotate",
        "skewx",
        "skewy",
    }
)
"""Functions a style or attribute value may call; ``url`` only to ``#id`` (see ``_value_safe``)."""

_FUNCTION = re.compile(r"([a-zA-Z_-][\w-]*)\s*\(")
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)


class SvgRefused(Exception):
    """An SVG that cannot be cleaned. An empty message means 'not an SVG image at all'."""


def clean_svg(data: bytes) -> bytes:
    """A copy of the SVG ``data`` holding only allowlisted elements and safe attributes."""
    lowered = data.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise SvgRefused("SVG image with a document type declaration: export it again as plain SVG")
    try:
        root = ET.fromstring(data)
    except (ET.ParseError, ValueError):
        raise SvgRefused("") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise SvgRefused("")
    try:
        clean = _copy(root)
    except RecursionError:
        raise SvgRefused("SVG image nested too deeply: export it again, or save the photo as PNG or JPEG") from None
    assert clean is not None
    clean.set("xmlns", SVG_NS)
    return "".join(_serialize(clean)).encode("utf-8")


def _copy(element: ET.Element) -> ET.Element | None:
    """The element with its safe attributes and allowed children, or None if it is not allowed."""
    if not isinstance(element.tag, str) or not element.tag.startswith(f"{{{SVG_NS}}}"):
        return None
    if element.tag.split("}", 1)[1] not in ELEMENTS:
        return None
    attributes = _attributes(element.attrib)
    if attributes is None:
        return None
    copy = ET.Element(element.tag, attributes)
    copy.text = element.text
    for child in element:
        kept = _copy(child)
        if kept is not None:
            kept.tail = child.tail
            copy.append(kept)
    return copy


def _serialize(element: ET.Element) -> list[str]:
    """Markup for a cleaned tree: every element is SVG (written unprefixed), attributes plain or xml:."""
    name = element.tag.split("}", 1)[1]
    attributes = "".join(
        f" {key.replace('{' + XML_NS + '}', 'xml:')}={quoteattr(value)}" for key, value in element.attrib.items()
    )
    out = [f"<{name}{attributes}>", escape(element.text or "")]
    for child in element:
        out += _serialize(child)
        out.append(escape(child.tail or ""))
    out.append(f"</{name}>")
    return out


def _attributes(attrib: dict[str, str]) -> dict[str, str] | None:
    """The safe attributes; None when the element links outside the image (it must go entirely)."""
    kept = {}
    for name, value in attrib.items():
        namespace, _, local = name[1:].partition("}") if name.startswith("{") else ("", "", name)
        if namespace == XLINK_NS and local == "href":
            name = "href"
        elif namespace == XML_NS:
            pass
        elif namespace or local.lower().startswith("on"):
            continue
        if local == "href" and not value.strip().startswith("#"):
            return None
        if _value_safe(value):
            kept[name] = value
    return kept


def _value_safe(value: str) -> bool:
    """No CSS escapes or at-rules, only listed functions, and ``url()`` only to ``#id``."""
    if "\\" in value or "@" in value:
        return False
    if any(name.lower() not in CSS_FUNCTIONS for name in _FUNCTION.findall(value)):
        return False
    targets = _URL.findall(value)
    if len(targets) != value.lower().count("url("):
        return False  # a url( the pattern cannot read: refuse rather than guess
    return all(target.strip().startswith("#") for _, target in targets)
