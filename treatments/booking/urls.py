from django.urls import include, path

from treatments.booking import views

urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("day-sheet/", views.day_sheet, name="day-sheet"),
    path(
        "day-sheet/visits/<int:pk>/check-in/", views.day_sheet_check_in, name="day-sheet-check-in"
    ),
    path("day-sheet/visits/<int:pk>/no-show/", views.day_sheet_no_show, name="day-sheet-no-show"),
    path("book/", views.book, name="book"),
    path("book/series/<int:pk>/", views.series_results, name="series-results"),
    path("book/series/<int:pk>/accept/", views.series_accept, name="series-accept"),
    path("book/series/<int:pk>/finish/", views.series_finish, name="series-finish"),
    path("visits/<int:pk>/move/", views.visit_move, name="visit-move"),
    path("visits/<int:pk>/cancel/", views.visit_cancel, name="visit-cancel"),
    path("visits/<int:pk>/restore/", views.visit_restore, name="visit-restore"),
    path("visits/<int:pk>/attended/", views.visit_attended, name="visit-attended"),
    path("visits/<int:pk>/no-show/", views.visit_no_show, name="visit-no-show"),
    path("visits/<int:pk>/undo/", views.visit_undo, name="visit-undo"),
    path("", include("treatments.booking.requests.urls")),
]
