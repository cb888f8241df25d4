"""An index that holds everything the practice ranking reads of a case row.

`cases.case_nearness` ranks every published case on `status`, `id` and the eleven profile columns
of migration 0009. Those columns sit after the case's long texts, so a sequential scan reads 74 MB
of heap and walks past every text of every row to reach them (about 20 ms at 10,000 cases). With
them in an index on `status`, PostgreSQL answers from the index alone (an index-only scan of under
100 pages, about 5 ms), as long as the visibility map is kept, which autovacuum does.

The columns are not model fields (migration 0009), hence SQL rather than `Meta.indexes`.
"""

from django.db import migrations

COLUMNS = ", ".join(["id"] + [f"profile_{slot}" for slot in range(1, 11)] + ["profile_evidence"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_case_profile_vector")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX case_status_profile ON cases_case (status) INCLUDE ({COLUMNS});",
            "DROP INDEX case_status_profile;",
        )
    ]
