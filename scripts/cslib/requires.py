"""The Python packages a script needs, checked before it imports anything else: run by a python3
that lacks one (a pyenv or virtualenv interpreter instead of Debian's), a script says on one
line which Debian package to install and exits 2, instead of a traceback halfway through.

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from cslib.requires import require  # noqa: E402
    require("plot.py", "numpy", "matplotlib", "scipy")

This module imports only the standard library, so it runs under any python3."""
import importlib, os, sys

DEBIAN_PYTHON = "/usr/bin/python3"

# Module -> the Debian package that provides it for /usr/bin/python3.
DEBIAN_PACKAGES = {"numpy": "python3-numpy", "scipy": "python3-scipy", "matplotlib": "python3-matplotlib"}


def missing(modules):
    """The first of `modules` (or of what they import: scipy needs numpy) that cannot be imported,
    as a top-level module name, or None."""
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError as e:
            name = (getattr(e, "name", None) or module).split(".")[0]
            return name if name in DEBIAN_PACKAGES else module.split(".")[0]
    return None


def require(script, *modules):
    """Exits 2 with one line naming the Debian package unless every module imports."""
    name = missing(modules)
    if name is None:
        return
    package = DEBIAN_PACKAGES.get(name, f"python3-{name}")
    # Debian's package serves Debian's interpreter: another python3 must hand over to it.
    debian = os.path.realpath(sys.executable) == os.path.realpath(DEBIAN_PYTHON)
    sys.stderr.write(f"error: {script} needs the Python module {name}, which {sys.executable} cannot import: "
                     f"install the Debian package {package} (apt-get install {package})"
                     f"{'' if debian else f' and run it with {DEBIAN_PYTHON}'}\n")
    sys.exit(2)
