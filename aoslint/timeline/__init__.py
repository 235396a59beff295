"""Timelines: reading a postmortem's times, durations and zones, and its timeline.

One package for one concern. :mod:`~aoslint.timeline.stamps`,
:mod:`~aoslint.timeline.zones` and :mod:`~aoslint.timeline.durations` turn
text into values; :mod:`~aoslint.timeline.extract` reads a document's rows
into the :mod:`~aoslint.timeline.model`; :mod:`~aoslint.timeline.labelled` and
:mod:`~aoslint.timeline.prose` find the durations a document states.

Timestamps come in a closed set of shapes (kit ``HH:MM UTC``, ISO 8601, 12-hour
clocks, month names), so each shape is a hand-written, anchored regular
expression whose numbers are validated by ``datetime``; a general parser such
as ``dateutil`` would accept ``15.26`` or ``1600`` and could not report the
span of a malformed attempt. Zones are resolved with the standard library's
``zoneinfo``, which needs the ``tzdata`` package where the system has no zone
database.

This file imports nothing: each reader imports the module it needs, so a run
loads only what it uses.
"""
