"""The second step of signing in: a 6-digit code from an authenticator app (TOTP).

ims_clinic.middleware.TwoStepSignIn sends staff here after the password. A lost phone is
reset by a clinic admin, who removes the device in the admin; the next sign-in sets up anew.
"""

from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ims_clinic import audit
from ims_clinic.forms import TwoStepCodeForm
from ims_clinic.middleware import two_step_required


@login_required
def verify(request):
    """Ask for the code from the app set up earlier."""
    if request.user.is_verified():
        return redirect(onward(request))
    device = TOTPDevice.objects.devices_for_user(request.user, confirmed=True).last()
    if device is None:
        if two_step_required(request.user):
            return redirect_keeping_next("two-factor-setup", request)
        return redirect(onward(request))
    form = TwoStepCodeForm(posted(request), user=request.user, device=device)
    if form.is_valid():
        sign_in_with(request, form.verified_device)
        audit.record(request, audit.Action.SIGNED_IN, detail="Two-step code accepted")
        return redirect(onward(request))
    if form.is_bound:
        audit.record(request, audit.Action.SIGN_IN_FAILED, detail="Wrong two-step code")
    context = {"form": form, "next": next_url(request), "two_step_pending": True}
    status = 429 if form.throttled else 200
    return render(request, "registration/two_step_verify.html", context, status=status)


@login_required
def set_up(request):
    """Show a new secret key as a QR code, and turn it on once the app gives a right code."""
    if TOTPDevice.objects.devices_for_user(request.user, confirmed=True).exists():
        return redirect_keeping_next("two-factor-verify", request)
    # The same key until it is confirmed, so reloading the page does not break a scan.
    device = TOTPDevice.objects.devices_for_user(request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=request.user, name="Authenticator app", confirmed=False
        )
    form = TwoStepCodeForm(posted(request), user=request.user, device=device)
    if form.is_valid():
        device = form.verified_device
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        sign_in_with(request, device)
        audit.record(request, audit.Action.SIGNED_IN, detail="Two-step sign-in turned on")
        messages.success(
            request, gettext("Two-step sign-in is on. Sign-ins now ask for the app's code.")
        )
        return redirect(onward(request))
    context = {
        "form": form,
        "next": next_url(request),
        "two_step_pending": True,
        "qr_code": qr_code_svg(device),
        "secret_key": secret_key(device),
    }
    status = 429 if form.throttled else 200
    return render(request, "registration/two_step_set_up.html", context, status=status)


def sign_in_with(request, device: TOTPDevice) -> None:
    request.session.cycle_key()  # a new session id for the fully signed-in session
    otp_login(request, device)


def next_url(request) -> str:
    """Where the user was going, if it is on this site."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if safe else ""


def onward(request) -> str:
    return next_url(request) or "staff-home"


def redirect_keeping_next(url_name: str, request):
    url = reverse(url_name)
    if next_url(request):
        url += "?" + urlencode({"next": next_url(request)})
    return redirect(url)


def secret_key(device: TOTPDevice) -> str:
    """The key in groups of four letters, for typing into an app that cannot scan."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The app's set-up link as an inline SVG: no script, no style attribute, no data: URL."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=4, omitsize=True, svgclass="qr-code", light="#fff",
        title=gettext("QR code for your authenticator app"),
    )  # fmt: skip
    # Safe: segno writes the markup itself and escapes the title; the link is only in the squares.
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308  # nosec


def posted(request):
    """The submitted form, or None for a GET (an empty POST still counts as submitted)."""
    return request.POST if request.method == "POST" else None
