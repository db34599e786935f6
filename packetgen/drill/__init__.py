"""Drills: time how fast a fact is found in the responder packet, record it, and report it.

The partnership-review article asks for "a test of whether the information can be found quickly
during a drill". A drill shows the person's real responder packet (rendered through the same
select stage, for the emergency-responders audience, so consent still holds), asks where a fact
is, and times the answer. Each ``data-field`` attribute in the packet template is an answer key.

Plain functions in pipeline order, a module each: ``questions`` (the bank) -> ``page`` (the timed
page and the paper drill) -> ``results`` (parsing what comes back) -> ``log`` (the drill log) ->
``report`` (statistics and the report page). File output goes through ``output.write_atomic``;
nothing here prints.
"""
