from django.urls import path

from patients.online import (
    booking_views,
    care_views,
    questionnaire_views,
    record_views,
    views,
    visit_link_views,
)

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
    path(
        "online/questionnaires/", questionnaire_views.questionnaires, name="online-questionnaires"
    ),
    path(
        "online/questionnaires/<int:pk>/<slug:occasion>/",
        questionnaire_views.answer_questionnaire,
        name="online-questionnaire-answer",
    ),
    path(
        "online/questionnaires/thanks/",
        questionnaire_views.questionnaire_thanks,
        name="online-questionnaire-thanks",
    ),
    path("online/record/", record_views.record, name="online-record"),
    path("online/record/my-record.html", record_views.record_file, name="online-record-file"),
    path(
        "online/record/my-answers.json", record_views.record_answers, name="online-record-answers"
    ),
    # Opened from a reminder or aftercare email, without signing in.
    path("online/visit/<str:token>/", visit_link_views.visit_page, name="online-visit-link"),
    path(
        "online/visit/<str:token>/move/", visit_link_views.visit_move, name="online-visit-link-move"
    ),
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
    path("online/book/", booking_views.book, name="online-book"),
    path("online/visits/<int:pk>/move/", booking_views.move_visit, name="online-visit-move"),
    path("online/sign-out/", views.sign_out, name="online-sign-out"),
    path("<int:pk>/online-access/", views.online_access, name="online-access"),
]
