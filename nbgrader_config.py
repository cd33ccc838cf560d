"""nbgrader settings for the course: `solutions/` holds the sources, `exercises/` the student versions.

Instructors: set `course_id` and the exchange for your class (see docs/instructors.md).
"""

c = get_config()  # noqa: F821 (nbgrader provides get_config)

c.CourseDirectory.course_id = "async-python-hands-on"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "*.py"]

# What a learner sees in place of each solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# A cell that hangs must cost its own part, not the whole notebook: tests bound student code with
# helpers.within(); the cell timeout is the last net, and an iopub timeout must not abort the run.
c.Execute.timeout = 30
c.Execute.interrupt_on_timeout = True
c.Execute.raise_on_iopub_timeout = False
# Kernels talk to the grader over loopback TCP and would warn about it on every start.
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"]

# A learner who deletes a test cell gets it back, with its points at stake.
c.OverwriteCells.add_missing_cells = True

# Verdicts that hold for notebooks as learners hand them in (helpers/grading/nbgrader_plugins.py): cell
# roles put back, the kernel reset before each test, runaways contained within a budget, and a
# test cell scored by its errors alone (not by stderr, nor by a value it ends with).
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "helpers.grading.nbgrader_plugins.RestoreCellRoles",
    "helpers.grading.nbgrader_plugins.FlagSuspiciousAnswers",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.Autograde.autograde_preprocessors = [
    "helpers.grading.nbgrader_plugins.GuardedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "helpers.grading.nbgrader_plugins.ScoreByErrorsOnly",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.GuardedExecute.budget = 240  # seconds per notebook
c.GuardedExecute.memory_limit = 4096  # MiB of address space per kernel
# The export adds a column of what the grader noticed in each submission (tampering suspected,
# cell roles restored, a kernel that died).
c.ExportApp.plugin_class = "helpers.grading.grade_export.FlaggedCsvExport"
