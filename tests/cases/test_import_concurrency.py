"""The same import confirmed twice at once (a double click on "Importeren", the workbench and
the command on one file): both saw no case with the slug and both inserted it, the second a
500. Imports now run one at a time; the second finds the first's case and changes nothing."""

import pytest

from cases.models import Case
from tests.concurrency import at_once
from tests.factories import good_row, run_import, wide_csv

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_same_new_case_imported_twice_at_once_is_one_case(framework, researcher):
    content = wide_csv([good_row()])
    reports = []
    assert at_once(lambda: reports.append(run_import(content, researcher)), 2) == []
    assert [report.saved for report in reports] == [True, True]
    assert list(Case.objects.values_list("slug", flat=True)) == ["buurtkeuken-gent"]
