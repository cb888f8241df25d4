"""Forms of the annotation flows. Every error names its field."""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from annotations.models import (
    FlagReason,
    Kind,
    ModerationAction,
    Organisation,
    SavedPractice,
    Voice,
)
from annotations.notifications import EmailFrequency, ShownAs
from annotations.organisations import USERNAME_LENGTH
from annotations.practices import (
    EARLIEST_DATE,
    FUTURE_DATE,
    NAME_NEEDED,
    NAME_TAKEN,
    TOO_EARLY,
)
from annotations.services import REASON_REQUIRED, REVIEWER_ACTIONS
from cases.practice_profile import NAME_MAX_LENGTH, TOO_LONG, PracticeForm
from diegem.lib.annotatable import LongText
from diegem.lib.form_keys import new_form_key, valid_form_key
from diegem.lib.visible_text import has_visible_text, visible_or_empty
from diegem.lib.web_address import as_uri


class WebAddressField(forms.URLField):
    """A link to a web page: http:// or https:// only (never javascript:, ftp:, …), with one
    message for whatever is wrong. A URLField with a validator of its own said Django's generic
    message twice: every "invalid" error of a field takes the field's message."""

    default_validators = [URLValidator(schemes=["http", "https"])]
    default_error_messages = {
        "invalid": _("Geef een geldig webadres, dat begint met http:// of https://.")
    }

    def to_python(self, value):
        # Kept, and checked (its length too), as a URI, as every client reads it: a host in its
        # own script in IDNA (bücher.de: xn--bcher-kva.de), and what a URI may not hold as
        # typed (", <, a space, é) escaped (%22). A host with a letter that the IDNA this
        # Python writes maps otherwise than browsers do (straße.de would become strasse.de,
        # another site) is refused rather than changed.
        address = super().to_python(value)
        if any(letter in IDNA_DEVIATIONS for letter in urlsplit(address).netloc):
            raise forms.ValidationError(
                _("Geef de naam van de website zoals de adresbalk van uw browser ze toont."),
                code="idna",
            )
        return as_uri(address)


# Letters IDNA 2003 (Python's codec) maps and browsers (UTS 46, nontransitional) keep.
IDNA_DEVIATIONS = frozenset("ßς\u200c\u200d")


PAGE_OUT_OF_DATE = _(
    "Deze pagina is verouderd of onvolledig doorgestuurd. Laad ze opnieuw en probeer het nog eens; "
    "wat u typte, staat hieronder nog."
)


# The save page's own version: the placement travels in hidden fields the member cannot correct,
# so nothing stands below to try again with; the page keeps what they typed and links back to the
# result (annotations/practices/save.html).
SAVE_PAGE_OUT_OF_DATE = _(
    "Deze pagina is verouderd of onvolledig doorgestuurd; niets is bewaard. Open de uitkomst "
    "opnieuw met de link hieronder en bewaar ze nog eens."
)
# The same, when nothing of the placement came through to go back to.
SAVE_PAGE_WITHOUT_RESULT = _(
    "Deze pagina is verouderd of onvolledig doorgestuurd; niets is bewaard. Vul het hulpmiddel "
    "opnieuw in en bewaar de uitkomst nog eens."
)


class PageFieldsMixin:
    """Hidden fields belong to the page, not to the user: an error in one says the page is stale or tampered with.

    It becomes one message for the whole form instead of an error on a field the
    user cannot see (and whose name would be shown raw).
    """

    def full_clean(self):
        super().full_clean()
        hidden = [
            name
            for name in self._errors
            if name in self.fields and self.fields[name].widget.is_hidden
        ]
        if hidden:
            for name in hidden:
                del self._errors[name]
            self.add_error(None, PAGE_OUT_OF_DATE)


class AnnotationContentForm(forms.Form):
    """What an annotation says: voice, kind, text, attribution, link."""

    voice = forms.ChoiceField(
        label=_("Stem"),
        choices=Voice.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Denker: uit de literatuur. Planner: uit beleid of plannen. Doener: uit de praktijk."
        ),
    )
    kind = forms.ChoiceField(label=_("Soort"), choices=Kind.choices, widget=forms.RadioSelect)
    body = forms.CharField(
        label=_("Kanttekening"),
        widget=LongText(attrs={"rows": 6}),
        max_length=settings.ANNOTATION_BODY_MAX_LENGTH,
        help_text=_("Markdown mag: *cursief*, **vet**, [tekst](https://…), lijstjes met - ."),
    )
    attribution = forms.CharField(
        label=_("Bron (optioneel)"),
        max_length=200,
        required=False,
        help_text=_("Bijvoorbeeld ‘Durkheim (1984)’ of de titel van een beleidsnota."),
    )
    link = WebAddressField(
        label=_("Link (optioneel)"), max_length=500, required=False, assume_scheme="https"
    )

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not has_visible_text(body):
            raise forms.ValidationError(_("Schrijf een kanttekening."))
        return body


def note_language_field() -> forms.ChoiceField:
    """The language a member writes a note in: any of the site's, the page's at first (and
    when a client sends none)."""
    return forms.ChoiceField(
        label=_("Taal van uw kanttekening"),
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("U mag schrijven in het Nederlands, het Frans of het Engels."),
    )


class AnnotationForm(PageFieldsMixin, AnnotationContentForm):
    """A new annotation: its content plus the passage it belongs to."""

    language = note_language_field()

    doel = forms.CharField(widget=forms.HiddenInput)
    start = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    end = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    exact = forms.CharField(widget=forms.HiddenInput, required=False, strip=False, max_length=5000)
    revisie = forms.CharField(widget=forms.HiddenInput, required=False, max_length=16)
    passage = forms.CharField(
        label=_("Passage"),
        widget=LongText(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text=_(
            "Kopieer de zin of het zinsdeel uit de tekst waarbij u de kanttekening schrijft."
        ),
    )

    field_order = ["passage", "voice", "kind", "body", "language", "attribution", "link"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("exact") and not (cleaned.get("passage") or "").strip():
            self.add_error(
                "passage",
                _("Kopieer de passage uit de tekst waarbij u deze kanttekening schrijft."),
            )
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is not None and end is not None and end <= start:
            self.add_error("passage", _("De selectie is leeg; selecteer de passage opnieuw."))
        return cleaned


class EditForm(PageFieldsMixin, AnnotationContentForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    language = note_language_field()


class ModerationForm(PageFieldsMixin, forms.Form):
    """A reviewer's decision on one annotation; `actions` are those its status allows."""

    action = forms.ChoiceField(
        label=_("Beslissing"),
        choices=[(action, ModerationAction(action).label) for action in REVIEWER_ACTIONS],
        widget=forms.RadioSelect,
    )
    public_reason = forms.CharField(
        label=_("Bericht aan de auteur"),
        widget=LongText(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        help_text=_("Nodig bij aanpassing vragen, afwijzen en verbergen."),
    )
    internal_note = forms.CharField(
        label=_("Interne notitie"),
        widget=LongText(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, actions=REVIEWER_ACTIONS, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer(actions)

    def offer(self, actions) -> None:
        """Show only these actions (after validating against all, the service applies the table)."""
        self.fields["action"].choices = [
            (action, ModerationAction(action).label) for action in actions
        ]
        needing_reason = [
            str(ModerationAction(action).label).lower()
            for action in actions
            if action in REASON_REQUIRED
        ]
        if needing_reason:
            self.fields["public_reason"].help_text = _("Nodig bij: %(actions)s.") % {
                "actions": ", ".join(needing_reason)
            }
        else:
            self.fields["public_reason"].help_text = _("Optioneel.")
        # A bound field keeps the help text it was made with (validating the form makes it):
        # made again, it says this one.
        self._bound_fields_cache.pop("public_reason", None)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") in REASON_REQUIRED and not has_visible_text(
            cleaned.get("public_reason", "")
        ):
            self.add_error("public_reason", _("Geef de auteur een reden mee bij deze beslissing."))
        return cleaned


class AttachForm(PageFieldsMixin, forms.Form):
    passage = forms.CharField(
        label=_("Nieuwe passage"),
        widget=LongText(attrs={"rows": 2}),
        max_length=5000,
        help_text=_("Kopieer de passage uit de huidige tekst."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Waarom meldt u deze kanttekening?"),
        choices=FlagReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Toelichting (optioneel)"),
        max_length=500,
        required=False,
        widget=LongText(attrs={"rows": 3}),
    )


class InviteForm(forms.Form):
    # The new member's user name as well (annotations.organisations.member_invite).
    email = forms.EmailField(label=_("E-mailadres"), max_length=USERNAME_LENGTH)
    first_name = forms.CharField(label=_("Voornaam"), max_length=150)
    last_name = forms.CharField(label=_("Familienaam"), max_length=150)
    organisation = forms.ModelChoiceField(
        label=_("Organisatie"), queryset=Organisation.objects.all()
    )

    def _visible(self, name: str) -> str:
        value = self.cleaned_data[name]
        if not has_visible_text(value):
            raise forms.ValidationError(self.fields[name].error_messages["required"])
        return value

    def clean_first_name(self) -> str:
        return self._visible("first_name")

    def clean_last_name(self) -> str:
        return self._visible("last_name")


# --- keeping a practice ("Waar staat uw praktijk?") ------------------------------------------

NEW_PRACTICE = ""
DATE_FORMAT = "%Y-%m-%d"  # what a date input sends


class SavePracticeForm(forms.Form):
    """Keep the tool's result for the member's organisation: which practice, and on which date.

    The result itself travels in hidden fields with the tool's own parameters, checked again by
    the tool's form (cases.practice_profile.PracticeForm). Field names keep clear of those.
    """

    def __init__(self, data=None, *, practices, **kwargs):
        super().__init__(data, **kwargs)
        self.practices = {str(practice.pk): practice for practice in practices}
        self.fields["bewaren-bij"] = forms.ChoiceField(
            label=_("Bewaren bij"),
            choices=[(NEW_PRACTICE, _("een nieuwe praktijk"))]
            + [(pk, practice.name) for pk, practice in self.practices.items()],
            required=False,
            error_messages={"invalid_choice": _("Kies een praktijk uit de lijst.")},
        )
        self.fields["nieuwe-naam"] = forms.CharField(
            label=_("Naam van de nieuwe praktijk"),
            max_length=NAME_MAX_LENGTH,
            required=False,
            error_messages={"max_length": TOO_LONG},
        )
        self.fields["datum"] = forms.DateField(
            label=_("Datum van deze plaatsing"),
            input_formats=[DATE_FORMAT, "%d-%m-%Y", "%d/%m/%Y"],
            widget=forms.DateInput(
                format=DATE_FORMAT,
                attrs={
                    "type": "date",
                    "min": EARLIEST_DATE.isoformat(),
                    "max": timezone.localdate().isoformat(),
                },
            ),
            error_messages={
                "required": _("Geef een datum."),
                "invalid": _("Geef een datum als dd-mm-jjjj."),
            },
        )

    @property
    def practice(self) -> SavedPractice | None:
        """The existing practice chosen (None: a new one)."""
        return self.practices.get(self.cleaned_data.get("bewaren-bij") or NEW_PRACTICE)

    def clean_datum(self):
        placed_on = self.cleaned_data["datum"]
        if placed_on > timezone.localdate():
            raise forms.ValidationError(FUTURE_DATE)
        if placed_on < EARLIEST_DATE:
            raise forms.ValidationError(TOO_EARLY)
        return placed_on

    def clean(self):
        cleaned = super().clean()
        if "nieuwe-naam" not in cleaned or "bewaren-bij" not in cleaned:
            return cleaned  # already named on its field
        name = cleaned["nieuwe-naam"].strip()
        cleaned["nieuwe-naam"] = name
        if self.practice is None:
            if not has_visible_text(name):
                self.add_error("nieuwe-naam", NAME_NEEDED)
            elif any(p.name.lower() == name.lower() for p in self.practices.values()):
                self.add_error("nieuwe-naam", NAME_TAKEN)
        return cleaned


class WorkshopOpenForm(forms.Form):
    """A facilitator opens a workshop session; the practice's name is optional."""

    title = forms.CharField(
        label=_("Naam van de praktijk (niet verplicht)"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        error_messages={"max_length": TOO_LONG},
    )

    def clean_title(self) -> str:
        return visible_or_empty(self.cleaned_data["title"])


class WorkshopAnswerForm(PracticeForm):
    """The tool's form as a participant answers it: only the now and desired values of the
    items. No name, domain or notes: a session keeps no words that could say who answered.

    `formulier` is a random key the form is drawn with (`new_form_key`), the same however often
    it is sent: a first answer sent twice (a double click, a slow network) is one answer
    (`workshop_sessions.submit_answer`). A key that is missing or not of the form is no key."""

    formulier = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        del self.fields["naam"], self.fields["domein"]
        for item in self.items:
            del self.fields[item.note_param]
        if data is None:
            self.initial = {**self.initial, "formulier": new_form_key()}  # not the caller's dict

    def clean_formulier(self) -> str:
        return valid_form_key(self.cleaned_data["formulier"])

    def rows(self):
        return [(item, self[item.param], self[item.desired_param], None) for item in self.items]


class PreferencesForm(forms.Form):
    """A member's choices: how often mail about notifications comes and in which language, and
    how they are shown."""

    email_frequency = forms.ChoiceField(
        label=_("E-mail over uw meldingen"),
        choices=EmailFrequency.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Een overzicht per dag komt 's ochtends, een overzicht per week op maandagochtend. "
            "Beslissingen over uw eigen bijdragen krijgt u altijd meteen."
        ),
    )
    shown_as = forms.ChoiceField(
        label=_("Hoe u bij uw bijdragen getoond wordt"),
        choices=ShownAs.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Geldt voor al uw kanttekeningen, reacties en lezingen, ook de eerdere, "
            "op de site, in e-mails en in de open data."
        ),
    )
    # Not required: a client that sends none leaves the member's choice as it was.
    language = forms.ChoiceField(
        label=_("Taal van uw e-mails"),
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("Beslissingen over uw bijdragen en de overzichten van uw meldingen."),
    )


class ReplyContentForm(AnnotationContentForm):
    """What a reply says: a note's content without a kind (only a margin note has one)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["kind"]
        self.fields["body"].label = _("Uw antwoord")

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not has_visible_text(body):
            raise forms.ValidationError(_("Schrijf een antwoord."))
        return body


class ReplyForm(PageFieldsMixin, ReplyContentForm):
    """A new reply; `op` is the reply it answers in the thread (empty: the note itself)."""

    op = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class ReplyEditForm(PageFieldsMixin, ReplyContentForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
