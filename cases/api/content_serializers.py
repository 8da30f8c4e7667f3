"""Shapes of a case's timeline, comments and attachments (SPEC §8).

`AttachmentOutputSerializer` reads ``request`` and ``folio`` from its context to build the
download link.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..events import Actor
from ..limits import COMMENT_MAX_LENGTH
from ..models import Attachment, CaseEvent, Comment
from ..services.citizen import CITIZEN_AUTHOR


def _actor_label(user: Any, client: Any) -> str:
    return Actor(user=user, client=client).label


class EventOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="created, routed, assigned, status_changed, …")
    at = serializers.DateTimeField()
    actor = serializers.SerializerMethodField(
        help_text="user:<usuario>, client:<sistema> o system."
    )
    data = serializers.DictField()  # type: ignore[assignment]

    def get_actor(self, event: CaseEvent) -> str:
        return _actor_label(event.actor_user, event.actor_client)


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=COMMENT_MAX_LENGTH)
    public = serializers.BooleanField(
        required=False, help_text="Visible para el ciudadano; por omisión, interno."
    )


class CommentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    body = serializers.CharField()
    public = serializers.BooleanField()
    author = serializers.SerializerMethodField(
        help_text="user:<usuario>, client:<sistema> o ciudadano (su respuesta en la consulta)."
    )
    created_at = serializers.DateTimeField()

    def get_author(self, comment: Comment) -> str:
        if comment.by_citizen:
            return CITIZEN_AUTHOR
        return _actor_label(comment.author_user, comment.author_client)


@extend_schema_field(OpenApiTypes.BINARY)
class BinaryFileField(serializers.FileField):
    """A FileField documented as `format: binary`, so multipart clients send bytes."""


class AttachmentInputSerializer(serializers.Serializer):
    file = BinaryFileField(allow_empty_file=True, use_url=False)


class AttachmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField(help_text="Tipo reconocido por el contenido.")
    size = serializers.IntegerField(help_text="Bytes.")
    sha256 = serializers.CharField()
    created_at = serializers.DateTimeField()
    download_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, attachment: Attachment) -> str:
        path = reverse("case-attachment-download", args=[self.context["folio"], attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path
