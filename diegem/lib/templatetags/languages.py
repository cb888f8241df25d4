"""`{% language_versions as versions %}`: this page in every language of the site
(`diegem.lib.languages`), for the switcher and the `hreflang` alternates of every page."""

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from diegem.lib import languages

register = template.Library()


@register.simple_tag(takes_context=True)
def language_versions(context) -> list[languages.LanguageVersion]:
    request = context.get("request")
    return [] if request is None else languages.language_versions(request)


@register.filter
def lang_attr(obj, field: str = "") -> str:
    """` lang="nl"` on an element holding a text of `obj` in another language than the page's:
    `<p{{ case|lang_attr:"summary" }}>{{ case.summary }}</p>`."""
    language = languages.other_language(obj, field)
    return format_html(' lang="{}"', language) if language else ""


@register.filter
def in_its_language(obj, field: str) -> str:
    """`obj`'s text `field` as the page shows it (`obj.shown`), inside `<span lang="nl">` when
    that is another language than the page's: for a title within a sentence of the interface
    (`{% blocktranslate with where=case|in_its_language:"title" %}`)."""
    text = getattr(obj.shown, field)
    language = languages.other_language(obj, field)
    return format_html('<span lang="{}">{}</span>', language, text) if language else text


@register.simple_tag
def untranslated_note(obj, field: str = "") -> str:
    """ "Deze tekst is (nog) niet vertaald" in the page's language, where `obj`'s text `field` is
    shown in its original for want of a translation (`WrittenIn.shown_text`): a page is never
    empty, and says why it is in another language. `obj` may be a text with its own language
    (an annotation target), then `field` is left out."""
    language = obj.language_of(field)
    if language == get_language() or not language:
        return ""
    return format_html('<p class="untranslated">{}</p>', _("Deze tekst is (nog) niet vertaald."))


@register.simple_tag
def translator_note(obj) -> str:
    """Who translated `obj`'s texts into the page's language, where they are translated."""
    translator = obj.translator() if obj.original_language != get_language() else ""
    if not translator:
        return ""
    return format_html(
        '<p class="translator muted">{}</p>',
        _("Vertaald door %(translator)s; de oorspronkelijke tekst is in het %(language)s.")
        % {
            "translator": translator,
            # Its name in the page's language ("Nederlands", "néerlandais").
            "language": languages.LANGUAGE_NAMES_IN_DUTCH[obj.original_language],
        },
    )


@register.filter
def written_in_dutch(text: str) -> str:
    """A text that is only ever written in Dutch (a release's title), inside `<span lang="nl">`
    on a page in another language."""
    if get_language() == settings.LANGUAGE_CODE:
        return text
    return format_html('<span lang="{}">{}</span>', settings.LANGUAGE_CODE, text)


@register.simple_tag
def dutch_lang_attr() -> str:
    """` lang="nl"` on an element holding a text only ever written in Dutch (a release's
    changelog), on a page in another language."""
    if get_language() == settings.LANGUAGE_CODE:
        return ""
    return format_html(' lang="{}"', settings.LANGUAGE_CODE)
