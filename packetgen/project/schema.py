"""The published JSON Schemas, generated from the same models the code validates with."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from packetgen.model.event import Event
from packetgen.model.profile import Profile

SCHEMA_PATH = Path("schema") / "profile.schema.json"
EVENT_SCHEMA_PATH = Path("schema") / "event.schema.json"
SETTINGS_SCHEMA_PATH = Path("schema") / "packetgen.schema.json"


def _schema_text(model: type[BaseModel], title: str) -> str:
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, **model.model_json_schema()}
    return json.dumps(schema, indent=2, sort_keys=False) + "\n"


def profile_schema_text() -> str:
    return _schema_text(Profile, "packetgen person profile")


def event_schema_text() -> str:
    return _schema_text(Event, "packetgen event")


def schema_texts() -> dict[Path, str]:
    """Every schema file `packetgen schema` writes, by path relative to the project."""
    from packetgen.project.config import Settings  # config reads profiles' field types; this module is imported by few

    return {
        SCHEMA_PATH: profile_schema_text(),
        EVENT_SCHEMA_PATH: event_schema_text(),
        SETTINGS_SCHEMA_PATH: _schema_text(Settings, "packetgen project settings (packetgen.yml)"),
    }
