CREATE TYPE "public"."attendance_status" AS ENUM('present', 'leave', 'absent');--> statement-breakpoint
CREATE TYPE "public"."branch_kind" AS ENUM('organ_committee', 'general_branch', 'branch');--> statement-breakpoint
CREATE TYPE "public"."card_purpose" AS ENUM('confirmation', 'reminder', 'sign_in', 'summary', 'record');--> statement-breakpoint
CREATE TYPE "public"."identity_kind" AS ENUM('open_id', 'user_id', 'union_id', 'staff_id');--> statement-breakpoint
CREATE TYPE "public"."leading_body" AS ENUM('leading_group', 'central_group');--> statement-breakpoint
CREATE TYPE "public"."meeting_kind" AS ENUM('general_assembly', 'committee', 'party_group', 'party_lecture', 'theme_day', 'org_life', 'member_review', 'leading_group', 'central_group');--> statement-breakpoint
CREATE TYPE "public"."meeting_state" AS ENUM('scheduled', 'open', 'closed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."member_role" AS ENUM('secretary', 'deputy_secretary', 'committee_member', 'member', 'probationary');--> statement-breakpoint
CREATE TYPE "public"."outbox_state" AS ENUM('pending', 'sent', 'failed', 'skipped');--> statement-breakpoint
CREATE TYPE "public"."platform" AS ENUM('feishu', 'dingtalk');--> statement-breakpoint
CREATE TYPE "public"."problem_status" AS ENUM('open', 'in_progress', 'resolved');--> statement-breakpoint
CREATE TYPE "public"."record_source" AS ENUM('card', 'chat', 'correction', 'import', 'system');--> statement-breakpoint
CREATE TYPE "public"."study_scope" AS ENUM('all', 'leading_group');--> statement-breakpoint
CREATE TYPE "public"."target_type" AS ENUM('chat', 'user');--> statement-breakpoint
CREATE TABLE "attendance" (
	"meeting_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"status" "attendance_status" NOT NULL,
	"reason" text,
	"late" boolean DEFAULT false NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"source" "record_source" NOT NULL,
	"recorded_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "attendance_meeting_id_member_id_pk" PRIMARY KEY("meeting_id","member_id"),
	CONSTRAINT "attendance_leave_reason_ck" CHECK ("attendance"."status" <> 'leave' or coalesce("attendance"."reason", '') <> '')
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" uuid,
	"actor_id" uuid,
	"actor_label" text,
	"action" text NOT NULL,
	"entity" text NOT NULL,
	"entity_id" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "branch_chats" (
	"branch_id" uuid NOT NULL,
	"platform" "platform" NOT NULL,
	"chat_id" text NOT NULL,
	"bound_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "branch_chats_branch_id_platform_pk" PRIMARY KEY("branch_id","platform")
);
--> statement-breakpoint
CREATE TABLE "branches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"kind" "branch_kind" DEFAULT 'branch' NOT NULL,
	"parent_id" uuid,
	"term_years" integer DEFAULT 3 NOT NULL,
	"committee_elected_on" date,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "branches_term_years_ck" CHECK ("branches"."term_years" between 1 and 10)
);
--> statement-breakpoint
CREATE TABLE "first_agenda_records" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"study_item_id" uuid NOT NULL,
	"led_by" uuid,
	"form" text,
	"notes" text,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "follow_up_measures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"record_id" uuid NOT NULL,
	"content" text NOT NULL,
	"owner_id" uuid,
	"due_on" date,
	"done_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inbound_events" (
	"platform" "platform" NOT NULL,
	"event_id" text NOT NULL,
	"event_type" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbound_events_platform_event_id_pk" PRIMARY KEY("platform","event_id")
);
--> statement-breakpoint
CREATE TABLE "leading_body_members" (
	"org_id" uuid NOT NULL,
	"body" "leading_body" NOT NULL,
	"member_id" uuid NOT NULL,
	CONSTRAINT "leading_body_members_org_id_body_member_id_pk" PRIMARY KEY("org_id","body","member_id")
);
--> statement-breakpoint
CREATE TABLE "liaison_assignments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"leader_id" uuid NOT NULL,
	"branch_id" uuid NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "liaison_assignments_period_ck" CHECK ("liaison_assignments"."valid_to" is null or "liaison_assignments"."valid_to" >= "liaison_assignments"."valid_from")
);
--> statement-breakpoint
CREATE TABLE "liaison_problems" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"report_id" uuid NOT NULL,
	"branch_id" uuid NOT NULL,
	"description" text NOT NULL,
	"owner_id" uuid,
	"status" "problem_status" DEFAULT 'open' NOT NULL,
	"resolution" text,
	"resolved_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "liaison_problems_resolved_ck" CHECK ("liaison_problems"."status" <> 'resolved' or "liaison_problems"."resolved_on" is not null)
);
--> statement-breakpoint
CREATE TABLE "liaison_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"leader_id" uuid NOT NULL,
	"branch_id" uuid NOT NULL,
	"month" date NOT NULL,
	"learned" text,
	"guidance" text,
	"visited_on" date,
	"attended_on" date,
	"lectured_on" date,
	"submitted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "liaison_reports_month_ck" CHECK (extract(day from "liaison_reports"."month") = 1)
);
--> statement-breakpoint
CREATE TABLE "meeting_cards" (
	"meeting_id" uuid NOT NULL,
	"platform" "platform" NOT NULL,
	"purpose" "card_purpose" NOT NULL,
	"chat_id" text NOT NULL,
	"message_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "meeting_invitees" (
	"meeting_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	CONSTRAINT "meeting_invitees_meeting_id_member_id_pk" PRIMARY KEY("meeting_id","member_id")
);
--> statement-breakpoint
CREATE TABLE "meetings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"branch_id" uuid,
	"party_group_id" uuid,
	"kind" "meeting_kind" NOT NULL,
	"title" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"place" text,
	"state" "meeting_state" DEFAULT 'scheduled' NOT NULL,
	"created_by" uuid,
	"closed_at" timestamp with time zone,
	"cancelled_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "meetings_period_ck" CHECK ("meetings"."ends_at" > "meetings"."starts_at")
);
--> statement-breakpoint
CREATE TABLE "member_identities" (
	"member_id" uuid NOT NULL,
	"platform" "platform" NOT NULL,
	"kind" "identity_kind" NOT NULL,
	"value" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "member_identities_member_id_platform_kind_pk" PRIMARY KEY("member_id","platform","kind")
);
--> statement-breakpoint
CREATE TABLE "members" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"branch_id" uuid NOT NULL,
	"role" "member_role" DEFAULT 'member' NOT NULL,
	"party_group_id" uuid,
	"is_leader" boolean DEFAULT false NOT NULL,
	"leader_title" text,
	"is_admin" boolean DEFAULT false NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"left_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organisations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"timezone" text DEFAULT 'Asia/Shanghai' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organisations_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"idempotency_key" text NOT NULL,
	"kind" text NOT NULL,
	"platform" "platform" NOT NULL,
	"target_type" "target_type" NOT NULL,
	"target_id" text NOT NULL,
	"payload" jsonb NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone,
	"state" "outbox_state" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"message_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outbox_idempotency_key_unique" UNIQUE("idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "party_groups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"branch_id" uuid NOT NULL,
	"name" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "study_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"title" text NOT NULL,
	"source" text NOT NULL,
	"published_on" date NOT NULL,
	"link" text,
	"summary" text,
	"scope" "study_scope" DEFAULT 'all' NOT NULL,
	"added_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "attendance" ADD CONSTRAINT "attendance_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance" ADD CONSTRAINT "attendance_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance" ADD CONSTRAINT "attendance_recorded_by_members_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_id_members_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "branch_chats" ADD CONSTRAINT "branch_chats_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "branch_chats" ADD CONSTRAINT "branch_chats_bound_by_members_id_fk" FOREIGN KEY ("bound_by") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "branches" ADD CONSTRAINT "branches_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "branches" ADD CONSTRAINT "branches_parent_id_branches_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."branches"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "first_agenda_records" ADD CONSTRAINT "first_agenda_records_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "first_agenda_records" ADD CONSTRAINT "first_agenda_records_study_item_id_study_items_id_fk" FOREIGN KEY ("study_item_id") REFERENCES "public"."study_items"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "first_agenda_records" ADD CONSTRAINT "first_agenda_records_led_by_members_id_fk" FOREIGN KEY ("led_by") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "first_agenda_records" ADD CONSTRAINT "first_agenda_records_recorded_by_members_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_up_measures" ADD CONSTRAINT "follow_up_measures_record_id_first_agenda_records_id_fk" FOREIGN KEY ("record_id") REFERENCES "public"."first_agenda_records"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_up_measures" ADD CONSTRAINT "follow_up_measures_owner_id_members_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leading_body_members" ADD CONSTRAINT "leading_body_members_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leading_body_members" ADD CONSTRAINT "leading_body_members_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "liaison_assignments" ADD CONSTRAINT "liaison_assignments_leader_id_members_id_fk" FOREIGN KEY ("leader_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "liaison_assignments" ADD CONSTRAINT "liaison_assignments_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "liaison_problems" ADD CONSTRAINT "liaison_problems_report_id_liaison_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."liaison_reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "liaison_problems" ADD CONSTRAINT "liaison_problems_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "liaison_problems" ADD CONSTRAINT "liaison_problems_owner_id_members_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "liaison_reports" ADD CONSTRAINT "liaison_reports_leader_id_members_id_fk" FOREIGN KEY ("leader_id") REFERENCES "public"."members"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "liaison_reports" ADD CONSTRAINT "liaison_reports_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_cards" ADD CONSTRAINT "meeting_cards_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_invitees" ADD CONSTRAINT "meeting_invitees_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_invitees" ADD CONSTRAINT "meeting_invitees_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_party_group_id_party_groups_id_fk" FOREIGN KEY ("party_group_id") REFERENCES "public"."party_groups"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_created_by_members_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_identities" ADD CONSTRAINT "member_identities_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "members" ADD CONSTRAINT "members_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "members" ADD CONSTRAINT "members_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "members" ADD CONSTRAINT "members_party_group_id_party_groups_id_fk" FOREIGN KEY ("party_group_id") REFERENCES "public"."party_groups"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_groups" ADD CONSTRAINT "party_groups_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_items" ADD CONSTRAINT "study_items_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_items" ADD CONSTRAINT "study_items_added_by_members_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attendance_member_idx" ON "attendance" USING btree ("member_id");--> statement-breakpoint
CREATE INDEX "audit_log_entity_idx" ON "audit_log" USING btree ("entity","entity_id");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "branch_chats_platform_chat_uq" ON "branch_chats" USING btree ("platform","chat_id");--> statement-breakpoint
CREATE UNIQUE INDEX "branches_org_code_uq" ON "branches" USING btree ("org_id","code");--> statement-breakpoint
CREATE UNIQUE INDEX "branches_org_name_uq" ON "branches" USING btree ("org_id","name");--> statement-breakpoint
CREATE INDEX "branches_parent_idx" ON "branches" USING btree ("parent_id");--> statement-breakpoint
CREATE UNIQUE INDEX "first_agenda_records_uq" ON "first_agenda_records" USING btree ("meeting_id","study_item_id");--> statement-breakpoint
CREATE INDEX "first_agenda_records_item_idx" ON "first_agenda_records" USING btree ("study_item_id");--> statement-breakpoint
CREATE INDEX "follow_up_measures_record_idx" ON "follow_up_measures" USING btree ("record_id");--> statement-breakpoint
CREATE INDEX "inbound_events_received_idx" ON "inbound_events" USING btree ("received_at");--> statement-breakpoint
CREATE UNIQUE INDEX "liaison_assignments_uq" ON "liaison_assignments" USING btree ("leader_id","branch_id","valid_from");--> statement-breakpoint
CREATE INDEX "liaison_assignments_branch_idx" ON "liaison_assignments" USING btree ("branch_id");--> statement-breakpoint
CREATE INDEX "liaison_problems_branch_status_idx" ON "liaison_problems" USING btree ("branch_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "liaison_reports_uq" ON "liaison_reports" USING btree ("leader_id","branch_id","month");--> statement-breakpoint
CREATE INDEX "liaison_reports_branch_idx" ON "liaison_reports" USING btree ("branch_id","month");--> statement-breakpoint
CREATE UNIQUE INDEX "meeting_cards_message_uq" ON "meeting_cards" USING btree ("platform","message_id");--> statement-breakpoint
CREATE INDEX "meeting_cards_meeting_idx" ON "meeting_cards" USING btree ("meeting_id","purpose");--> statement-breakpoint
CREATE INDEX "meeting_invitees_member_idx" ON "meeting_invitees" USING btree ("member_id");--> statement-breakpoint
CREATE INDEX "meetings_branch_starts_idx" ON "meetings" USING btree ("branch_id","starts_at");--> statement-breakpoint
CREATE INDEX "meetings_org_starts_idx" ON "meetings" USING btree ("org_id","starts_at");--> statement-breakpoint
CREATE INDEX "meetings_open_idx" ON "meetings" USING btree ("state","ends_at") WHERE "meetings"."state" in ('scheduled', 'open');--> statement-breakpoint
CREATE UNIQUE INDEX "member_identities_lookup_uq" ON "member_identities" USING btree ("platform","kind","value");--> statement-breakpoint
CREATE UNIQUE INDEX "members_org_code_uq" ON "members" USING btree ("org_id","code");--> statement-breakpoint
CREATE INDEX "members_branch_idx" ON "members" USING btree ("branch_id");--> statement-breakpoint
CREATE INDEX "members_party_group_idx" ON "members" USING btree ("party_group_id");--> statement-breakpoint
CREATE INDEX "outbox_due_idx" ON "outbox" USING btree ("next_attempt_at") WHERE "outbox"."state" = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_state_idx" ON "outbox" USING btree ("state","due_at");--> statement-breakpoint
CREATE UNIQUE INDEX "party_groups_branch_name_uq" ON "party_groups" USING btree ("branch_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "study_items_title_date_uq" ON "study_items" USING btree ("org_id","title","published_on");--> statement-breakpoint
CREATE INDEX "study_items_published_idx" ON "study_items" USING btree ("org_id","published_on");