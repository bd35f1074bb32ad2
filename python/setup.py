"""setup.py: the sqlite_lance Python package (python/README.md).

    pip install ./python          (from the repository root, after `make`)

A plain setup.py and no pyproject.toml: Debian's pip then builds the package with
the setuptools and wheel already installed (python3-setuptools, python3-wheel)
instead of fetching them into an isolated build environment, so the install works
offline.  build/lance.so, when it exists, is copied into the package
(sqlite_lance/lance.so): the installed package then loads that copy.
"""
import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
BUILT = os.path.join(HERE, os.pardir, os.environ.get("SQLITE_LANCE_BUILD", "build"), "lance.so")


class BuildWithLibrary(build_py):
    """build_py that bundles the extension library next to the modules."""

    def run(self):
        super().run()
        if os.path.exists(BUILT):
            dest = os.path.join(self.build_lib, "sqlite_lance", "lance.so")
            shutil.copyfile(BUILT, dest)


setup(
    name="sqlite-lance",
    version="0.1.0",
    description="Lance datasets in SQLite: the extension loader, a PyTorch Dataset, checkpoints",
    packages=["sqlite_lance"],
    python_requires=">=3.9",
    cmdclass={"build_py": BuildWithLibrary},
    zip_safe=False,
)
