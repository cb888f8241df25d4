"""Reading a release's ZIP in tests."""

import csv
import io
import zipfile

from openpyxl import load_workbook


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def header(name: str, content: bytes) -> list[str]:
    """The header row of a tabular member (CSV or XLSX)."""
    if name.endswith(".csv"):
        return next(csv.reader(io.StringIO(content.decode("utf-8"))))
    if name.endswith(".xlsx"):
        sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        return [str(cell) for cell in next(sheet.iter_rows(max_row=1, values_only=True))]
    raise ValueError(name)
