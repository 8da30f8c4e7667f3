from django.urls import path

from . import views

urlpatterns = [
    path("channels/", views.ChannelListApi.as_view(), name="channel-list"),
    path("offices/", views.OfficeListApi.as_view(), name="office-list"),
    path("calendars/", views.CalendarListApi.as_view(), name="calendar-list"),
    path("calendars/<str:code>/", views.CalendarDetailApi.as_view(), name="calendar-detail"),
]
