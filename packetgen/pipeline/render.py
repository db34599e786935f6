"""Render stage: a selection -> HTML text. No file output here.

Autoescape is on for every template and undefined names fail loudly (StrictUndefined): a typo in
a template must break the build, not print an empty box on a responder sheet. Free text goes
through markdown-it-py with raw HTML and images disabled and links printed as text, so a profile
cannot inject markup, make the PDF renderer fetch anything, or put a live link on a sheet.
"""

from __future__ import annotations

import datetime as dt
import re
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, NamedTuple

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, UndefinedError
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import Markup

from packetgen.model.eif import VITALS
from packetgen.model.event import EVENT_TYPE_LABELS, ReturnChecklist
from packetgen.pipeline.dates import DEFAULT_DATE_STYLE, format_date
from packetgen.pipeline.gates import GAP_WITHOUT_OWNER, Gate
from packetgen.pipeline.page_plan import RISK_LISTS


def _links_as_text(state: StateCore) -> None:
    """Free text never becomes a link: ``[label](url)`` prints 'label (url)', ``<url>`` prints the URL.

    A link on a responder sheet is a thing to tap on a phone or click in a PDF, taking someone who
    is handling a crisis to a page packetgen has never seen (or to a look-alike); the address as text
    is still there to type if it is trusted. This holds for every document: no template makes a
    link from profile or event text, whatever the scheme (http, mailto, tel ...)."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        opened: list[tuple[str, bool]] = []
        for token in block.children:
            if token.type == "link_open":
                opened.append((str(token.attrGet("href") or ""), token.markup == "autolink"))
            elif token.type == "link_close":
                href, autolink = opened.pop() if opened else ("", True)
                if href and not autolink:
                    text = Token("text", "", 0)
                    text.content = f" ({href})"
                    children.append(text)
            else:
                children.append(token)
        block.children = children


_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")
_markdown.core.ruler.after("inline", "links_as_text", _links_as_text)


@lru_cache(maxsize=8192)
def markdown(text: str | None) -> Markup:
    """Render profile free text. Raw HTML is shown as text; images are not loaded.

    Memoized: the same text appears in several documents of a person and in both the screen and
    the print HTML, and markdown-it is most of the time of an HTML-only build."""
    return Markup(_markdown.render(text or ""))


@lru_cache(maxsize=8192)
def markdown_inline(text: str | None) -> Markup:
    """Like ``markdown`` but without the wrapping paragraph, for table cells and list items."""
    return Markup(_markdown.renderInline(text or ""))


def long_date(day: dt.date | str | None, style: str = DEFAULT_DATE_STYLE) -> str:
    """'3 Mar 2026' by default: unambiguous for US and non-US readers alike; a project may choose
    another style in packetgen.yml (``config.DATE_STYLES``). Accepts ISO text (cached data)."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return format_date(day, style) if day else "not set"


def long_time(moment: dt.datetime | str | None, style: str = DEFAULT_DATE_STYLE) -> str:
    """'2 Nov 2026, 19:40': the 24-hour clock, so no am/pm slip on a notification time.
    Accepts ISO text (cached index rows)."""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return f"{format_date(moment.date(), style)}, {moment:%H:%M}" if moment else "not recorded"


def event_type(key: str) -> str:
    return EVENT_TYPE_LABELS.get(key, key)


def tel_uri(number: str | None) -> str:
    """'(413) 555-0142 ext. 12' -> 'tel:413-555-0142;ext=12' (RFC 3966): digits, a leading + and
    dashes, so a tap on a phone dials it."""
    text = (number or "").strip()
    extension = re.search(r"\s*(?:ext\.?|x)\s*(\d+)\s*$", text, re.IGNORECASE)
    main = text[: extension.start()] if extension else text
    digits = "-".join(re.findall(r"\d+", main))
    plus = "+" if main.startswith("+") else ""
    return f"tel:{plus}{digits}" + (f";ext={extension.group(1)}" if extension else "")


def lower_first(text: str) -> str:
    """'Staff and care team' -> 'staff and care team', for a label used mid-sentence."""
    return text[:1].lower() + text[1:]


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class FormField(NamedTuple):
    """One written-in field of a form: its key in the record, its label, and the height of its box
    on the blank form (textarea rows)."""

    field: str
    label: str
    rows: int


RETURN_CHECKLIST_FIELDS = (
    FormField("current_risk", "Current risk", 3),
    FormField("recommended_actions", "Recommended support actions (next-shift instructions)", 4),
    FormField("warning_signs", "Warning signs to watch for", 3),
    FormField("follow_up_timing", "Follow-up timing: when, and who", 2),
)
"""The return-from-partner checklist's text fields, in form order (the crisis plan decision and
the supervisor's name have rows of their own)."""

if not {f.field for f in RETURN_CHECKLIST_FIELDS} <= set(ReturnChecklist.model_fields):
    raise ImportError("RETURN_CHECKLIST_FIELDS names a field ReturnChecklist does not have")


def gap_open(gates: Iterable[Gate], partner: int) -> bool:
    """True while partner number ``partner`` (from 0) has a communication gap without an action
    owner and validation date (``gates.GAP_WITHOUT_OWNER``): the form then prints those as missing,
    not as "not needed"."""
    return any(g.code == GAP_WITHOUT_OWNER and g.field[:2] == ("partners", partner) for g in gates)


@dataclass(frozen=True)
class Look:
    """What a Jinja environment is made from besides the templates' text: the folders they load
    from (a project's overrides first, then the shipped ones) and the project settings every page
    shows. Hashable and picklable, so worker processes make the same environment from it."""

    dirs: tuple[Path, ...]
    organization: tuple[str, str] | None = None
    """(name, phone) from packetgen.yml, printed in every document's footer."""
    date_style: str = DEFAULT_DATE_STYLE
    logo: str | None = None
    """The project's logo as a data: URI (checked and confined when the settings were read)."""


def make_environment(look: Look | Path) -> Environment:
    look = look if isinstance(look, Look) else Look((look,))
    env = Environment(
        loader=FileSystemLoader([str(folder) for folder in look.dirs]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown
    env.filters["md_inline"] = markdown_inline
    env.filters["long_date"] = partial(long_date, style=look.date_style)
    env.filters["long_time"] = partial(long_time, style=look.date_style)
    env.filters["event_type"] = event_type
    env.filters["tel_uri"] = tel_uri
    env.filters["lower_first"] = lower_first
    env.globals["age_on"] = age_on
    env.globals["risk_lists"] = RISK_LISTS
    env.globals["vitals_order"] = VITALS
    env.globals["return_checklist_fields"] = RETURN_CHECKLIST_FIELDS
    env.globals["gap_open"] = gap_open
    env.globals["look"] = look
    return env


def compile_all(env: Environment) -> None:
    """Compile every template ``env`` can find, ahead of forking worker processes: they inherit the
    compiled code instead of compiling again in each worker of each recycled pool (0.4 s a worker).
    A template that does not compile is left for the render to report, with its file and line."""
    for name in env.list_templates(extensions=["j2"]):
        try:
            env.get_template(name)
        except Exception:  # noqa: BLE001 - reported where it is rendered (TemplateFault)
            continue


def look_of(env: Environment) -> Look:
    """The ``Look`` an environment was made from (``make_environment`` keeps it in its globals)."""
    look = env.globals["look"]
    if not isinstance(look, Look):
        raise TypeError("environment not made by make_environment")
    return look


class TemplateFault(Exception):
    """A template that cannot be rendered: ``templates/<name>:<line>: what``, for the CLI to print.

    Raised instead of Jinja's own exception so the user sees the template file and line, not a
    traceback, and so it pickles across worker processes (plain string arguments only)."""

    def __str__(self) -> str:
        return str(self.args[0])


def template_fault(exc: TemplateError, template: str) -> TemplateFault:
    """Where in which template ``exc`` happened, in plain words."""
    name, line = getattr(exc, "name", None) or template, getattr(exc, "lineno", None)
    if isinstance(exc, UndefinedError):
        frames = [tb for tb in traceback.extract_tb(exc.__traceback__) if tb.filename.endswith(".j2")]
        if frames:
            name, line = Path(frames[-1].filename).name, frames[-1].lineno
            parent = Path(frames[-1].filename).parent.name
            name = f"{parent}/{name}" if parent == "partials" else name
        quoted = re.findall(r"'([^']*)'", exc.message or "")
        what = f"'{quoted[-1]}' is not defined here: check the spelling" if quoted else "a name is not defined"
    else:
        what = f"{exc.message or 'cannot be read'}: fix the template"
    where = f"templates/{name}" + (f":{line}" if line else "")
    return TemplateFault(f"{where}: template error: {what} (or remove your copy to use the shipped template)")


def render(env: Environment, template: str, context: dict[str, Any]) -> str:
    try:
        return env.get_template(template).render(**context)
    except TemplateError as exc:
        raise template_fault(exc, template) from None


_ENVIRONMENTS: dict[Look, Environment] = {}


def environment(look: Look | Path) -> Environment:
    """One Jinja environment per ``Look`` (templates folders and project settings) for the life of
    the process, so ``watch`` does not recompile every template on each save. Jinja re-reads a
    template whose file changed."""
    look = look if isinstance(look, Look) else Look((look,))
    if look not in _ENVIRONMENTS:
        _ENVIRONMENTS[look] = make_environment(look)
    return _ENVIRONMENTS[look]
