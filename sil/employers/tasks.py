"""Background work of the employers app (procrastinate): invitations of employer users."""

from __future__ import annotations

import logging

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from sil.employers.models import EmployerMembership

logger = logging.getLogger(__name__)


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


def send_invitation_now(membership_id: int) -> bool:
    """Send the invitation e-mail; False when the membership no longer exists."""
    membership = (
        EmployerMembership.objects.select_related("user", "employer")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "membership": membership,
            "link": invitation_link(membership),
            "region": settings.SIL_REGION_NAME,
        }
        subject = " ".join(
            render_to_string("employers/email/invitation_subject.txt", context).split()
        )
        body = render_to_string("employers/email/invitation.txt", context)
    send_mail(subject, body, None, [membership.user.email])
    return True


@app.task(
    name="sil.employers.send_invitation",
    queue="notifications",
    retry=RetryStrategy(max_attempts=8, exponential_wait=30),
)
def send_invitation(membership_id: int) -> bool:
    sent = send_invitation_now(membership_id)
    logger.info("send_invitation membership=%s sent=%s", membership_id, sent)
    return sent
