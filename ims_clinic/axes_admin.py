"""django-axes' list of failed sign-ins, with its clean-up action mended.

Registered in place of axes' own by ImsClinicConfig.ready(), once the admin has found every
app's admin module.
"""

from axes import admin as axes_admin
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    @admin.action(description=_("Clean up expired attempts"))
    def cleanup_expired_attempts(self, request, queryset):
        # axes reads the time of the attempt from what its sign-in handlers put on the request;
        # an admin page's request has none, and the action failed every time it was run.
        AxesProxyHandler.update_request(request)
        return super().cleanup_expired_attempts(request, queryset)


def register() -> None:
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, AccessAttemptAdmin)
