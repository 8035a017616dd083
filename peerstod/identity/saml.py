"""The SAML 2.0 service provider, through djangosaml2 (on pysaml2).

One service provider for the whole platform; every active SAML provider's metadata is
loaded into it, so one assertion consumer service serves every organisation. The
configuration is built per request (`SAML_CONFIG_LOADER`) from the database, so a
provider added by the platform administrator needs no restart.

Responses and assertions must be signed by the provider (`want_response_signed`,
`want_assertions_signed`); pysaml2 checks the signature against the certificate in the
provider's metadata with the `xmlsec1` program.
"""

from __future__ import annotations

import shutil

import saml2
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from saml2.config import SPConfig
from saml2.saml import NAMEID_FORMAT_UNSPECIFIED

from peerstod.core import links
from peerstod.identity.models import Protocol
from peerstod.identity.selectors import active_providers


def xmlsec_binary() -> str | None:
    return settings.SAML_XMLSEC_BINARY or shutil.which("xmlsec1")


def site_url() -> str:
    return links.site_url()


def sp_entity_id() -> str:
    return settings.SAML_SP_ENTITY_ID or site_url() + reverse("identity:saml_metadata")


def config_loader(request: HttpRequest | None = None) -> SPConfig:
    """djangosaml2's `SAML_CONFIG_LOADER`: the service provider with every provider."""
    metadata = [
        p.metadata_xml
        for p in active_providers().filter(protocol=Protocol.SAML).exclude(metadata_xml="")
    ]
    return sp_config(metadata)


def sp_config(metadata: list[str]) -> SPConfig:
    """The service provider, trusting the identity providers whose metadata is given."""
    base = site_url()
    signing = bool(settings.SAML_SP_KEY_FILE and settings.SAML_SP_CERT_FILE)
    config: dict = {
        "entityid": sp_entity_id(),
        "xmlsec_binary": xmlsec_binary(),
        "allow_unknown_attributes": True,
        "metadata": {"inline": metadata},
        "service": {
            "sp": {
                "name": "Peerstöd",
                "name_id_format": [NAMEID_FORMAT_UNSPECIFIED],
                "endpoints": {
                    "assertion_consumer_service": [
                        (base + reverse("identity:saml_acs"), saml2.BINDING_HTTP_POST),
                    ],
                    "single_logout_service": [
                        (base + reverse("identity:saml_ls"), saml2.BINDING_HTTP_REDIRECT),
                        (base + reverse("identity:saml_ls_post"), saml2.BINDING_HTTP_POST),
                    ],
                },
                "allow_unsolicited": False,
                "authn_requests_signed": signing,
                "logout_requests_signed": signing,
                "want_response_signed": True,
                "want_assertions_signed": True,
                "want_assertions_or_response_signed": True,
                "only_use_keys_in_metadata": True,
            }
        },
        "accepted_time_diff": 60,
    }
    if not config["xmlsec_binary"]:
        config.pop("xmlsec_binary")
    if signing:
        config["key_file"] = settings.SAML_SP_KEY_FILE
        config["cert_file"] = settings.SAML_SP_CERT_FILE
        config["encryption_keypairs"] = [
            {"key_file": settings.SAML_SP_KEY_FILE, "cert_file": settings.SAML_SP_CERT_FILE}
        ]
    conf = SPConfig()
    conf.load(config)
    return conf


def first_value(attributes: dict, name: str) -> str | None:
    """The first value of an attribute, by its name or friendly name (pysaml2's `ava`)."""
    values = attributes.get(name)
    if values is None:
        lowered = {key.lower(): value for key, value in attributes.items()}
        values = lowered.get(name.lower())
    if not values:
        return None
    return str(values[0] if isinstance(values, list | tuple) else values)
