"""``aoslint new`` and ``aoslint init``: documents and configuration that start right.

One job per module: ``values`` turns user input into inert, validated values;
``ids`` formats and mints incident IDs; ``used`` finds the IDs already taken in
the working tree and on every branch; ``paths`` decides where a document goes;
``create`` writes it atomically and exclusively; ``prefill`` reads an incident
plan for a postmortem; ``render`` finds and renders the template (the only
module that imports Jinja2); ``new`` and ``init`` are the two commands.
Nothing here is imported by ``aoslint check``.
"""
