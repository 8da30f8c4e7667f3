from django.urls import path

from . import content_views, public_views, views

urlpatterns = [
    path(
        "public/cases/<str:folio>/",
        public_views.PublicCaseStatusApi.as_view(),
        name="public-case-status",
    ),
    path(
        "public/cases/<str:folio>/comments/",
        public_views.PublicCaseReplyApi.as_view(),
        name="public-case-reply",
    ),
    path("cases/", views.CaseCollectionApi.as_view(), name="case-list"),
    path("cases/<str:folio>/", views.CaseDetailApi.as_view(), name="case-detail"),
    path(
        "cases/<str:folio>/transitions/",
        views.CaseTransitionApi.as_view(),
        name="case-transition",
    ),
    path("cases/<str:folio>/events/", content_views.CaseEventsApi.as_view(), name="case-events"),
    path(
        "cases/<str:folio>/comments/",
        content_views.CaseCommentsApi.as_view(),
        name="case-comments",
    ),
    path(
        "cases/<str:folio>/attachments/",
        content_views.CaseAttachmentsApi.as_view(),
        name="case-attachments",
    ),
    path(
        "cases/<str:folio>/attachments/<int:attachment_id>/",
        content_views.CaseAttachmentDownloadApi.as_view(),
        name="case-attachment-download",
    ),
]
