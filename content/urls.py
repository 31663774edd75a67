from django.urls import path

from content import views

app_name = "content"

urlpatterns = [
    path("", views.home, name="home"),
    path("ims/", views.page_list, name="page-list"),
    path("ims/search/", views.search, name="search"),
    path("ims/<slug:slug>/", views.page_detail, name="page-detail"),
]
