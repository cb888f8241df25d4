"""URLs of annotations, moderation, organisations (`urlpatterns`: pages, in every language) and
the open-data API (`data_urlpatterns`: one address each)."""

from django.urls import path

from annotations import (
    api,
    notification_views,
    practice_views,
    reading_views,
    thread_views,
    views,
    workshop_views,
)
from diegem.lib.caching import public_page_cache as cached

urlpatterns = [
    path("kanttekeningen/nieuw/", views.annotation_new, name="annotation-new"),
    path("kanttekeningen/mijn/", views.my_annotations, name="annotations-mine"),
    # A note's own page with its thread (a reply's id leads there too), and replying.
    path("kanttekeningen/<int:pk>/", thread_views.note_detail, name="annotation-detail"),
    path("kanttekeningen/<int:pk>/antwoorden/", thread_views.reply_new, name="reply-new"),
    path("kanttekeningen/<int:pk>/bewerken/", views.annotation_edit, name="annotation-edit"),
    path(
        "kanttekeningen/<int:pk>/intrekken/", views.annotation_withdraw, name="annotation-withdraw"
    ),
    path("kanttekeningen/<int:pk>/melden/", views.annotation_flag, name="annotation-flag"),
    path("moderatie/", views.moderation_queue, name="moderation-queue"),
    path("moderatie/<int:pk>/", views.moderate, name="moderation-decide"),
    path("moderatie/<int:pk>/verankeren/", views.attach, name="moderation-attach"),
    path("organisaties/", views.organisation_list, name="organisations"),
    # Following and notifications.
    path("volgen/", notification_views.follow, name="follow"),
    path("meldingen/", notification_views.notification_list, name="notifications"),
    path(
        "meldingen/uitschrijven/<str:token>/",
        notification_views.unsubscribe,
        name="notifications-unsubscribe",
    ),
    path("account/instellingen/", notification_views.member_settings, name="member-settings"),
    # Practices members keep for their organisation (the tool itself: /uw-praktijk/, cases).
    path("uw-praktijk/bewaren/", practice_views.practice_save, name="practice-save"),
    path("uw-praktijk/bewaard/", practice_views.saved_practice_list, name="saved-practices"),
    path(
        "uw-praktijk/bewaard/<int:pk>/",
        practice_views.saved_practice_detail,
        name="saved-practice",
    ),
    path(
        "uw-praktijk/bewaard/<int:pk>/verwijderen/",
        practice_views.saved_practice_delete,
        name="saved-practice-delete",
    ),
    path(
        "uw-praktijk/bewaard/plaatsing/<int:pk>/verwijderen/",
        practice_views.placement_delete,
        name="practice-placement-delete",
    ),
]

# Workshops: fixed paths first, then a session's code.
urlpatterns += [
    path("werkvorm/", workshop_views.workshop_enter, name="workshop-enter"),
    path("werkvorm/nieuw/", workshop_views.workshop_new, name="workshop-new"),
    path("werkvorm/sessies/", workshop_views.workshop_list, name="workshop-list"),
    path("werkvorm/<str:code>/", workshop_views.workshop_join, name="workshop-join"),
    path("werkvorm/<str:code>/scherm/", workshop_views.workshop_screen, name="workshop-screen"),
    path(
        "werkvorm/<str:code>/scherm/verdeling/",
        workshop_views.workshop_distribution,
        name="workshop-distribution",
    ),
    path("werkvorm/<str:code>/sluiten/", workshop_views.workshop_close, name="workshop-close"),
    path("werkvorm/<str:code>/qr.svg", workshop_views.workshop_qr, name="workshop-qr"),
    path("werkvorm/<str:code>/verdeling.csv", workshop_views.workshop_csv, name="workshop-csv"),
]

# Readings of a coding (annotations.reading_views).
urlpatterns += [
    path(
        "praktijken/<slug:slug>/lezing/<slug:key>/",
        reading_views.reading_new,
        name="reading-new",
    ),
    path("lezingen/<int:pk>/antwoorden/", reading_views.reading_respond, name="reading-respond"),
    path("lezingen/<int:pk>/bewerken/", reading_views.reading_edit, name="reading-edit"),
]

# Data, the same in every language and at one address (diegem.urls puts these outside the
# language prefixes): W3C Web Annotations, the texts the margin's script reads, readings.
data_urlpatterns = [
    # A coding's IRI, one address in every language (it leads a browser to the case page), rests
    # on its case's id, which never changes (a slug may); it is not in the page cache, which
    # keeps no Accept header.
    path("coderingen/<int:case_id>/<slug:key>/", reading_views.coding, name="coding"),
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
    path(
        "data/lezingen.csv",
        cached(reading_views.export_readings_csv),
        name="export-readings-csv",
    ),
    path(
        "data/lezingen.json",
        cached(reading_views.export_readings_json),
        name="export-readings-json",
    ),
]
