"""The SAML tests need the `xmlsec1` program (pysaml2 signs and verifies with it).
Outside CI a machine without it skips them with the reason; in CI (CI=true) its absence
fails them, so CI never skips (`.ci/run` installs Debian's xmlsec1)."""

import os
import shutil

import pytest


def require_xmlsec1() -> None:
    if shutil.which("xmlsec1"):
        return
    message = "xmlsec1 not found: apt-get install xmlsec1"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)
