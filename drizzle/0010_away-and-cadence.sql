CREATE TABLE "away_periods" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"reason" text NOT NULL,
	"recorded_by" uuid,
	"cancelled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "away_periods_period_ck" CHECK ("away_periods"."ends_on" >= "away_periods"."starts_on")
);
--> statement-breakpoint
ALTER TABLE "branches" ADD COLUMN "cadence" jsonb;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "cadence" jsonb;--> statement-breakpoint
ALTER TABLE "away_periods" ADD CONSTRAINT "away_periods_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "away_periods" ADD CONSTRAINT "away_periods_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "away_periods" ADD CONSTRAINT "away_periods_recorded_by_members_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "away_periods_member_idx" ON "away_periods" USING btree ("member_id","ends_on");--> statement-breakpoint
CREATE INDEX "away_periods_live_idx" ON "away_periods" USING btree ("ends_on","starts_on") WHERE "away_periods"."cancelled_at" is null;