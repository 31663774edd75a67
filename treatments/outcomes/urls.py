from django.urls import path

from treatments.outcomes import course_views

urlpatterns = [
    path("courses/<int:pk>/questionnaires/", course_views.course_measures, name="course-measures"),
    path("courses/<int:pk>/discharge/", course_views.discharge_summary, name="discharge-summary"),
]
