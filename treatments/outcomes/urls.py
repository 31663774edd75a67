from django.urls import path

from treatments.outcomes import answer_views, course_views, results_views

# A course's questionnaires and its discharge summary.
urlpatterns = [
    path("courses/<int:pk>/questionnaires/", course_views.course_measures, name="course-measures"),
    path("courses/<int:pk>/discharge/", course_views.discharge_summary, name="discharge-summary"),
    path("answers/<int:pk>/correct/", course_views.correct_response, name="response-correct"),
]

# Answering a questionnaire (typed in, on the clinic's tablet, through an emailed link).
urlpatterns += [
    path("courses/<int:pk>/measures/<int:measure_pk>/answer/", answer_views.answer_typed,
         name="measure-answer"),
    path("courses/<int:pk>/measures/<int:measure_pk>/kiosk/", answer_views.open_kiosk,
         name="measure-kiosk"),
    path("courses/<int:pk>/measures/<int:measure_pk>/email/", answer_views.email_link,
         name="measure-email"),
    path("answer/thanks/", answer_views.answer_thanks, name="answer-thanks"),
    path("answer/<str:token>/", answer_views.answer, name="answer"),
]  # fmt: skip

# The clinic's results.
urlpatterns += [
    path("results/", results_views.results, name="results"),
    path("results/export.csv", results_views.results_csv, name="results-csv"),
]
