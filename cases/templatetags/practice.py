"""For "Waar staat uw praktijk?": `{% load practice %}`."""

from html import escape

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext

from cases.models import Grounds
from cases.practice_profile import ADDRESS_MAX_LENGTH, TOO_LONG
from diegem.lib.templatetags.languages import lang_attr

register = template.Library()


@register.filter
def describe_placement(item, placement) -> str:
    """A visitor's answer on an item in words ("weet ik niet" when there is none)."""
    return item.describe(placement)


@register.filter
def item_names(items) -> str:
    """The items' names as a list within a sentence, in lower case as the moves name them
    ("ontmoeting, strijd en consensus – conflict"), each marked with its language where that is
    not the page's."""
    names = [
        format_html("<span{}>{}</span>", attr, item.name.lower())
        if (attr := lang_attr(item.framework, "name"))
        else conditional_escape(item.name.lower())
        for item in items
    ]
    if len(names) < 2:
        return mark_safe("".join(names))  # noqa: S308 - escaped above
    last = pgettext("the last two of a list", "en")
    return mark_safe(f"{', '.join(names[:-1])} {conditional_escape(last)} {names[-1]}")  # noqa: S308


def _select(field) -> str:
    """One of the tool's twenty selects, with its label and errors, as includes/field.html writes
    a field. Written with `html.escape` (what Django's `escape` does, without its check of every
    argument for lazy text): a hundred and twenty options, each through the widget templates or
    `format_html`, cost more than the rest of the page (`make bench`)."""
    current = field.value()
    current = "" if current is None else str(current)
    errors = field.errors
    field_id = escape(field.id_for_label)
    error_id = escape(f"{field.auto_id}_error")
    options = "".join(
        f'<option value="{escape(str(value))}"'
        f"{' selected' if str(value) == current else ''}>{escape(str(label))}</option>"
        for value, label in field.field.choices
    )
    described = f' aria-invalid="true" aria-describedby="{error_id}"' if errors else ""
    shown_errors = "".join(
        f'<p class="field-error" id="{error_id}">{conditional_escape(error)}</p>'
        for error in errors
    )
    return mark_safe(
        f'<div class="field{" field--error" if errors else ""}"><label for="{field_id}">'
        f"{conditional_escape(field.label)}</label>"
        f'<select name="{escape(field.html_name)}" id="{field_id}"{described}>{options}</select>'
        f"{shown_errors}</div>"
    )


def _grounds(coding, words: dict, *, link: str = "", short: bool = False) -> str:
    """How a determined coding is known, as includes/grounds.html writes it (its markup, for
    the near-case cards below; `words`: escaped)."""
    marker = "●" if coding.has_evidence else "○"
    hidden = " visually-hidden" if short else ""
    inner = (
        f'<span class="grounds__marker" aria-hidden="true">{marker}</span> '
        f'<span class="grounds__word{hidden}">{words[coding.grounds]}</span>'
    )
    if link:
        inner = f'<a href="{escape(link)}">{inner}</a>'
    note = ""
    if coding.evidence_orphaned and not short:
        note = f' <span class="grounds__note">{words["orphaned"]}</span>'
    return f'<span class="grounds grounds--{escape(coding.grounds)}">{inner}{note}</span>\n'


@register.simple_tag(takes_context=True)
def near_cases(context, entries) -> str:
    """The cards (`<li>`) of cases near or far from a placed practice (`cases.case_nearness.Near`):
    how far, on how many items, and why. Built here in one pass with the words translated once
    and every text escaped with `html.escape`: as an included template per card and per coding
    they cost more than the rest of the result page (`make bench`)."""
    if not entries:
        return ""
    request = context["request"]
    origin = escape(f"{request.scheme}://{request.get_host()}")
    words = {grounds.value: escape(str(grounds.label)) for grounds in Grounds}
    words["orphaned"] = escape(gettext("(het tekstbewijs wordt nagekeken)"))
    # Literal gettext calls: makemessages finds only those.
    labels = [
        escape(gettext("Dichtbij:")),
        escape(gettext("Verschilt:")),
        escape(gettext("Niet te vergelijken:")),
    ]
    why = '<p class="near-case__why{}"><span class="near-case__label">{}</span>\n    {}</p>'
    distance = gettext("verschil %(percent)s%% · vergeleken op %(compared)s van %(asked)s items")
    differs = gettext("%(name)s: %(theirs)s (u: %(yours)s)")
    cards = []
    for near in entries:
        case = near.case
        url = case.get_absolute_url()
        close = differ = unknown = ""
        if near.close:
            shown = []
            for item, _placement, coding in near.close:
                link = f"{url}#bewijs-{item.key}" if coding.has_evidence else ""
                words_of = f"{escape(item.name)}: {escape(coding.label)}"
                grounds = _grounds(coding, words, link=link)
                shown.append(f'<span class="near-case__item">{words_of} {grounds}</span>')
            close = why.format("", labels[0], "; ".join(shown))
        if near.differ:
            shown = []
            for item, placement, coding in near.differ:
                theirs = {"name": item.name, "theirs": coding.label}
                words_of = escape(differs % {**theirs, "yours": item.describe(placement)})
                grounds = _grounds(coding, words, short=True)
                shown.append(f'<span class="near-case__item">{words_of} {grounds}</span>')
            differ = why.format("", labels[1], "; ".join(shown))
        if near.unknown:
            unknown = why.format(
                " muted",
                labels[2],
                escape(", ".join(item.name for item, _placement, _coding in near.unknown)),
            )
        url = escape(url)
        numbers = {"percent": near.percent, "compared": near.compared, "asked": near.asked}
        cards.append(
            '\n<li class="near-case">\n'
            f'  <p class="near-case__title"><a href="{url}" data-print-url="{origin}{url}">'
            f"<span{lang_attr(case, 'title')}>{escape(case.shown.title)}</span></a></p>\n"
            f'  <p class="muted"><span{lang_attr(case.domain, "name")}>{escape(case.domain.shown.name)}</span>'
            f" · {escape(case.place_label)}</p>\n"
            f'  <p class="near-case__distance">{escape(distance % numbers)}</p>\n'
            f"  {close}\n  {differ}\n  {unknown}\n</li>\n"
        )
    return mark_safe("".join(cards))


def _too_long_message(note) -> str:
    """The form's own message for a note too long, with `{n}` where the length goes (filled in
    by practice.js as the visitor types)."""
    shown = 987654321  # a length no note has, replaced by the placeholder
    message = gettext(TOO_LONG) % {"limit_value": note.field.max_length, "show_value": shown}
    return f"{note.label}: {message.replace(str(shown), '{n}')}"


def _note(note, summary: str) -> str:
    """A note's textarea in its <details>, as includes/field.html would write it (`summary`:
    escaped)."""
    errors = note.errors
    error_id = escape(f"{note.auto_id}_error")
    value = note.value()
    field_id = escape(note.id_for_label)
    described = f' aria-invalid="true" aria-describedby="{error_id}"' if errors else ""
    shown_errors = "".join(
        f'<p class="field-error" id="{error_id}">{conditional_escape(error)}</p>'
        for error in errors
    )
    return (
        f'<details class="practice-item__note"{" open" if value or errors else ""}>\n'
        f"    <summary>{summary}</summary>\n"
        f'    <div class="field{" field--error" if errors else ""}">\n'
        f'      <label for="{field_id}">{conditional_escape(note.label)}</label>\n'
        # No maxlength: a browser cuts a pasted text at it without a word (`LongText`). The
        # form names the field when a note is too long and keeps it; since the tool is a GET
        # form, practice.js says so before sending too (a note of thousands of characters
        # would pass the limit of a request line first, gunicorn's 4094 bytes by default).
        f'      <textarea name="{escape(note.html_name)}" id="{field_id}" rows="2"'
        f' data-max-length="{int(note.field.max_length)}"'
        f' data-too-long="{escape(_too_long_message(note))}"{described}>'
        f"{'' if value is None else conditional_escape(value)}</textarea>\n"
        f"      {shown_errors}\n"
        "    </div>\n"
        "  </details>"
    )


@register.simple_tag
def practice_items(form) -> str:
    """The ten items of "Waar staat uw praktijk?" as form fields (the tool and a workshop): per
    item the framework's own words, the two selects and the note (`form.rows()`; a workshop asks
    no note). Written in one pass with the words translated once, for the same reason as
    `_select`."""
    more = gettext("Meer over %(name)s")
    summary = escape(gettext("Notitie (niet verplicht)"))
    heading = '\n<h3>{}</h3>\n<p class="muted">{}</p>\n'
    parts = [
        heading.format(
            escape(gettext("Vier bronnen van solidariteit")),
            escape(gettext("Hoe sterk put uw praktijk uit elke bron, nu en zoals u het wilt?")),
        )
    ]
    for number, (item, now, desired, note) in enumerate(form.rows(), start=1):
        parts.append("\n")
        if number == 5:
            parts.append(
                heading.format(
                    escape(gettext("Zes spanningsvelden")),
                    escape(
                        gettext(
                            "Waar staat uw praktijk tussen de twee polen, nu en zoals u het wilt? "
                            "Een praktijk kan ook beide polen vasthouden."
                        )
                    ),
                )
            )
        framework = item.framework
        lang = lang_attr(framework)  # the framework's words, in another language than the page's?
        if item.is_source:
            words = f'\n  <p class="practice-item__words"{lang}>{escape(framework.shown.summary)}</p>\n  '
        else:
            words = (
                f'\n  <p class="practice-item__words"{lang}>{escape(framework.shown.question)}</p>\n'
                f'  <dl class="practice-item__poles"{lang}>\n'
                f"    <dt>{escape(framework.shown.pole_a)}</dt>"
                f"<dd>{escape(framework.shown.pole_a_description)}</dd>\n"
                f"    <dt>{escape(framework.shown.pole_b)}</dt>"
                f"<dd>{escape(framework.shown.pole_b_description)}</dd>\n"
                "  </dl>\n  "
            )
        name = escape(item.name)
        noted = f"\n  {_note(note, summary)}\n  " if note else ""
        parts.append(
            f'\n<fieldset class="practice-item" id="item-{escape(item.param)}">\n'
            f"  <legend{lang}>{name}</legend>\n"
            f"  {words}\n"
            f'  <p class="practice-item__more"><a href="{escape(framework.get_absolute_url())}">'
            f"{escape(more % {'name': item.name})}</a></p>\n"
            "  \n"
            '  <div class="practice-item__values">\n'
            f"    {_select(now)}\n"
            f"    {_select(desired)}\n"
            "  </div>\n"
            f"  {noted}\n"
            "</fieldset>\n"
        )
    return mark_safe("".join(parts) + "\n")


@register.simple_tag
def practice_address_limit() -> int:
    """The longest address the tool's form sends (`ADDRESS_MAX_LENGTH`), for practice.js."""
    return ADDRESS_MAX_LENGTH
