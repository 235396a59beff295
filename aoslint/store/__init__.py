"""What a run keeps for the next one, behind one seam.

:mod:`aoslint.store.seam` says what the runner asks of a store (look a
document's analysis up, record one, the repository's other documents for the
cross-document checks, finish); :mod:`aoslint.store.result_store` keeps them
in the result cache (:mod:`aoslint.store.cache`), with the repository index
(:mod:`aoslint.store.index`), the remembered scan (:mod:`aoslint.discovery.rescan`)
and the schema memo (:mod:`aoslint.store.memo`). ``--no-cache`` runs with
:class:`~aoslint.store.seam.NoStore`, which keeps nothing.
"""
