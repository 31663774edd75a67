from django.urls import path

from patients.online import care_views, views, visit_link_views

urlpatterns = [
    path("online/", views.sign_in, name="online-sign-in"),
    path("online/link-sent/", views.link_sent, name="online-link-sent"),
    path("online/link/<str:token>/", views.open_link, name="online-link"),
    path("online/visits/", views.visits, name="online-visits"),
    path("online/visits/<int:pk>/calendar.ics", views.visit_calendar, name="online-visit-ics"),
    path("online/visits/<int:pk>/cancel/", views.cancel_visit, name="online-visit-cancel"),
    path("online/before-your-first-visit/", care_views.intake_form, name="online-intake"),
    path("online/home-plan/", care_views.home_plan_page, name="online-home-plan"),
    path("online/how-you-are-doing/", care_views.progress_page, name="online-progress"),
    # Opened from a reminder or aftercare email, without signing in.
    path("online/visit/<str:token>/", visit_link_views.visit_page, name="online-visit-link"),
    path(
        "online/visit/<str:token>/cancelled/",
        visit_link_views.visit_cancelled,
        name="online-visit-link-cancelled",
    ),
    path(
        "online/visit/<str:token>/calendar.ics",
        visit_link_views.visit_calendar,
        name="online-visit-link-ics",
    ),
    path("online/sign-out/", views.sign_out, name="online-sign-out"),
    path("<int:pk>/online-access/", views.online_access, name="online-access"),
]
