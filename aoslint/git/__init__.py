"""Git access for the git check family: batched facts, never one call per item.

Checks load the facts once per run with :meth:`aoslint.git.facts.GitFacts.load`
and ask questions; every answer is tri-state and carries an
:class:`~aoslint.git.model.Issue` when git could not decide. ``command`` is the
one place that starts git; ``parse`` reads its output; ``model`` holds the
answer types; ``gate`` and ``lines`` follow checklists and added lines.
"""
