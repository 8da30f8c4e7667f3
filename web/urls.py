from django.urls import path

from .views import (
    account,
    attachments,
    case,
    contacts,
    freshness,
    inbound,
    macros,
    portal,
    privacy,
    public,
    queues,
    saved_views,
    search,
)

app_name = "web"

urlpatterns = [
    path("buscar/", search.search, name="search"),
    path("casos/", queues.queue, name="queue"),
    path("casos/masivo/", queues.bulk_action, name="bulk"),
    path("casos/vistas/", saved_views.saved_view_save, name="saved_view_save"),
    path("casos/vistas/<int:view_id>/", saved_views.saved_view_open, name="saved_view"),
    path(
        "casos/vistas/<int:view_id>/eliminar/",
        saved_views.saved_view_remove,
        name="saved_view_delete",
    ),
    path(
        "casos/vistas/<int:view_id>/compartir/",
        saved_views.saved_view_share_page,
        name="saved_view_share",
    ),
    path("casos/<str:folio>/", case.case_detail, name="case"),
    path("casos/<str:folio>/accion/", case.case_action, name="case_action"),
    path("casos/<str:folio>/comentarios/", case.case_comment, name="case_comment"),
    path("casos/<str:folio>/adjuntos/", case.case_attachment_upload, name="case_attachment"),
    path(
        "casos/<str:folio>/adjuntos/<int:attachment_id>/",
        case.case_attachment_download,
        name="case_attachment_download",
    ),
    path(
        "casos/<str:folio>/adjuntos/<int:attachment_id>/vista/",
        attachments.case_attachment_preview,
        name="case_attachment_preview",
    ),
    path("casos/<str:folio>/version/", freshness.case_version, name="case_version"),
    path("casos/<str:folio>/macros/", macros.case_macro, name="case_macro"),
    path("casos/<str:folio>/contacto/", case.case_contact_reveal, name="case_contact"),
    path(
        "casos/<str:folio>/identidad-reservada/",
        privacy.case_sealed_identity,
        name="case_sealed_identity",
    ),
    path("casos/<str:folio>/arco/exportar/", privacy.case_arco_export, name="case_arco_export"),
    path("integridad/concesiones/", privacy.sealed_role_grants, name="sealed_role_grants"),
    path("contactos/duplicados/", contacts.contact_duplicates_page, name="contact_duplicates"),
    path(
        "contactos/<int:source_id>/combinar/<int:target_id>/",
        contacts.contact_merge_page,
        name="contact_merge",
    ),
    path("contactos/<int:pk>/historial/", contacts.contact_history_page, name="contact_history"),
    path("correo/", inbound.inbound_queue, name="inbound_queue"),
    path("correo/<int:message_id>/", inbound.inbound_message, name="inbound_message"),
    path(
        "correo/<int:message_id>/crear-caso/",
        inbound.inbound_create_case,
        name="inbound_create_case",
    ),
    path("correo/<int:message_id>/agregar/", inbound.inbound_attach, name="inbound_attach"),
    path("correo/<int:message_id>/descartar/", inbound.inbound_discard, name="inbound_discard"),
    path(
        "correo/<int:message_id>/adjuntos/<int:index>/",
        inbound.inbound_attachment_download,
        name="inbound_attachment",
    ),
    path("consulta/", public.public_status, name="public_status"),
    path("presentar/", portal.portal, name="portal"),
    path("presentar/confirmar/<str:token>/", portal.portal_confirm, name="portal_confirm"),
    path("cuenta/contrasena/", account.PasswordChangeView.as_view(), name="password_change"),
    path(
        "cuenta/contrasena/lista/",
        account.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
