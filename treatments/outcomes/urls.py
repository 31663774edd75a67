from django.urls import path

from treatments.outcomes import views

urlpatterns = []

# Answering a questionnaire (typed in, on the clinic's tablet, through an emailed link).
urlpatterns += [
    path("courses/<int:pk>/measures/<int:measure_pk>/answer/", views.answer_typed,
         name="measure-answer"),
    path("courses/<int:pk>/measures/<int:measure_pk>/kiosk/", views.open_kiosk,
         name="measure-kiosk"),
    path("courses/<int:pk>/measures/<int:measure_pk>/email/", views.email_link,
         name="measure-email"),
    path("answer/thanks/", views.answer_thanks, name="answer-thanks"),
    path("answer/<str:token>/", views.answer, name="answer"),
]  # fmt: skip
