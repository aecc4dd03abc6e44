CREATE TABLE "card_patches" (
	"subject" text NOT NULL,
	"platform" "platform" NOT NULL,
	"holder" text,
	"held_until" timestamp with time zone,
	"wanted" bigint DEFAULT 0 NOT NULL,
	"patched_at" timestamp with time zone,
	CONSTRAINT "card_patches_subject_platform_pk" PRIMARY KEY("subject","platform")
);
--> statement-breakpoint
CREATE INDEX "card_patches_held_until" ON "card_patches" USING btree ("held_until");