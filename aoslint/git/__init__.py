"""Git access for the git check family: batched facts, never one call per item.

Checks load the facts once per run with :meth:`aoslint.git.facts.GitFacts.load`
and ask questions; every answer is tri-state and carries an
:class:`~aoslint.git.model.Issue` when git could not decide. ``GitFacts`` joins
three layers over one loaded state: ``history`` (commits, renames, what touched
a path), ``upstream`` (pushed, on HEAD) and ``diffs`` (added lines, new
checklist entries). ``command`` is the one place that starts git; ``parse``
reads its output; ``model`` holds the answer types; ``gate`` and ``lines``
follow checklists and added lines; ``proof`` turns facts into a file's proof.
"""
