"""The published JSON Schema, generated from the same model the code validates with."""

from __future__ import annotations

import json
from pathlib import Path

from .model import Profile

SCHEMA_PATH = Path("schema") / "profile.schema.json"


def profile_schema_text() -> str:
    schema = Profile.model_json_schema()
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "title": "packetgen person profile", **schema}
    return json.dumps(schema, indent=2, sort_keys=False) + "\n"
