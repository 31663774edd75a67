from django.urls import path

from patients.online import booking_views, views

urlpatterns = [
    path("online/", views.sign_in, name="online-sign-in"),
    path("online/link-sent/", views.link_sent, name="online-link-sent"),
    path("online/link/<str:token>/", views.open_link, name="online-link"),
    path("online/visits/", views.visits, name="online-visits"),
    path("online/visits/<int:pk>/calendar.ics", views.visit_calendar, name="online-visit-ics"),
    path("online/visits/<int:pk>/cancel/", views.cancel_visit, name="online-visit-cancel"),
    path("online/book/", booking_views.book, name="online-book"),
    path("online/visits/<int:pk>/move/", booking_views.move_visit, name="online-visit-move"),
    path("online/sign-out/", views.sign_out, name="online-sign-out"),
    path("<int:pk>/online-access/", views.online_access, name="online-access"),
]
