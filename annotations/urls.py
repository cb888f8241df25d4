"""URLs of annotations, moderation, organisations, accounts and the open-data API."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from annotations import api, views
from diegem import accounts

urlpatterns = [
    path("kanttekeningen/nieuw/", views.annotation_new, name="annotation-new"),
    path("kanttekeningen/mijn/", views.my_annotations, name="annotations-mine"),
    path("kanttekeningen/<int:pk>/bewerken/", views.annotation_edit, name="annotation-edit"),
    path("kanttekeningen/<int:pk>/intrekken/", views.annotation_withdraw, name="annotation-withdraw"),
    path("kanttekeningen/<int:pk>/melden/", views.annotation_flag, name="annotation-flag"),
    path("moderatie/", views.moderation_queue, name="moderation-queue"),
    path("moderatie/<int:pk>/", views.moderate, name="moderation-decide"),
    path("moderatie/<int:pk>/verankeren/", views.attach, name="moderation-attach"),
    path("organisaties/", views.organisation_list, name="organisations"),
    # Open data: W3C Web Annotations.
    path("api/kanttekeningen/", api.collection_all, name="api-annotations"),
    path("api/kanttekeningen/<int:pk>/", api.annotation_detail, name="api-annotation"),
    path("api/praktijken/<slug:slug>/kanttekeningen/", api.collection_case, name="api-case-annotations"),
    path("api/kader/<slug:key>/kanttekeningen/", api.collection_section, name="api-section-annotations"),
    path("kader/<slug:key>/tekst/", api.section_text, name="section-text"),
    path("praktijken/<slug:slug>/tekst/<slug:field>/", api.case_text, name="case-text"),
    # Accounts: Django's auth views with Dutch templates.
    path(
        "account/aanmelden/",
        auth_views.LoginView.as_view(authentication_form=accounts.LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("account/afmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "account/wachtwoord-vergeten/",
        accounts.PasswordResetView.as_view(success_url=reverse_lazy("password_reset_done")),
        name="password_reset",
    ),
    path("account/wachtwoord-vergeten/verstuurd/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "account/wachtwoord-kiezen/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(success_url=reverse_lazy("password_reset_complete")),
        name="password_reset_confirm",
    ),
    path("account/wachtwoord-gekozen/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("account/welkom/<uidb64>/<token>/", views.InvitationAcceptView.as_view(), name="invitation-accept"),
]
