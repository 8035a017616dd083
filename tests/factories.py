"""Factories for the foundation's models. Tests build their world through these."""

from datetime import date

import factory

from peerstod.accounts.models import Membership, User
from peerstod.orgs.models import Agreement, Organisation, OrganisationKind, Unit, UnitKind


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Region {n}")
    kind = OrganisationKind.REGION

    @factory.post_generation
    def set_root(obj, create, extracted, **kwargs):
        root = obj.parent.root if obj.parent_id else obj
        if obj.root_id != root.pk:
            obj.root = root
            obj.save(update_fields=["root"])


class NetworkFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Nätverk {n}")
    kind = OrganisationKind.NETWORK


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Avdelning {n}")
    kind = UnitKind.FORENSIC
    place = "Varberg"


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    network = factory.SubFactory(NetworkFactory)
    principal = factory.SubFactory(OrganisationFactory)
    starts_on = date(2020, 1, 1)
    ends_on = None


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Användare {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    valid_from = date(2020, 1, 1)
