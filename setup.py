"""The package build compiles the Swedish catalogue, so a wheel or an sdist installed
with plain `pip install` serves the Swedish UI (no Makefile, no system gettext). The
sdist carries the compiled catalogue too, beside its source."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist


def compile_catalogues() -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in Path("peerstod/locale").glob("*/LC_MESSAGES/django.po"):
        with po.open("rb") as source:
            catalogue = read_po(source, locale=po.parts[-3])
        with po.with_suffix(".mo").open("wb") as target:
            write_mo(target, catalogue)


class BuildWithCatalogues(build_py):
    def run(self):
        compile_catalogues()
        super().run()


class SdistWithCatalogues(sdist):
    def run(self):
        compile_catalogues()
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogues, "sdist": SdistWithCatalogues})
