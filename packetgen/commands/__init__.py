"""The command line, one module per family of commands (as MkDocs keeps ``commands/``): options
shared by all, then build/watch, check/status/explain, project set-up, drills, the audit, printed
copies. ``packetgen/cli.py`` only groups them."""
