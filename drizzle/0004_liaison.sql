ALTER TYPE "public"."problem_status" ADD VALUE 'needs_coordination';--> statement-breakpoint
ALTER TABLE "liaison_assignments" ADD COLUMN "source" "record_source" DEFAULT 'import' NOT NULL;--> statement-breakpoint
ALTER TABLE "liaison_problems" ADD COLUMN "position" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "liaison_problems" ADD COLUMN "owner_label" text;--> statement-breakpoint
ALTER TABLE "liaison_problems" ADD COLUMN "raised_on" date DEFAULT current_date NOT NULL;--> statement-breakpoint
ALTER TABLE "liaison_problems" ADD COLUMN "coordination_need" text;--> statement-breakpoint
ALTER TABLE "liaison_problems" ADD COLUMN "history" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "liaison_reports" ADD COLUMN "contacts" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "liaison_reports" ADD COLUMN "other_method" text;--> statement-breakpoint
ALTER TABLE "liaison_reports" ADD COLUMN "no_contact_reason" text;--> statement-breakpoint
ALTER TABLE "liaison_reports" ADD COLUMN "filed_on" date;--> statement-breakpoint
CREATE INDEX "liaison_problems_owner_idx" ON "liaison_problems" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "liaison_problems_report_idx" ON "liaison_problems" USING btree ("report_id");