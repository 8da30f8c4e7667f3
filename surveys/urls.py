from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("gracias/", views.survey_thanks_view, name="thanks"),
    path("<str:token>/", views.survey_answer_view, name="answer"),
]
