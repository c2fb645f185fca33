"""The invitation e-mail of employer users, sent through the notifications outbox.

The kind is registered in `EmployersConfig.ready()` with its templates in
employers/messages/invitation/; one message per membership (topic ``employer:<pk>``).
"""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.urls import reverse

from sil.employers.models import EmployerMembership
from sil.notifications.messages import compose, enqueue
from sil.notifications.models import OutboxMessage

KIND = "employers.invitation"
TEMPLATES = "employers/messages/invitation"


def invitation_link(membership: EmployerMembership) -> str:
    """Where the invited user goes: set a password (new account) or simply sign in."""
    user = membership.user
    if user.has_usable_password():
        path = reverse("account_login")
    else:
        path = reverse(
            "account_reset_password_from_key",
            kwargs={
                "uidb36": user_pk_to_url_str(user),
                "key": default_token_generator.make_token(user),
            },
        )
    return settings.SITE_URL.rstrip("/") + path


def queue_invitation(membership: EmployerMembership) -> OutboxMessage:
    """Put the invitation in the outbox (inside the caller's transaction) and keep its row on
    the membership: the firm's page shows whether it went out."""
    context = {
        "membership": membership,
        "link": invitation_link(membership),
        "region": settings.SIL_REGION_NAME,
    }
    spec = compose(
        KIND,
        channel="email",
        recipient=membership.user.email,
        topic=f"employer:{membership.employer_id}",
        step=f"invitation:{membership.pk}",
        context=context,
    )
    (outbox,) = enqueue([spec])
    if membership.invitation_id != outbox.pk:
        membership.invitation = outbox
        membership.save(update_fields=["invitation"])
    return outbox
