"""``aoslint report``: a static incident dashboard built from a check run.

``incidents`` groups the run's documents into incidents, ``metrics`` computes
the figures, ``charts`` draws them as inline SVG, ``pages`` renders the HTML
and ``output`` writes the folder without touching anything else.
"""
