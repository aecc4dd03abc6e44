CREATE TYPE "public"."inbox_state" AS ENUM('pending', 'done', 'failed');--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "state" "inbox_state" DEFAULT 'done' NOT NULL;--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "payload" jsonb;--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "next_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "locked_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "claim_token" uuid;--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "last_error" text;--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "processed_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "inbound_events_pending_idx" ON "inbound_events" USING btree ("next_attempt_at") WHERE "inbound_events"."state" = 'pending';