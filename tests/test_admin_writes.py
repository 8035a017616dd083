"""The platform administrator's changes in the Django admin are audited use cases."""

import re

from django.urls import reverse

from peerstod.accounts.models import Membership
from peerstod.accounts.roles import Role
from peerstod.core.models import AuditEvent


def test_an_admin_change_to_a_role_leaves_an_audit_row_naming_the_fields(client, world, login):
    membership = Membership.objects.get(user=world.users["peer"], role=Role.PEER_SUPPORTER)
    login(world.users["admin"])
    url = reverse("admin:accounts_membership_change", args=[membership.pk])
    response = client.post(
        url,
        {
            "user": membership.user_id,
            "role": membership.role,
            "organisation": membership.organisation_id,
            "unit": membership.unit_id,
            "valid_from": membership.valid_from.isoformat(),
            "valid_to": "2030-01-31",
        },
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.valid_to.isoformat() == "2030-01-31"
    event = AuditEvent.objects.get(action="core.admin.changed")
    assert event.actor == world.users["admin"]
    assert event.detail["model"] == "accounts.membership"
    assert "valid_to" in event.detail["fields"]


def test_an_admin_deletion_is_audited_with_what_was_deleted(client, world, login):
    membership = Membership.objects.get(user=world.users["evaluator"])
    login(world.users["admin"])
    url = reverse("admin:accounts_membership_delete", args=[membership.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    event = AuditEvent.objects.get(action="core.admin.deleted")
    assert event.detail == {"model": "accounts.membership", "ref": str(membership.pk), "fields": []}


def test_the_admin_setting_a_password_goes_through_the_audited_service(client, world, login):
    user = world.users["trainer"]
    login(world.users["admin"])
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    new = "ett annat långt lösenord 77"
    response = client.post(url, {"password1": new, "password2": new, "usable_password": "true"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    event = AuditEvent.objects.get(action="accounts.user.password_changed")
    assert event.actor == world.users["admin"]


def test_the_admins_audit_list_shows_actions_and_objects_in_words_not_codes(client, world, login):
    login(world.users["admin"])
    client.get(reverse("orgs:organisation", args=[world.region_a.code]))  # an audited read
    listing = visible_text(client.get(reverse("admin:core_auditevent_changelist")))
    assert "Medlemmar visade" in listing
    assert "accounts.members.viewed" not in listing
    assert "orgs.organisation" not in listing
    event = AuditEvent.objects.exclude(object_type="").first()
    detail = visible_text(client.get(reverse("admin:core_auditevent_change", args=[event.pk])))
    assert event.action not in detail
    assert event.object_type not in detail


def visible_text(response) -> str:
    """What the page shows: its text without tags and attributes (links keep codes)."""
    return re.sub(r"<[^>]+>", " ", response.content.decode())
