"""Every public URL answers HEAD like GET, without a body, whether or not the page is cached."""

import pytest
from django.urls import reverse

from frameworks.models import Section, Source, TensionField
from tests.factories import make_annotation, make_case

pytestmark = pytest.mark.django_db


def test_head_is_answered_on_every_public_url_with_an_empty_cache(client, framework):
    case = make_case(
        slug="moestuin", title="Een buurtmoestuin", summary="Samen tuinieren in de buurt."
    )
    make_case(slug="repaircafe", title="Een repaircafé")
    annotation = make_annotation(target=case, status="approved")
    section = Section.objects.get(key="ontmoeting")
    urls = [
        reverse("home"),
        reverse("framework"),
        section.get_absolute_url(),
        Source.objects.order_by("pk").first().get_absolute_url(),
        TensionField.objects.order_by("pk").first().get_absolute_url(),
        reverse("case-list"),
        reverse("case-list") + "?domein=wonen",
        case.get_absolute_url(),
        reverse("search"),
        reverse("search") + "?q=buurt",
        reverse("case-compare") + "?praktijk=moestuin&praktijk=repaircafe",
        reverse("overview"),
        reverse("bibliography"),
        reverse("open-data"),
        reverse("export-cases-csv"),
        reverse("export-codings-csv"),
        reverse("export-cases-json"),
        reverse("export-codebook"),
        reverse("export-project"),
        reverse("case-feed"),
        reverse("sitemap"),
        reverse("robots"),
        reverse("organisations"),
        reverse("api-annotations"),
        reverse("api-annotation", args=[annotation.pk]),
        reverse("api-case-annotations", args=[case.slug]),
        reverse("api-section-annotations", args=[section.key]),
        reverse("case-text", args=[case.slug, "praktijk"]),
        reverse("section-text", args=[section.key]),
    ]
    for url in urls:
        response = client.head(url)
        assert response.status_code == 200, url  # (the test client drops a HEAD body itself)
        assert response.get("X-Page-Cache") in (None, "miss"), url
