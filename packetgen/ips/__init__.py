"""FHIR International Patient Summary in and out: ``packetgen import ips`` and ``packetgen export ips``.

One stage per module: ``bundle`` (read and validate a document bundle), ``mapin`` and ``vitals``
(bundle -> profile facts), ``merge`` (facts -> changes to an existing profile, or a draft),
``yamlfile`` (round-trip YAML, written atomically), ``mapout`` and ``narrative`` (a consent
selection -> bundle), ``export`` (the file and its manifest)."""
