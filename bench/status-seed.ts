/**
 * A large organ for the status bench, written by a handful of INSERT … SELECT generate_series
 * statements (no row leaves the database): 25 党总支, 500 党支部 with 3 党小组 each, 25,000 members,
 * five years of every kind of branch meeting with invitees and attendance, 第一议题 items studied by
 * most branches, and liaison assignments, reports and problems. Seeded with triggers and foreign-key
 * checks off (session_replication_role = replica), then the tallies the triggers would have kept are
 * computed in one statement, and the tables analysed, as in a database in service.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../src/db/types.ts";

export interface OrganSize {
  branches: number;
  membersPerBranch: number;
  generalBranches: number;
  groupsPerBranch: number;
  years: number;
  /** Last day of history (local). */
  until: string;
  studyItemsPerYear: number;
  leaders: number;
}

export const LARGE_ORGAN: OrganSize = {
  branches: 500,
  membersPerBranch: 50,
  generalBranches: 25,
  groupsPerBranch: 3,
  years: 5,
  until: "2026-11-30",
  studyItemsPerYear: 50,
  leaders: 60,
};

export async function seedLargeOrgan(db: Database, o: OrganSize): Promise<Record<string, number>> {
  const tz = "Asia/Shanghai";
  const firstYear = Number(o.until.slice(0, 4)) - o.years + 1;
  const from = `${firstYear}-01-01`;
  const run = (q: ReturnType<typeof sql>) => db.execute(q);
  await db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    const x = (q: ReturnType<typeof sql>) => tx.execute(q);
    await x(
      sql`insert into organisations (id, code, name) values ('00000000-0000-0000-0000-000000000001', 'big', '压测机关党委')`,
    );
    // 党总支 g1…, 党支部 b1… (uuids derived from numbers, so later statements can find them without joins).
    await x(sql`insert into branches (id, org_id, code, name, kind, term_years, committee_elected_on, created_at)
      select ('10000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid, '00000000-0000-0000-0000-000000000001',
             'g' || g, '第' || g || '党总支', 'general_branch', 3, date '2024-01-01' + g * 7, timestamptz '2020-01-01'
      from generate_series(1, ${o.generalBranches}) g`);
    await x(sql`insert into branches (id, org_id, code, name, kind, parent_id, term_years, committee_elected_on, created_at)
      select ('20000000-0000-0000-0000-' || lpad(b::text, 12, '0'))::uuid, '00000000-0000-0000-0000-000000000001',
             'b' || b, '第' || b || '处党支部', 'branch',
             ('10000000-0000-0000-0000-' || lpad((b % ${o.generalBranches} + 1)::text, 12, '0'))::uuid,
             3, date '2023-06-01' + (b * 3) % 1000, timestamptz '2020-01-01'
      from generate_series(1, ${o.branches}) b`);
    await x(sql`insert into party_groups (id, branch_id, name, created_at)
      select ('30000000-0000-0000-' || lpad(b::text, 4, '0') || '-' || lpad(g::text, 12, '0'))::uuid,
             ('20000000-0000-0000-0000-' || lpad(b::text, 12, '0'))::uuid, '第' || g || '党小组', timestamptz '2020-01-01'
      from generate_series(1, ${o.branches}) b, generate_series(1, ${o.groupsPerBranch}) g`);
    // Member n of branch b: 0 书记, 1 副书记, 2–4 委员, the rest 党员; group n % groups + 1.
    await x(sql`insert into members (id, org_id, code, name, branch_id, role, party_group_id, is_leader, is_admin, created_at)
      select ('40000000-0000-0000-' || lpad(b::text, 4, '0') || '-' || lpad(n::text, 12, '0'))::uuid,
             '00000000-0000-0000-0000-000000000001', b || '-' || n, '党员' || b || '-' || n,
             ('20000000-0000-0000-0000-' || lpad(b::text, 12, '0'))::uuid,
             (case when n = 0 then 'secretary' when n = 1 then 'deputy_secretary' when n <= 4 then 'committee_member' else 'member' end)::member_role,
             ('30000000-0000-0000-' || lpad(b::text, 4, '0') || '-' || lpad((n % ${o.groupsPerBranch} + 1)::text, 12, '0'))::uuid,
             n = 5 and b <= ${o.leaders}, n = 6 and b <= 5, timestamptz '2020-01-01'
      from generate_series(1, ${o.branches}) b, generate_series(0, ${o.membersPerBranch - 1}) n`);
    await x(sql`insert into member_identities (member_id, platform, kind, value)
      select id, 'feishu', 'open_id', 'ou_' || code from members`);
    await x(sql`insert into branch_chats (branch_id, platform, chat_id)
      select id, 'feishu', 'oc_' || code from branches where kind = 'branch'`);
    // Leader of branch b is liaison for branch b + 250.
    await x(sql`insert into liaison_assignments (leader_id, branch_id, valid_from)
      select ('40000000-0000-0000-' || lpad(b::text, 4, '0') || '-' || lpad('5', 12, '0'))::uuid,
             ('20000000-0000-0000-0000-' || lpad((b + ${Math.floor(o.branches / 2)})::text, 12, '0'))::uuid, ${from}::date
      from generate_series(1, ${o.leaders}) b`);

    // Meetings: per branch and month, 支部委员会, 主题党日 and one 党小组会 per group; per quarter 党员大会
    // and 党课; per year 组织生活会 and 民主评议. About one in twelve is skipped (a gap on the card).
    await x(sql`create temporary table slots on commit drop as
      select b, month::date as month, k.kind, k.grp, k.day
      from generate_series(1, ${o.branches}) b,
           generate_series(${from}::date, ${o.until}::date, interval '1 month') month,
           (values ('committee', 0, 5), ('theme_day', 0, 12), ('general_assembly', 0, 20), ('party_lecture', 0, 24),
                   ('org_life', 0, 26), ('member_review', 0, 27)
                   ${sql.raw(Array.from({ length: o.groupsPerBranch }, (_, g) => `, ('party_group', ${g + 1}, ${8 + g})`).join(""))}) as k(kind, grp, day)
      where (k.kind not in ('general_assembly', 'party_lecture') or extract(month from month)::int % 3 = 0)
        and (k.kind not in ('org_life', 'member_review') or extract(month from month)::int = 12)
        and (hashtext(b || k.kind || k.grp || month::text) % 12) <> 0`);
    await x(sql`insert into meetings (id, org_id, branch_id, party_group_id, kind, title, starts_at, ends_at, state, closed_at, created_at)
      select md5(b || kind || grp || month::text)::uuid, '00000000-0000-0000-0000-000000000001',
             ('20000000-0000-0000-0000-' || lpad(b::text, 12, '0'))::uuid,
             case when grp > 0 then ('30000000-0000-0000-' || lpad(b::text, 4, '0') || '-' || lpad(grp::text, 12, '0'))::uuid end,
             kind::meeting_kind, kind, (month + day - 1 + time '15:00') at time zone ${tz},
             (month + day - 1 + time '16:30') at time zone ${tz}, 'closed', (month + day - 1 + time '16:30') at time zone ${tz},
             (month + day - 2 + time '10:00') at time zone ${tz}
      from slots`);
    // Invitees as expectedAttendeeIds picks them: the committee (n ≤ 4), one group, or everyone.
    await x(sql`insert into meeting_invitees (meeting_id, member_id)
      select md5(s.b || s.kind || s.grp || s.month::text)::uuid,
             ('40000000-0000-0000-' || lpad(s.b::text, 4, '0') || '-' || lpad(n::text, 12, '0'))::uuid
      from slots s, generate_series(0, ${o.membersPerBranch - 1}) n
      where (s.kind <> 'committee' or n <= 4) and (s.grp = 0 or n % ${o.groupsPerBranch} + 1 = s.grp)
      order by 1, 2`);
    // About 85% present, 5% on leave, the rest absent.
    await x(sql`insert into attendance (meeting_id, member_id, status, reason, source, recorded_at)
      select meeting_id, member_id,
             (case when h < 85 then 'present' when h < 90 then 'leave' else 'absent' end)::attendance_status,
             case when h >= 85 and h < 90 then '出差' end, 'card', now()
      from (select meeting_id, member_id, abs(hashtext(meeting_id::text || member_id::text)) % 100 as h from meeting_invitees) a
      order by meeting_id, member_id`);
    await x(sql`insert into meeting_tallies (meeting_id, expected, present)
      select i.meeting_id, count(*), count(*) filter (where a.status = 'present')
      from meeting_invitees i left join attendance a using (meeting_id, member_id) group by i.meeting_id`);
    // 第一议题: items through the years; each branch studies most at its next 主题党日.
    await x(sql`insert into study_items (id, org_id, title, source, published_on, created_at)
      select md5('item' || i)::uuid, '00000000-0000-0000-0000-000000000001', '学习材料' || i, '新华社',
             ${from}::date + (i * 365 * ${o.years} / ${o.studyItemsPerYear * o.years}),
             (${from}::date + (i * 365 * ${o.years} / ${o.studyItemsPerYear * o.years}) + time '12:00') at time zone ${tz}
      from generate_series(1, ${o.studyItemsPerYear * o.years}) i
      where ${from}::date + (i * 365 * ${o.years} / ${o.studyItemsPerYear * o.years}) <= ${o.until}::date`);
    await x(sql`insert into first_agenda_records (meeting_id, study_item_id)
      select distinct on (m.branch_id, i.id) m.id, i.id
      from study_items i
      join meetings m on m.kind = 'theme_day' and m.starts_at > (i.published_on + time '00:00') at time zone ${tz}
        and m.starts_at < (i.published_on + 45 + time '00:00') at time zone ${tz}
      where abs(hashtext(i.id::text || m.branch_id::text)) % 20 <> 0
      order by m.branch_id, i.id, m.starts_at`);
    await x(sql`insert into study_firsts (branch_id, study_item_id, first_on)
      select m.branch_id, r.study_item_id, min((m.starts_at at time zone ${tz})::date)
      from first_agenda_records r join meetings m on m.id = r.meeting_id group by 1, 2`);
    // 联系点: a report most months, a problem in every third, two of three solved.
    await x(sql`insert into liaison_reports (id, leader_id, branch_id, month, learned, visited_on, submitted_at)
      select md5(la.id::text || month::text)::uuid, la.leader_id, la.branch_id, month::date, '了解情况',
             case when extract(month from month)::int in (4, 10) then month::date + 14 end, month + interval '27 days'
      from liaison_assignments la, generate_series(${from}::date, ${o.until}::date, interval '1 month') month
      where abs(hashtext(la.id::text || month::text)) % 10 <> 0`);
    await x(sql`insert into liaison_problems (report_id, branch_id, description, status, resolved_on)
      select id, branch_id, '问题', (case when h % 3 = 0 then 'open' else 'resolved' end)::problem_status,
             case when h % 3 <> 0 then month + 20 end
      from (select id, branch_id, month, abs(hashtext(id::text)) as h from liaison_reports) r
      where h % 3 = 0 or h % 7 = 0`);
  });
  // As autovacuum leaves a table in service: statistics, and the visibility map index-only scans need.
  await run(sql`vacuum analyze`);
  const counts: Record<string, number> = {};
  for (const table of [
    "branches",
    "members",
    "meetings",
    "meeting_invitees",
    "attendance",
    "first_agenda_records",
    "liaison_reports",
  ]) {
    const rows = (await db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as unknown as {
      n: number;
    }[];
    counts[table] = Number(rows[0]?.n ?? 0);
  }
  return counts;
}
