ALTER TYPE "public"."identity_kind" ADD VALUE 'local_id';--> statement-breakpoint
ALTER TYPE "public"."platform" ADD VALUE 'local';