"""packetgen: crisis information packets from one YAML profile per person."""

__version__ = "0.1.0"
