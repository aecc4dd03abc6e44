ALTER TABLE "branches" ADD COLUMN "cadence" jsonb;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "cadence" jsonb;