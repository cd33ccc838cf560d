"""Grading: nbgrader autograde made right for notebooks as learners hand them in.

- `cli`: the grade command (`python -m helpers.grade`, helpers/grade.py starts it)
- `autograde`: a throwaway nbgrader course that grades submissions (`TempCourse`, `Report`)
- `cells`: what each cell is to nbgrader (answer, test, setup), read in one place
- `nbgrader_plugins`: the preprocessors nbgrader_config.py installs (roles restored, the kernel
  guarded, stderr and final values not read as failures)
- `kernel_guard`: runs inside the grading kernel, putting back what answer cells changed
- `answer_scan`: constructs in answers that a person should look at
- `submission_check`: what is wrong with a notebook before it is graded, in plain words
- `isolated_kernel`: a kernel that cannot read the hidden tests or the gradebook
- `grade_export`: grades as CSV with a column of flags (`nbgrader export`)

Learners never import this package: its modules import nbgrader.
"""
