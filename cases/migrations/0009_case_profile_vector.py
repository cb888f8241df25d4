"""Each case's coding as columns of its row, kept by the database whatever writes a coding.

`cases_case.profile_1` to `profile_10` hold the ten values in the framework's order: the four
sources by their order (a strength 0..3), then the six tension fields by number (a position
-2..2, or 9 for "houdt beide polen vast"); NULL where the case has no coding or it is "niet te
bepalen". `cases_case.profile_evidence` has bit n-1 set when slot n rests on text evidence.

"Waar staat uw praktijk?" ranks every published case by its distance to a profile
(`cases.case_nearness`); reading eleven small columns of one row is a single scan of the case table,
where joining the coding tables per item cost a hash join each (about 200 ms at 10,000 cases).

The columns are not model fields: Django never writes them, so a case saved from a stale
instance cannot overwrite them. Statement-level triggers with transition tables refresh the
cases a statement touched, so bulk inserts, updates and deletes (import, synthesize, the
factories of the tests) keep them right too.
"""

from django.db import migrations

BOTH_POLES = 9

SLOTS = range(1, 11)
COLUMNS = ",\n".join(f"    ADD COLUMN profile_{slot} smallint NULL" for slot in SLOTS)
SETS = ",\n           ".join(f"profile_{slot} = agg.v{slot}" for slot in SLOTS)
AGGREGATES = ",\n               ".join(
    f"max(value) FILTER (WHERE slot = {slot}) AS v{slot}" for slot in SLOTS
)

FORWARD = f"""
ALTER TABLE cases_case
{COLUMNS},
    ADD COLUMN profile_evidence integer NOT NULL DEFAULT 0;

CREATE FUNCTION cases_refresh_profiles(case_ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    WITH slots AS (
        SELECT sc.case_id,
               (SELECT count(*) FROM frameworks_source s2 WHERE s2."order" <= s."order") AS slot,
               CASE WHEN sc.grounds = 'niet_te_bepalen' THEN NULL ELSE sc.strength END AS value,
               sc.grounds = 'tekstbewijs' AS evidence
          FROM cases_sourcecoding sc
          JOIN frameworks_source s ON s.id = sc.source_id
         WHERE sc.case_id = ANY(case_ids)
        UNION ALL
        SELECT tp.case_id,
               (SELECT count(*) FROM frameworks_source) + f.number,
               CASE WHEN tp.grounds = 'niet_te_bepalen' THEN NULL
                    WHEN tp.holds_both THEN {BOTH_POLES}
                    ELSE tp.position END,
               tp.grounds = 'tekstbewijs'
          FROM cases_tensionposition tp
          JOIN frameworks_tensionfield f ON f.id = tp.tension_field_id
         WHERE tp.case_id = ANY(case_ids)
    ), agg AS (
        SELECT ids.id,
               {AGGREGATES},
               coalesce(sum(CASE WHEN evidence THEN 1 << (slot::integer - 1) ELSE 0 END), 0)
                   AS evidence
          FROM unnest(case_ids) AS ids(id)
          LEFT JOIN slots ON slots.case_id = ids.id
         GROUP BY ids.id
    )
    UPDATE cases_case c
       SET {SETS},
           profile_evidence = agg.evidence
      FROM agg
     WHERE c.id = agg.id;
$$;

CREATE FUNCTION cases_profiles_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM cases_refresh_profiles(ARRAY(SELECT DISTINCT case_id FROM new_rows));
    RETURN NULL;
END $$;

CREATE FUNCTION cases_profiles_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM cases_refresh_profiles(ARRAY(
        SELECT case_id FROM new_rows UNION SELECT case_id FROM old_rows));
    RETURN NULL;
END $$;

CREATE FUNCTION cases_profiles_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM cases_refresh_profiles(ARRAY(SELECT DISTINCT case_id FROM old_rows));
    RETURN NULL;
END $$;
"""

TABLES = ("cases_sourcecoding", "cases_tensionposition")
for table in TABLES:
    FORWARD += f"""
CREATE TRIGGER {table}_profile_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cases_profiles_after_insert();
CREATE TRIGGER {table}_profile_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cases_profiles_after_update();
CREATE TRIGGER {table}_profile_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cases_profiles_after_delete();
"""
# A change in the framework's order (or a source or field more or less) moves the slots: every
# case is refreshed. Only a real change of order or number counts (the seed saves rows as they are).
FORWARD += """
CREATE FUNCTION cases_profiles_after_framework() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM cases_refresh_profiles(ARRAY(SELECT id FROM cases_case));
    RETURN NULL;
END $$;

CREATE FUNCTION cases_profiles_after_source_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
                WHERE n."order" IS DISTINCT FROM o."order") THEN
        PERFORM cases_refresh_profiles(ARRAY(SELECT id FROM cases_case));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION cases_profiles_after_field_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
                WHERE n.number IS DISTINCT FROM o.number) THEN
        PERFORM cases_refresh_profiles(ARRAY(SELECT id FROM cases_case));
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER frameworks_source_profile_rows AFTER INSERT OR DELETE ON frameworks_source
    FOR EACH STATEMENT EXECUTE FUNCTION cases_profiles_after_framework();
CREATE TRIGGER frameworks_source_profile_order AFTER UPDATE ON frameworks_source
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cases_profiles_after_source_order();
CREATE TRIGGER frameworks_tensionfield_profile_rows AFTER INSERT OR DELETE ON frameworks_tensionfield
    FOR EACH STATEMENT EXECUTE FUNCTION cases_profiles_after_framework();
CREATE TRIGGER frameworks_tensionfield_profile_number AFTER UPDATE ON frameworks_tensionfield
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cases_profiles_after_field_number();

-- A truncated coding table leaves every case to be read again; a case inserted after its
-- codings in one transaction (foreign keys are checked at commit: a fixture that lists codings
-- first) is read when it arrives.
CREATE FUNCTION cases_profiles_after_case_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM cases_refresh_profiles(ARRAY(
        SELECT n.id FROM new_rows n
         WHERE EXISTS (SELECT 1 FROM cases_sourcecoding sc WHERE sc.case_id = n.id)
            OR EXISTS (SELECT 1 FROM cases_tensionposition tp WHERE tp.case_id = n.id)));
    RETURN NULL;
END $$;

CREATE TRIGGER cases_sourcecoding_profile_truncate AFTER TRUNCATE ON cases_sourcecoding
    FOR EACH STATEMENT EXECUTE FUNCTION cases_profiles_after_framework();
CREATE TRIGGER cases_tensionposition_profile_truncate AFTER TRUNCATE ON cases_tensionposition
    FOR EACH STATEMENT EXECUTE FUNCTION cases_profiles_after_framework();
CREATE TRIGGER cases_case_profile_insert AFTER INSERT ON cases_case
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cases_profiles_after_case_insert();

SELECT cases_refresh_profiles(ARRAY(SELECT id FROM cases_case));
"""

BACKWARD = """
DROP TRIGGER cases_case_profile_insert ON cases_case;
DROP TRIGGER cases_tensionposition_profile_truncate ON cases_tensionposition;
DROP TRIGGER cases_sourcecoding_profile_truncate ON cases_sourcecoding;
DROP FUNCTION cases_profiles_after_case_insert();
DROP TRIGGER frameworks_source_profile_rows ON frameworks_source;
DROP TRIGGER frameworks_source_profile_order ON frameworks_source;
DROP TRIGGER frameworks_tensionfield_profile_rows ON frameworks_tensionfield;
DROP TRIGGER frameworks_tensionfield_profile_number ON frameworks_tensionfield;
DROP FUNCTION cases_profiles_after_framework();
DROP FUNCTION cases_profiles_after_source_order();
DROP FUNCTION cases_profiles_after_field_number();
""" + "".join(
    f"DROP TRIGGER {table}_profile_{event} ON {table};\n"
    for table in TABLES
    for event in ("insert", "update", "delete")
) + """
DROP FUNCTION cases_profiles_after_insert();
DROP FUNCTION cases_profiles_after_update();
DROP FUNCTION cases_profiles_after_delete();
DROP FUNCTION cases_refresh_profiles(bigint[]);
ALTER TABLE cases_case DROP COLUMN profile_evidence;
""" + "".join(f"ALTER TABLE cases_case DROP COLUMN profile_{slot};\n" for slot in SLOTS)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_write_anchored_passage"),
        ("frameworks", "0007_lib_move_contentversion"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
