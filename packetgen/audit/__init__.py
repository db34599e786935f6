"""Quality audit: is case manager coordination actually happening, and improving?

The case manager article's governance example asks leaders to sample records and check that
updates were timely, complete and followed through, which gaps repeat, and whether updates improve
over time; the partnership article asks for commissioner-ready evidence. This package answers those
questions from the records packetgen already holds, reusing ``pipeline.rules`` for every trigger and gate
(there is no second implementation of the rules here).

Privacy: the audit is a service-wide view. It reports ids, dates, types, counts and the names of
missing fields, never event or profile free text, so nothing ``internal`` or unconsented can reach
it. People appear as id and initials unless ``identified`` is set.
"""
