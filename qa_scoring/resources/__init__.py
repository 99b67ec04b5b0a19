"""Data files shipped inside the package: the built-in rubrics (``*.yaml``).

These files are the source of truth; ``rubrics/`` at the repository root holds byte-identical copies for users
to copy and edit (``tests/unit/test_rubric.py`` keeps them in sync). Load them with
:meth:`qa_scoring.rubric.Rubric.load`.
"""
