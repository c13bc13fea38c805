#!/usr/bin/python3
"""Every script under scripts/ runs under any python3 that has what it needs and otherwise says,
on one line and with exit code 2, which Debian package to install: run here under a python3 whose
path hides numpy (-S drops site-packages) or a stub package that fails to import."""
import glob, os, shutil, subprocess, unittest

import sweep_testlib as lib

# Scripts that import only the standard library: they must run even under -S.
STDLIB_ONLY = {"fidelity_error.py", "validation_table.py"}
# Plot scripts belong to the figures work (issue 15): the lead adds the guard
#     from cslib.requires import require  # noqa: E402
#     require("plot.py", "numpy", "matplotlib", "scipy.stats")
# after their sys.path line, then empties this set.
GUARD_PENDING = set()


def run(args, env=None):
    return subprocess.run([lib.PYTHON] + args, capture_output=True, text=True,
                          env=dict(os.environ, **(env or {})), timeout=120)


def message(script, module, package, python=lib.PYTHON):
    """The one line; Debian's own python3 is not told to run under itself."""
    return (f"error: {script} needs the Python module {module}, which {python} cannot import: install the Debian "
            f"package {package} (apt-get install {package})"
            f"{'' if python == '/usr/bin/python3' else ' and run it with /usr/bin/python3'}\n")


class Requires(lib.TempDirTest):
    def stub(self, module):
        """A folder whose `module` package fails to import as a missing one does."""
        d = os.path.join(self.tmp, f"hide_{module}", module)
        os.makedirs(d)
        with open(os.path.join(d, "__init__.py"), "w") as f:
            f.write(f"raise ModuleNotFoundError(\"No module named '{module}'\", name=\"{module}\")\n")
        return os.path.dirname(d)

    def test_every_script_without_site_packages(self):
        scripts = sorted(os.path.basename(p) for p in glob.glob(os.path.join(lib.SCRIPTS, "*.py")))
        self.assertIn("sweep.py", scripts)
        for script in scripts:
            with self.subTest(script):
                if script in GUARD_PENDING:
                    continue
                done = run(["-S", os.path.join(lib.SCRIPTS, script), "--help"])
                if script in STDLIB_ONLY:
                    self.assertEqual(done.returncode, 0, done.stderr)
                else:
                    self.assertEqual((done.returncode, done.stderr), (2, message(script, "numpy", "python3-numpy")))
                    self.assertEqual(done.stdout, "")

    def test_scipy_hidden(self):
        hidden = self.stub("scipy")
        for script in ("sweep.py", "compare.py"):
            done = run([os.path.join(lib.SCRIPTS, script), "--help"], {"PYTHONPATH": hidden})
            self.assertEqual((done.returncode, done.stderr), (2, message(script, "scipy", "python3-scipy")))

    def test_matplotlib_hidden(self):
        code = "import sys; sys.path.insert(0, sys.argv[1]); from cslib.requires import require; " \
               "require('plot.py', 'numpy', 'matplotlib', 'scipy.stats'); print('unreached')"
        done = run(["-c", code, lib.SCRIPTS], {"PYTHONPATH": self.stub("matplotlib")})
        self.assertEqual((done.returncode, done.stdout, done.stderr),
                         (2, "", message("plot.py", "matplotlib", "python3-matplotlib")))

    def test_another_python3_is_sent_to_debians(self):
        """A python3 other than Debian's (here a copy of its binary elsewhere, as a pyenv or venv
        interpreter is) is also told to run the script with /usr/bin/python3."""
        other = os.path.join(self.tmp, "python3")
        shutil.copy(os.path.realpath(lib.PYTHON), other)
        done = subprocess.run([other, "-S", os.path.join(lib.SCRIPTS, "compare.py"), "--help"], capture_output=True,
                              text=True, timeout=120)
        self.assertEqual((done.returncode, done.stderr), (2, message("compare.py", "numpy", "python3-numpy", other)))
        self.assertTrue(done.stderr.endswith(" and run it with /usr/bin/python3\n"))

    def test_with_the_packages_the_scripts_run(self):
        for script in ("sweep.py", "compare.py"):
            done = run([os.path.join(lib.SCRIPTS, script), "--help"])
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertIn("usage:", done.stdout)

    def test_grid_sweep_is_folded_into_sweep(self):
        self.assertFalse(os.path.exists(os.path.join(lib.SCRIPTS, "grid_sweep.py")))


if __name__ == "__main__":
    lib.main()
