from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from ims_clinic import audit_views, two_factor
from ims_clinic.forms import StaffAuthenticationForm
from ims_clinic.views import health, ready, staff_home, staff_menu

# Lazy: the heading is read per request, in the language of the page.
admin.site.site_header = lazy(
    lambda: gettext("%(clinic)s administration") % {"clinic": settings.CLINIC_NAME}, str
)()
admin.site.site_title = settings.CLINIC_NAME

handler403 = "ims_clinic.views.permission_denied"

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=StaffAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", two_factor.verify, name="two-factor-verify"),
    path("accounts/two-factor/set-up/", two_factor.set_up, name="two-factor-setup"),
    path("health/", health, name="health"),
    # The language switcher on every page posts here, and Django's view keeps the choice in a
    # cookie. No CSRF token: public pages are cached whole and shared by every visitor, so they
    # cannot carry one; a forged post could change only the language a page is shown in.
    path("language/", csrf_exempt(set_language), name="set_language"),
    path("ready/", ready, name="ready"),
    path("admin/", admin.site.urls),
    path("staff/", staff_home, name="staff-home"),
    path("staff/menu/", staff_menu, name="staff-menu"),
    path("staff/", include(audit_views.urlpatterns)),
    path("patients/", include("patients.urls")),
    path("treatments/", include("treatments.urls")),
    path("", include("content.urls")),
]
