"""URLs of annotations, moderation, organisations and the open-data API."""

from django.urls import path

from annotations import api, views

urlpatterns = [
    path("kanttekeningen/nieuw/", views.annotation_new, name="annotation-new"),
    path("kanttekeningen/mijn/", views.my_annotations, name="annotations-mine"),
    path("kanttekeningen/<int:pk>/bewerken/", views.annotation_edit, name="annotation-edit"),
    path(
        "kanttekeningen/<int:pk>/intrekken/", views.annotation_withdraw, name="annotation-withdraw"
    ),
    path("kanttekeningen/<int:pk>/melden/", views.annotation_flag, name="annotation-flag"),
    path("moderatie/", views.moderation_queue, name="moderation-queue"),
    path("moderatie/<int:pk>/", views.moderate, name="moderation-decide"),
    path("moderatie/<int:pk>/verankeren/", views.attach, name="moderation-attach"),
    path("organisaties/", views.organisation_list, name="organisations"),
    # Open data: W3C Web Annotations.
    path("api/kanttekeningen/", api.collection_all, name="api-annotations"),
    path("api/kanttekeningen/<int:pk>/", api.annotation_detail, name="api-annotation"),
    path(
        "api/praktijken/<slug:slug>/kanttekeningen/",
        api.collection_case,
        name="api-case-annotations",
    ),
    path(
        "api/kader/<slug:key>/kanttekeningen/",
        api.collection_section,
        name="api-section-annotations",
    ),
    path("kader/<slug:key>/tekst/", api.section_text, name="section-text"),
    path("praktijken/<slug:slug>/tekst/<slug:field>/", api.case_text, name="case-text"),
]
