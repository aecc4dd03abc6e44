import { sql } from "drizzle-orm";
import {
  type AnyPgColumn as AnyColumn,
  bigint,
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { CadenceOverride } from "../domain/cadence.ts";
import { IDENTITY_KINDS, PLATFORM_NAMES } from "../domain/identity.ts";
import { MEETING_KINDS, MEMBER_ROLES } from "../domain/labels.ts";
import { PROBLEM_STATUSES } from "../domain/liaison-problems.ts";
import type { Contact } from "../domain/liaison-report.ts";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const createdAt = () => ts("created_at").notNull().defaultNow();
const updatedAt = () => ts("updated_at").notNull().defaultNow();
const day = (name: string) => date(name, { mode: "string" });

// ── enums ────────────────────────────────────────────────────────────────────

export const platform = pgEnum("platform", PLATFORM_NAMES);
export const identityKind = pgEnum("identity_kind", IDENTITY_KINDS);
export const branchKind = pgEnum("branch_kind", ["organ_committee", "general_branch", "branch"]);
export const memberRole = pgEnum("member_role", MEMBER_ROLES);
export const leadingBody = pgEnum("leading_body", ["leading_group", "central_group"]);
export const meetingKind = pgEnum("meeting_kind", MEETING_KINDS);
export const meetingState = pgEnum("meeting_state", ["scheduled", "open", "closed", "cancelled"]);
export const cardPurpose = pgEnum("card_purpose", [
  "confirmation",
  "reminder",
  "sign_in",
  "summary",
  "record",
]);
export const attendanceStatus = pgEnum("attendance_status", ["present", "leave", "absent"]);
export const recordSource = pgEnum("record_source", ["card", "chat", "correction", "import", "system"]);
export const studyScope = pgEnum("study_scope", ["all", "leading_group"]);
export const problemStatus = pgEnum("problem_status", PROBLEM_STATUSES);
export const outboxState = pgEnum("outbox_state", ["pending", "sent", "failed", "skipped"]);
export const inboxState = pgEnum("inbox_state", ["pending", "done", "failed"]);
export const targetType = pgEnum("target_type", ["chat", "user"]);

// ── organisation ─────────────────────────────────────────────────────────────

/** The organ; its Party committee (机关党委) is the root of the branch tree. */
export const organisations = pgTable("organisations", {
  id: uuid("id").primaryKey().defaultRandom(),
  code: text("code").notNull().unique(),
  name: text("name").notNull(),
  timezone: text("timezone").notNull().default("Asia/Shanghai"),
  /** The roster's `cadence:`: meeting frequencies replacing the default; null: the default. */
  cadence: jsonb("cadence").$type<CadenceOverride>(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const branches = pgTable(
  "branches",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    code: text("code").notNull(),
    name: text("name").notNull(),
    kind: branchKind("kind").notNull().default("branch"),
    /** null: directly under the 机关党委. */
    parentId: uuid("parent_id").references((): AnyColumn => branches.id, { onDelete: "restrict" }),
    termYears: integer("term_years").notNull().default(3),
    committeeElectedOn: day("committee_elected_on"),
    /** The branch's own `cadence:` (a 党总支's applies to the branches under it); null: none. */
    cadence: jsonb("cadence").$type<CadenceOverride>(),
    active: boolean("active").notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("branches_org_code_uq").on(t.orgId, t.code),
    uniqueIndex("branches_org_name_uq").on(t.orgId, t.name),
    index("branches_parent_idx").on(t.parentId),
    check("branches_term_years_ck", sql`${t.termYears} between 1 and 10`),
  ],
);

/** The group chat a branch lives in, one per platform. */
export const branchChats = pgTable(
  "branch_chats",
  {
    branchId: uuid("branch_id")
      .notNull()
      .references(() => branches.id, { onDelete: "cascade" }),
    platform: platform("platform").notNull(),
    chatId: text("chat_id").notNull(),
    /** roster import, or the member who bound it in chat. */
    boundBy: uuid("bound_by").references((): AnyColumn => members.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.branchId, t.platform] }),
    uniqueIndex("branch_chats_platform_chat_uq").on(t.platform, t.chatId),
  ],
);

export const partyGroups = pgTable(
  "party_groups",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    branchId: uuid("branch_id")
      .notNull()
      .references(() => branches.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    active: boolean("active").notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("party_groups_branch_name_uq").on(t.branchId, t.name)],
);

export const members = pgTable(
  "members",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    /** The organ's own staff number or any stable id from the roster. */
    code: text("code").notNull(),
    name: text("name").notNull(),
    branchId: uuid("branch_id")
      .notNull()
      .references(() => branches.id, { onDelete: "restrict" }),
    role: memberRole("role").notNull().default("member"),
    partyGroupId: uuid("party_group_id").references(() => partyGroups.id, { onDelete: "set null" }),
    isLeader: boolean("is_leader").notNull().default(false),
    /** e.g. 党组成员、副主任 — shown on liaison cards. */
    leaderTitle: text("leader_title"),
    /** 机关党委 staff: may act organ-wide. */
    isAdmin: boolean("is_admin").notNull().default(false),
    active: boolean("active").notNull().default(true),
    leftAt: ts("left_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("members_org_code_uq").on(t.orgId, t.code),
    index("members_branch_idx").on(t.branchId),
    index("members_party_group_idx").on(t.partyGroupId),
  ],
);

export const memberIdentities = pgTable(
  "member_identities",
  {
    memberId: uuid("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    platform: platform("platform").notNull(),
    kind: identityKind("kind").notNull(),
    value: text("value").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.memberId, t.platform, t.kind] }),
    uniqueIndex("member_identities_lookup_uq").on(t.platform, t.kind, t.value),
  ],
);

/** 党组 and 理论学习中心组 membership: their meetings list attendees explicitly. */
export const leadingBodyMembers = pgTable(
  "leading_body_members",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    body: leadingBody("body").notNull(),
    memberId: uuid("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.body, t.memberId] })],
);

/** A leader's 联系点, valid over a period (validTo null: still current). */
export const liaisonAssignments = pgTable(
  "liaison_assignments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    leaderId: uuid("leader_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    branchId: uuid("branch_id")
      .notNull()
      .references(() => branches.id, { onDelete: "cascade" }),
    validFrom: day("valid_from").notNull(),
    validTo: day("valid_to"),
    /**
     * Who last set it: "import" (the roster) or "chat" (联系点 指定/取消). A roster import leaves chat
     * changes alone, so an admin's change in chat survives the next `npx zhibu import`.
     */
    source: recordSource("source").notNull().default("import"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("liaison_assignments_uq").on(t.leaderId, t.branchId, t.validFrom),
    index("liaison_assignments_branch_idx").on(t.branchId),
    check("liaison_assignments_period_ck", sql`${t.validTo} is null or ${t.validTo} >= ${t.validFrom}`),
  ],
);

/**
 * 外出: days a member is away (出差、休假、病假…), recorded by himself, his branch's 书记 or the 机关党委.
 * Nobody is nudged privately while away. Withdrawn ones are kept (cancelled_at) with the audit log.
 */
export const awayPeriods = pgTable(
  "away_periods",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    memberId: uuid("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    startsOn: day("starts_on").notNull(),
    endsOn: day("ends_on").notNull(),
    reason: text("reason").notNull(),
    recordedBy: uuid("recorded_by").references(() => members.id, { onDelete: "set null" }),
    cancelledAt: ts("cancelled_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("away_periods_member_idx").on(t.memberId, t.endsOn),
    index("away_periods_live_idx").on(t.endsOn, t.startsOn).where(sql`${t.cancelledAt} is null`),
    check("away_periods_period_ck", sql`${t.endsOn} >= ${t.startsOn}`),
  ],
);

// ── meetings ─────────────────────────────────────────────────────────────────

export const meetings = pgTable(
  "meetings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    /** null for 党组会 / 理论学习中心组, which belong to the organ rather than a branch. */
    branchId: uuid("branch_id").references(() => branches.id, { onDelete: "cascade" }),
    partyGroupId: uuid("party_group_id").references(() => partyGroups.id, { onDelete: "set null" }),
    kind: meetingKind("kind").notNull(),
    title: text("title").notNull(),
    startsAt: ts("starts_at").notNull(),
    endsAt: ts("ends_at").notNull(),
    place: text("place"),
    state: meetingState("state").notNull().default("scheduled"),
    createdBy: uuid("created_by").references(() => members.id, { onDelete: "set null" }),
    closedAt: ts("closed_at"),
    cancelledReason: text("cancelled_reason"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("meetings_branch_starts_idx").on(t.branchId, t.startsAt),
    index("meetings_org_starts_idx").on(t.orgId, t.startsAt),
    index("meetings_open_idx").on(t.state, t.endsAt).where(sql`${t.state} in ('scheduled', 'open')`),
    check("meetings_period_ck", sql`${t.endsAt} > ${t.startsAt}`),
  ],
);

/** Who is expected, fixed when the meeting is scheduled so later roster changes don't rewrite history. */
export const meetingInvitees = pgTable(
  "meeting_invitees",
  {
    meetingId: uuid("meeting_id")
      .notNull()
      .references(() => meetings.id, { onDelete: "cascade" }),
    memberId: uuid("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "restrict" }),
  },
  (t) => [
    primaryKey({ columns: [t.meetingId, t.memberId] }),
    index("meeting_invitees_member_idx").on(t.memberId),
  ],
);

/** Platform message ids of a meeting's cards, so they can be patched later. */
export const meetingCards = pgTable(
  "meeting_cards",
  {
    meetingId: uuid("meeting_id")
      .notNull()
      .references(() => meetings.id, { onDelete: "cascade" }),
    platform: platform("platform").notNull(),
    purpose: cardPurpose("purpose").notNull(),
    chatId: text("chat_id").notNull(),
    messageId: text("message_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("meeting_cards_message_uq").on(t.platform, t.messageId),
    index("meeting_cards_meeting_idx").on(t.meetingId, t.purpose),
  ],
);

export const attendance = pgTable(
  "attendance",
  {
    meetingId: uuid("meeting_id")
      .notNull()
      .references(() => meetings.id, { onDelete: "cascade" }),
    memberId: uuid("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "restrict" }),
    status: attendanceStatus("status").notNull(),
    /** Required for leave (请假). */
    reason: text("reason"),
    late: boolean("late").notNull().default(false),
    recordedAt: ts("recorded_at").notNull().defaultNow(),
    source: recordSource("source").notNull(),
    recordedBy: uuid("recorded_by").references(() => members.id, { onDelete: "set null" }),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.meetingId, t.memberId] }),
    index("attendance_member_idx").on(t.memberId),
    check("attendance_leave_reason_ck", sql`${t.status} <> 'leave' or coalesce(${t.reason}, '') <> ''`),
  ],
);

/**
 * Per meeting: invitees and invitees present, kept by statement triggers on meeting_invitees and
 * attendance (migration 0005_status-counts) in the very statement that writes them, so 支部情况 and
 * 机关情况 read one row per meeting instead of counting attendance — never stale, whoever writes. A table
 * of its own, not columns of meetings: a sign-in then never waits on the lock of a meeting being
 * closed or edited (and closing, which writes attendance after the meeting, cannot deadlock with it).
 */
export const meetingTallies = pgTable("meeting_tallies", {
  meetingId: uuid("meeting_id")
    .primaryKey()
    .references(() => meetings.id, { onDelete: "cascade" }),
  expected: integer("expected").notNull().default(0),
  present: integer("present").notNull().default(0),
});

// ── 第一议题 ─────────────────────────────────────────────────────────────────

export const studyItems = pgTable(
  "study_items",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    source: text("source").notNull(),
    publishedOn: day("published_on").notNull(),
    link: text("link"),
    summary: text("summary"),
    scope: studyScope("scope").notNull().default("all"),
    addedBy: uuid("added_by").references(() => members.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("study_items_title_date_uq").on(t.orgId, t.title, t.publishedOn),
    index("study_items_published_idx").on(t.orgId, t.publishedOn),
  ],
);

/** A meeting studied an item as its first agenda. */
export const firstAgendaRecords = pgTable(
  "first_agenda_records",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    meetingId: uuid("meeting_id")
      .notNull()
      .references(() => meetings.id, { onDelete: "cascade" }),
    studyItemId: uuid("study_item_id")
      .notNull()
      .references(() => studyItems.id, { onDelete: "restrict" }),
    ledBy: uuid("led_by").references(() => members.id, { onDelete: "set null" }),
    /** 原文领学 / 研讨交流 / 专题辅导 … */
    form: text("form"),
    notes: text("notes"),
    recordedBy: uuid("recorded_by").references(() => members.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("first_agenda_records_uq").on(t.meetingId, t.studyItemId),
    index("first_agenda_records_item_idx").on(t.studyItemId),
  ],
);

/**
 * Per branch and study item, the local date of the branch's first study of it: kept by statement
 * triggers on first_agenda_records (migration 0005_status-counts), so 支部情况 and 机关情况 read one
 * narrow row per item studied instead of joining every record to its meeting.
 */
export const studyFirsts = pgTable(
  "study_firsts",
  {
    branchId: uuid("branch_id")
      .notNull()
      .references(() => branches.id, { onDelete: "cascade" }),
    studyItemId: uuid("study_item_id")
      .notNull()
      .references(() => studyItems.id, { onDelete: "cascade" }),
    firstOn: day("first_on").notNull(),
  },
  (t) => [primaryKey({ columns: [t.branchId, t.studyItemId] })],
);

/** 贯彻落实措施, each with an owner. */
export const followUpMeasures = pgTable(
  "follow_up_measures",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    recordId: uuid("record_id")
      .notNull()
      .references(() => firstAgendaRecords.id, { onDelete: "cascade" }),
    content: text("content").notNull(),
    ownerId: uuid("owner_id").references(() => members.id, { onDelete: "set null" }),
    dueOn: day("due_on"),
    doneOn: day("done_on"),
    createdAt: createdAt(),
  },
  (t) => [index("follow_up_measures_record_idx").on(t.recordId)],
);

// ── 联系点 ───────────────────────────────────────────────────────────────────

export const liaisonReports = pgTable(
  "liaison_reports",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    leaderId: uuid("leader_id")
      .notNull()
      .references(() => members.id, { onDelete: "restrict" }),
    branchId: uuid("branch_id")
      .notNull()
      .references(() => branches.id, { onDelete: "cascade" }),
    /** First day of the month reported on. */
    month: day("month").notNull(),
    learned: text("learned"),
    guidance: text("guidance"),
    visitedOn: day("visited_on"),
    attendedOn: day("attended_on"),
    lecturedOn: day("lectured_on"),
    /** Each way of keeping in touch with its day, from the monthly form; empty when 本月未能联系. */
    contacts: jsonb("contacts").$type<Contact[]>().notNull().default([]),
    /** What 其他 was, when picked. */
    otherMethod: text("other_method"),
    /** Set exactly when the leader ticked 本月未能联系. */
    noContactReason: text("no_contact_reason"),
    /** Local date of the first filing; edits do not move it (on time / late is decided by it). */
    filedOn: day("filed_on"),
    submittedAt: ts("submitted_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("liaison_reports_uq").on(t.leaderId, t.branchId, t.month),
    index("liaison_reports_branch_idx").on(t.branchId, t.month),
    check("liaison_reports_month_ck", sql`extract(day from ${t.month}) = 1`),
  ],
);

export interface ProblemHistoryEntry {
  on: string;
  status: (typeof PROBLEM_STATUSES)[number];
  note: string;
  by: string | null;
}

export const liaisonProblems = pgTable(
  "liaison_problems",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    reportId: uuid("report_id")
      .notNull()
      .references(() => liaisonReports.id, { onDelete: "cascade" }),
    branchId: uuid("branch_id")
      .notNull()
      .references(() => branches.id, { onDelete: "cascade" }),
    description: text("description").notNull(),
    ownerId: uuid("owner_id").references(() => members.id, { onDelete: "set null" }),
    status: problemStatus("status").notNull().default("open"),
    /** Order of the line in the report. */
    position: integer("position").notNull().default(0),
    /** The owner as the leader named it (本支部, a department, 联系领导本人): kept when the person changes. */
    ownerLabel: text("owner_label"),
    /** Local date the report raising it was first filed. */
    raisedOn: day("raised_on").notNull().default(sql`current_date`),
    resolution: text("resolution"),
    resolvedOn: day("resolved_on"),
    /** What the owner asked the 机关党委 to coordinate (需要协调). */
    coordinationNeed: text("coordination_need"),
    /** Status changes, oldest first: one line each for the 问题清单 sheet. */
    history: jsonb("history").$type<ProblemHistoryEntry[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("liaison_problems_branch_status_idx").on(t.branchId, t.status),
    index("liaison_problems_owner_idx").on(t.ownerId),
    index("liaison_problems_report_idx").on(t.reportId),
    check("liaison_problems_resolved_ck", sql`${t.status} <> 'resolved' or ${t.resolvedOn} is not null`),
  ],
);

// ── messaging plumbing ───────────────────────────────────────────────────────

/** Scheduled messages; the only way reminders leave the bot, so each is sent exactly once. */
export const outbox = pgTable(
  "outbox",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** kind + subject + target + slot: planning twice never creates two rows. */
    idempotencyKey: text("idempotency_key").notNull().unique(),
    kind: text("kind").notNull(),
    /** What the message is about (e.g. meeting:<id>), so a planner can withdraw rows it no longer wants. */
    subject: text("subject").notNull().default(""),
    platform: platform("platform").notNull(),
    targetType: targetType("target_type").notNull(),
    targetId: text("target_id").notNull(),
    payload: jsonb("payload").notNull(),
    dueAt: ts("due_at").notNull(),
    /** After this the message is no longer useful and is skipped rather than sent late. */
    expiresAt: ts("expires_at"),
    /** Recorded as skip_reason when the row is skipped for having expired. */
    expiryReason: text("expiry_reason"),
    state: outboxState("state").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at").notNull().defaultNow(),
    /** A claim's lease: a crashed sender's rows come back after it. */
    lockedUntil: ts("locked_until"),
    /** Set per claim: a sender whose lease ran out cannot mark a row another sender has claimed since. */
    claimToken: text("claim_token"),
    lastError: text("last_error"),
    /** Why a row was skipped (expired, withdrawn) instead of sent. */
    skipReason: text("skip_reason"),
    sentAt: ts("sent_at"),
    messageId: text("message_id"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("outbox_due_idx").on(t.nextAttemptAt).where(sql`${t.state} = 'pending'`),
    index("outbox_state_idx").on(t.state, t.dueAt),
    index("outbox_subject_idx").on(t.subject).where(sql`${t.state} = 'pending'`),
    index("outbox_target_idx").on(t.platform, t.targetType, t.targetId).where(sql`${t.state} = 'pending'`),
  ],
);

/**
 * Shared send-rate limits: per key (the Feishu app, one chat or user) the earliest time the next
 * message may go out. Every instance reserves slots here, so the limits hold across instances.
 */
export const sendRateSlots = pgTable("send_rate_slots", {
  key: text("key").primaryKey(),
  nextAt: ts("next_at").notNull(),
});

/**
 * Who is patching a live card (a meeting's sign-in card on one platform) right now, across processes
 * and Workers isolates: one holder at a time, so patches reach the platform in the order they were
 * rendered. `wanted` goes up with every request for a patch; a holder whose `wanted` changed while it
 * rendered patches again, so the last patch shows the final counts. A holder that died is replaced
 * once `held_until` has passed.
 */
export const cardPatches = pgTable(
  "card_patches",
  {
    subject: text("subject").notNull(),
    platform: platform("platform").notNull(),
    holder: text("holder"),
    heldUntil: ts("held_until"),
    wanted: bigint("wanted", { mode: "number" }).notNull().default(0),
    patchedAt: ts("patched_at"),
  },
  (t) => [primaryKey({ columns: [t.subject, t.platform] }), index("card_patches_held_until").on(t.heldUntil)],
);

/** Local days off added by an admin (e.g. a city's own holiday); they override the official calendar. */
export const localDaysOff = pgTable("local_days_off", {
  day: day("day").primaryKey(),
  reason: text("reason").notNull(),
  addedBy: text("added_by").notNull(),
  createdAt: createdAt(),
});

/** Every inbound platform event seen, so retries are answered and ignored. */
/**
 * The durable inbox: every inbound event id (deduplicated per platform), and for messages, joins and
 * clicks that could not be finished while the platform waited, the event itself until it is handled.
 * `done` rows are only remembered ids; `pending` ones are processed with retries; `failed` ones are
 * parked for an admin (`npx zhibu inbox --failed`, requeue).
 */
export const inboundEvents = pgTable(
  "inbound_events",
  {
    platform: platform("platform").notNull(),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    receivedAt: ts("received_at").notNull().defaultNow(),
    state: inboxState("state").notNull().default("done"),
    /** The verified, parsed event (platform-neutral InboundEvent), while it has to be processed. */
    payload: jsonb("payload"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at"),
    lockedUntil: ts("locked_until"),
    claimToken: uuid("claim_token"),
    lastError: text("last_error"),
    processedAt: ts("processed_at"),
  },
  (t) => [
    primaryKey({ columns: [t.platform, t.eventId] }),
    index("inbound_events_received_idx").on(t.receivedAt),
    index("inbound_events_pending_idx").on(t.nextAttemptAt).where(sql`${t.state} = 'pending'`),
  ],
);

/** Who changed what: roster imports, attendance corrections, bindings, admin actions. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    orgId: uuid("org_id").references(() => organisations.id, { onDelete: "cascade" }),
    actorId: uuid("actor_id").references(() => members.id, { onDelete: "set null" }),
    /** For actors that are not members: "roster-import", "scheduler", "cli". */
    actorLabel: text("actor_label"),
    action: text("action").notNull(),
    entity: text("entity").notNull(),
    entityId: text("entity_id").notNull(),
    before: jsonb("before"),
    after: jsonb("after"),
    at: ts("at").notNull().defaultNow(),
  },
  (t) => [index("audit_log_entity_idx").on(t.entity, t.entityId), index("audit_log_at_idx").on(t.at)],
);

/**
 * Platform API calls per calendar month, for quotas such as DingTalk's monthly one (`npx zhibu outbox
 * stats`). Counted by the adapters as the calls go out; `month` is YYYY-MM in the platform's billing
 * time zone.
 */
export const platformApiCalls = pgTable(
  "platform_api_calls",
  {
    platform: platform("platform").notNull(),
    month: text("month").notNull(),
    calls: integer("calls").notNull().default(0),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.platform, t.month] }),
    check("platform_api_calls_month_ck", sql`${t.month} ~ '^[0-9]{4}-[0-9]{2}$'`),
  ],
);
