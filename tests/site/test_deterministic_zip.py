"""diegem.lib.archives: the same members at the same moment give the same bytes."""

import datetime
import io
import zipfile
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from diegem.lib.archives import Member, workbook_at, write_zip

MOMENT = datetime.datetime(2026, 3, 5, 14, 30, 8, tzinfo=ZoneInfo("Europe/Brussels"))


def _bytes(written) -> bytes:
    with written.file as file:
        return file.read()


def test_the_same_members_give_the_same_bytes_whatever_their_order():
    a = write_zip(
        [
            Member("b.txt", lambda out: out.write(b"twee")),
            Member("a.txt", lambda out: out.write(b"een")),
        ],
        moment=MOMENT,
    )
    b = write_zip(
        [
            Member("a.txt", lambda out: out.write(b"een")),
            Member("b.txt", lambda out: out.write(b"twee")),
        ],
        moment=MOMENT,
    )
    first, second = _bytes(a), _bytes(b)
    assert first == second
    assert (a.size, a.sizes) == (len(first), {"a.txt": 3, "b.txt": 4})
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert [(i.filename, i.date_time) for i in archive.infolist()] == [
            ("a.txt", (2026, 3, 5, 14, 30, 8)),
            ("b.txt", (2026, 3, 5, 14, 30, 8)),
        ]


def test_a_workbook_saved_at_two_moments_becomes_the_same_bytes():
    def saved(created: datetime.datetime) -> bytes:
        workbook = Workbook()
        workbook.active.append(["slug", "titel"])
        workbook.properties.created = created
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    one = saved(datetime.datetime(2020, 1, 1))
    two = saved(datetime.datetime(2024, 6, 1, 12, 0, 1))
    assert one != two
    assert workbook_at(one, moment=MOMENT) == workbook_at(two, moment=MOMENT)
    with zipfile.ZipFile(io.BytesIO(workbook_at(one, moment=MOMENT))) as archive:
        core = archive.read("docProps/core.xml").decode()
    # Brussels is UTC+1 in March; the ZIP entries keep local time (14:30:08).
    assert ">2026-03-05T13:30:08Z</dcterms:created>" in core
    assert ">2026-03-05T13:30:08Z</dcterms:modified>" in core
