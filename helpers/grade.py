"""`python -m helpers.grade`: the learners' grading command; helpers.grading.cli does the work.

python -m helpers.grade 01          your copy of exercise 01, graded with its hidden tests
python -m helpers.grade --all       every exercise, a progress table
"""

import sys

if __name__ == "__main__":
    # Where rfc3987-syntax is installed (Jupyter pulls it in), jsonschema compiles an IRI grammar
    # when nbformat imports it: about a second of every self-grade. Notebook schemas use no IRI
    # formats, so this command goes without it. Only this process, and only before that import.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # None: "absent"

    from helpers.grading.cli import main

    sys.exit(main())
