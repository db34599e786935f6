"""Files packetgen ships and reads: templates, styles and fonts, the example project.

They are read through ``importlib.resources`` (the wheel maps the repository's top-level
``templates/`` and ``styles/`` into the package as ``packetgen.templates`` and
``packetgen.styles``), so an installed packetgen works from any folder and an editable install
reads the checkout's own files.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

PACKAGES = {"templates": "packetgen.templates", "styles": "packetgen.styles", "skeleton": "packetgen.skeleton"}


@cache
def shipped(name: str) -> Path:
    """The folder of shipped files called ``name`` (templates, styles, skeleton), as a real path:
    WeasyPrint and Jinja read files by name, and packetgen is never installed zipped."""
    folder = resources.files(PACKAGES[name])
    path = Path(str(folder))
    if not path.is_dir():
        raise RuntimeError(f"packetgen is installed without its {name} folder: reinstall it with pip")
    return path
