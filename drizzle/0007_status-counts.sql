-- meeting_tallies kept by statement-level triggers with transition tables: one upsert per statement
-- and meeting, however many rows a burst of sign-ins writes at once. Inserts may create a tally row;
-- deletes only update (a meeting deleted with its invitees has no row left to count for).
CREATE FUNCTION zhibu_tally_invitees() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO meeting_tallies AS t (meeting_id, expected)
      SELECT meeting_id, count(*)::int FROM new_rows GROUP BY meeting_id
    ON CONFLICT (meeting_id) DO UPDATE SET expected = t.expected + excluded.expected;
  ELSE
    UPDATE meeting_tallies t SET expected = t.expected - d.n
      FROM (SELECT meeting_id, count(*)::int AS n FROM old_rows GROUP BY meeting_id) d
      WHERE t.meeting_id = d.meeting_id;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER meeting_invitees_tally_ins AFTER INSERT ON meeting_invitees
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION zhibu_tally_invitees();
--> statement-breakpoint
CREATE TRIGGER meeting_invitees_tally_del AFTER DELETE ON meeting_invitees
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION zhibu_tally_invitees();
--> statement-breakpoint
-- Present = invitees signed in, as the sign-in card counts them (countMeetingAttendance).
CREATE FUNCTION zhibu_tally_attendance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO meeting_tallies AS t (meeting_id, present)
      SELECT a.meeting_id, count(*)::int FROM new_rows a
        JOIN meeting_invitees i ON i.meeting_id = a.meeting_id AND i.member_id = a.member_id
        WHERE a.status = 'present' GROUP BY a.meeting_id
    ON CONFLICT (meeting_id) DO UPDATE SET present = t.present + excluded.present;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO meeting_tallies AS t (meeting_id, present)
      SELECT d.meeting_id, d.n FROM (
        SELECT x.meeting_id, sum(x.n)::int AS n FROM (
          SELECT meeting_id, member_id, 1 AS n FROM new_rows WHERE status = 'present'
          UNION ALL
          SELECT meeting_id, member_id, -1 AS n FROM old_rows WHERE status = 'present'
        ) x JOIN meeting_invitees i ON i.meeting_id = x.meeting_id AND i.member_id = x.member_id
        GROUP BY x.meeting_id
      ) d WHERE d.n <> 0
    ON CONFLICT (meeting_id) DO UPDATE SET present = t.present + excluded.present;
  ELSE
    UPDATE meeting_tallies t SET present = t.present - d.n
      FROM (SELECT meeting_id, count(*)::int AS n FROM old_rows WHERE status = 'present' GROUP BY meeting_id) d
      WHERE t.meeting_id = d.meeting_id;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER attendance_tally_ins AFTER INSERT ON attendance
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION zhibu_tally_attendance();
--> statement-breakpoint
CREATE TRIGGER attendance_tally_upd AFTER UPDATE ON attendance
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION zhibu_tally_attendance();
--> statement-breakpoint
CREATE TRIGGER attendance_tally_del AFTER DELETE ON attendance
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION zhibu_tally_attendance();
--> statement-breakpoint
-- study_firsts: the first study per branch and item, in the organ's time zone.
CREATE FUNCTION zhibu_study_firsts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO study_firsts AS f (branch_id, study_item_id, first_on)
      SELECT m.branch_id, r.study_item_id, min((m.starts_at AT TIME ZONE o.timezone)::date)
      FROM new_rows r JOIN meetings m ON m.id = r.meeting_id JOIN organisations o ON o.id = m.org_id
      WHERE m.branch_id IS NOT NULL
      GROUP BY m.branch_id, r.study_item_id
    ON CONFLICT (branch_id, study_item_id) DO UPDATE SET first_on = least(f.first_on, excluded.first_on);
  ELSE
    -- Records removed (rare: a meeting deleted): their items are worked out again for every branch.
    DELETE FROM study_firsts f WHERE f.study_item_id IN (SELECT study_item_id FROM old_rows);
    INSERT INTO study_firsts (branch_id, study_item_id, first_on)
      SELECT m.branch_id, r.study_item_id, min((m.starts_at AT TIME ZONE o.timezone)::date)
      FROM first_agenda_records r JOIN meetings m ON m.id = r.meeting_id JOIN organisations o ON o.id = m.org_id
      WHERE m.branch_id IS NOT NULL AND r.study_item_id IN (SELECT study_item_id FROM old_rows)
      GROUP BY m.branch_id, r.study_item_id;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER first_agenda_records_firsts_ins AFTER INSERT ON first_agenda_records
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION zhibu_study_firsts();
--> statement-breakpoint
CREATE TRIGGER first_agenda_records_firsts_del AFTER DELETE ON first_agenda_records
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION zhibu_study_firsts();
--> statement-breakpoint
-- 支部情况 reads every branch meeting of the last 13 months with these columns: an index-only scan
-- (drizzle's schema cannot say INCLUDE, hence here).
CREATE INDEX meetings_status_idx ON meetings (branch_id, starts_at) INCLUDE (id, kind, party_group_id, state, closed_at);
--> statement-breakpoint
-- What was recorded before this migration.
INSERT INTO meeting_tallies (meeting_id, expected, present)
  SELECT i.meeting_id, count(*)::int, count(*) FILTER (WHERE a.status = 'present')::int
  FROM meeting_invitees i
  LEFT JOIN attendance a ON a.meeting_id = i.meeting_id AND a.member_id = i.member_id
  GROUP BY i.meeting_id;
--> statement-breakpoint
INSERT INTO study_firsts (branch_id, study_item_id, first_on)
  SELECT m.branch_id, r.study_item_id, min((m.starts_at AT TIME ZONE o.timezone)::date)
  FROM first_agenda_records r JOIN meetings m ON m.id = r.meeting_id JOIN organisations o ON o.id = m.org_id
  WHERE m.branch_id IS NOT NULL
  GROUP BY m.branch_id, r.study_item_id;
